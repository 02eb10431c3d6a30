import { KubeObject, KubernetesClient, paths } from './client';
import { KubernetesSettings } from './config';
import {
  deploymentDeployments,
  ReadContext,
  rolloutDeployments,
  WorkloadHistory,
} from './read';
import { KubernetesTarget } from './targets';

/** A Rollout or Deployment of an entity, with the ReplicaSets it owns. */
export type Workload = {
  kind: 'Rollout' | 'Deployment';
  object: KubeObject;
  replicaSets: KubeObject[];
  target: KubernetesTarget;
};

export function clientFor(
  settings: KubernetesSettings,
  target: KubernetesTarget,
): KubernetesClient {
  const cluster = settings.clusters.get(target.cluster);
  if (!cluster) {
    // entityTargets checked this; a reload of configuration could drop it.
    throw new Error(`cluster "${target.cluster}" is not configured`);
  }
  return new KubernetesClient(cluster, settings.timeoutMs);
}

/** `matchLabels` as a label selector, as `kubectl` lists a workload's ReplicaSets. */
export function matchLabelsSelector(object: KubeObject): string | undefined {
  const labels: Record<string, string> | undefined =
    object.spec?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * The entity's Rollouts and Deployments in one target (by its label
 * selector, and by name when the entity names one), each with its
 * ReplicaSets. A Rollout that manages a Deployment through `workloadRef`
 * stands for it: the Deployment is not listed twice.
 */
export async function findWorkloads(
  client: KubernetesClient,
  target: KubernetesTarget,
  signal?: AbortSignal,
): Promise<Workload[]> {
  const ns = target.namespace;
  const [rollouts, deployments] = await Promise.all([
    client
      .list(paths.rollouts(ns), target.labelSelector, signal)
      .catch(error => {
        // Argo Rollouts not installed: its API answers 404.
        if (error?.status === 404) return [] as KubeObject[];
        throw error;
      }),
    client.list(paths.deployments(ns), target.labelSelector, signal),
  ]);
  const referenced = new Set(
    rollouts
      .map(r => r.spec?.workloadRef)
      .filter(ref => ref?.kind === 'Deployment')
      .map(ref => ref.name as string),
  );
  const picked = [
    ...rollouts.map(object => ({ kind: 'Rollout' as const, object })),
    ...deployments
      .filter(d => !referenced.has(d.metadata.name))
      .map(object => ({ kind: 'Deployment' as const, object })),
  ].filter(w => !target.name || w.object.metadata.name === target.name);
  return Promise.all(
    picked.map(async w => {
      const selector = matchLabelsSelector(w.object);
      const replicaSets = selector
        ? await client.list(paths.replicaSets(ns), selector, signal)
        : [];
      return { ...w, replicaSets, target };
    }),
  );
}

/** A workload's revisions as deployments, and the one running now. */
export function workloadHistory(
  workload: Workload,
  entityRef: string,
): WorkloadHistory {
  const ctx: ReadContext = {
    entityRef,
    environment: workload.target.environment,
    cluster: workload.target.cluster,
    namespace: workload.target.namespace,
  };
  return workload.kind === 'Rollout'
    ? rolloutDeployments(workload.object, workload.replicaSets, ctx)
    : deploymentDeployments(workload.object, workload.replicaSets, ctx);
}
