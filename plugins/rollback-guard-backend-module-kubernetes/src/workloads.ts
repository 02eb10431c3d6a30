import { KubeObject, KubernetesClient, paths } from './client';
import { KubernetesSettings } from './config';
import {
  deploymentDeployments,
  ReadContext,
  rolloutDeployments,
  WorkloadHistory,
} from './read';
import { KubernetesTarget } from './targets';
import {
  canaryDeployments,
  canaryTargetName,
  flaggerCanaries,
} from './flagger';

/**
 * A Rollout, Deployment or Flagger Canary of an entity, with the ReplicaSets
 * it owns (for a Canary: the Deployment it targets and Flagger's primary).
 */
export type Workload = {
  kind: 'Rollout' | 'Deployment' | 'Canary';
  object: KubeObject;
  replicaSets: KubeObject[];
  target: KubernetesTarget;
  canaryTarget?: KubeObject;
  primary?: KubeObject;
};

// A CRD that is not installed answers 404: none of its objects.
const noneIfNotInstalled = (error: any): KubeObject[] => {
  if (error?.status === 404) return [];
  throw error;
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
 * The entity's Rollouts, Deployments and Flagger Canaries in one target (by
 * its label selector, and by name when the entity names one), each with its
 * ReplicaSets. A Rollout that manages a Deployment through `workloadRef`
 * stands for it, and a Canary for the Deployment it targets and Flagger's
 * `-primary` copy: no Deployment is listed twice.
 */
export async function findWorkloads(
  client: KubernetesClient,
  target: KubernetesTarget,
  signal?: AbortSignal,
): Promise<Workload[]> {
  const ns = target.namespace;
  const [rollouts, deployments, canaries] = await Promise.all([
    client
      .list(paths.rollouts(ns), target.labelSelector, signal)
      .catch(noneIfNotInstalled),
    client.list(paths.deployments(ns), target.labelSelector, signal),
    // Canaries target a Deployment by name and need not carry its labels.
    client.list(flaggerCanaries(ns), '', signal).catch(noneIfNotInstalled),
  ]);
  const byName = new Map(deployments.map(d => [d.metadata.name, d]));
  const ours = canaries.filter(c => byName.has(canaryTargetName(c) ?? ''));
  const referenced = new Set([
    ...rollouts
      .map(r => r.spec?.workloadRef)
      .filter(ref => ref?.kind === 'Deployment')
      .map(ref => ref.name as string),
    ...ours.flatMap(c => [
      canaryTargetName(c)!,
      `${canaryTargetName(c)}-primary`,
    ]),
  ]);
  const flagger: Workload[] = await Promise.all(
    ours.map(async object => {
      const name = canaryTargetName(object)!;
      const primary =
        byName.get(`${name}-primary`) ??
        (await client
          .get(paths.deployment(ns, `${name}-primary`), signal)
          .catch(error => {
            if (error?.status === 404) return undefined;
            throw error;
          }));
      return {
        kind: 'Canary' as const,
        object,
        replicaSets: [],
        target,
        canaryTarget: byName.get(name),
        primary,
      };
    }),
  );
  const picked = [
    ...rollouts.map(object => ({ kind: 'Rollout' as const, object })),
    ...deployments
      .filter(d => !referenced.has(d.metadata.name))
      .map(object => ({ kind: 'Deployment' as const, object })),
  ].filter(w => !target.name || w.object.metadata.name === target.name);
  const named = flagger.filter(
    w =>
      !target.name ||
      w.object.metadata.name === target.name ||
      canaryTargetName(w.object) === target.name,
  );
  const withReplicaSets = await Promise.all(
    picked.map(async w => {
      const selector = matchLabelsSelector(w.object);
      const replicaSets = selector
        ? await client.list(paths.replicaSets(ns), selector, signal)
        : [];
      return { ...w, replicaSets, target };
    }),
  );
  return [...withReplicaSets, ...named];
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
  switch (workload.kind) {
    case 'Rollout':
      return rolloutDeployments(workload.object, workload.replicaSets, ctx);
    case 'Canary':
      return canaryDeployments(
        workload.object,
        workload.canaryTarget,
        workload.primary,
        ctx,
      );
    default:
      return deploymentDeployments(workload.object, workload.replicaSets, ctx);
  }
}
