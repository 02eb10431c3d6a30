import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ENVIRONMENTS,
  ANNOTATION_PROVIDER_ID,
  parseKubernetesEnvironments,
} from '@rollback-guard/plugin-rollback-guard-common';
import { KubernetesSettings } from './config';

/** The Kubernetes plugin's annotations, read the way it reads them. */
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';

/** Where one environment of an entity runs, all from its annotations. */
export type KubernetesTarget = {
  environment: string;
  cluster: string;
  namespace: string;
  labelSelector: string;
  /** The object's name, when `rollback-guard/provider-id` names one. */
  name?: string;
};

/**
 * The entity's environments and where each runs, or why it cannot be served:
 * every cluster, namespace and selector comes from its annotations, and every
 * cluster must be one configuration lists.
 */
export function entityTargets(
  entity: Entity,
  settings: KubernetesSettings,
): { targets: KubernetesTarget[] } | { error: string } {
  const annotations = entity.metadata.annotations ?? {};
  const value = annotations[ANNOTATION_KUBERNETES_ENVIRONMENTS];
  if (!value) {
    return {
      error: `the entity has no ${ANNOTATION_KUBERNETES_ENVIRONMENTS} annotation saying which cluster and namespace each environment runs in, e.g. "production=prod-eu/payments"`,
    };
  }
  const parsed = parseKubernetesEnvironments(value);
  if ('error' in parsed) {
    return { error: `${ANNOTATION_KUBERNETES_ENVIRONMENTS} ${parsed.error}` };
  }
  const selector = annotations[KUBERNETES_LABEL_SELECTOR]?.trim();
  const id = annotations[KUBERNETES_ID]?.trim();
  let labelSelector: string;
  if (selector) labelSelector = selector;
  else if (id) labelSelector = `${KUBERNETES_ID}=${id}`;
  else {
    return {
      error: `the entity has neither ${KUBERNETES_ID} nor ${KUBERNETES_LABEL_SELECTOR}, so its objects cannot be found`,
    };
  }
  const defaultNamespace =
    annotations[KUBERNETES_NAMESPACE]?.trim() || 'default';
  const name = annotations[ANNOTATION_PROVIDER_ID]?.trim() || undefined;
  const targets: KubernetesTarget[] = [];
  for (const entry of parsed.entries) {
    if (!settings.clusters.has(entry.cluster)) {
      return {
        error: `${ANNOTATION_KUBERNETES_ENVIRONMENTS} names cluster "${
          entry.cluster
        }", which rollbackGuard.kubernetes.clusters does not list (configured: ${
          [...settings.clusters.keys()].join(', ') || 'none'
        })`,
      };
    }
    const namespace = entry.namespace ?? defaultNamespace;
    const allowed = settings.clusters.get(entry.cluster)!.namespaces;
    if (allowed && !allowed.includes(namespace)) {
      return {
        error: `namespace "${namespace}" of cluster "${
          entry.cluster
        }" is not one rollbackGuard.kubernetes.clusters allows there (${allowed.join(
          ', ',
        )})`,
      };
    }
    targets.push({
      environment: entry.environment,
      cluster: entry.cluster,
      namespace,
      labelSelector,
      name,
    });
  }
  return { targets };
}
