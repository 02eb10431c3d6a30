import {
  Deployment,
  DeploymentState,
} from '@rollback-guard/plugin-rollback-guard-common';
import { KubeObject } from './client';

export const PROVIDER_ID = 'kubernetes';

/** The annotations and labels each controller puts on its ReplicaSets. */
export const ROLLOUT_REVISION = 'rollout.argoproj.io/revision';
export const ROLLOUT_REVISION_HISTORY = 'rollout.argoproj.io/revision-history';
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';
export const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';
export const DEPLOYMENT_REVISION_HISTORY =
  'deployment.kubernetes.io/revision-history';
export const DEPLOYMENT_HASH_LABEL = 'pod-template-hash';

/** Where the object was read, for ids and reasons. */
export type ReadContext = {
  entityRef: string;
  environment: string;
  cluster: string;
  namespace: string;
};

/** A workload's revisions as deployments, newest revision first, and the one running now. */
export type WorkloadHistory = {
  current?: Deployment;
  deployments: Deployment[];
};

/** One ReplicaSet of a workload, with its revision. */
export type Revision = {
  replicaSet: KubeObject;
  revision: number;
  podHash: string;
};

/** The ReplicaSets a workload owns, newest revision first. */
export function ownedRevisions(
  owner: KubeObject,
  replicaSets: KubeObject[],
  kind: 'Rollout' | 'Deployment',
): Revision[] {
  const revisionKey =
    kind === 'Rollout' ? ROLLOUT_REVISION : DEPLOYMENT_REVISION;
  const hashKey =
    kind === 'Rollout' ? ROLLOUT_HASH_LABEL : DEPLOYMENT_HASH_LABEL;
  return replicaSets
    .filter(rs =>
      (rs.metadata.ownerReferences ?? []).some(
        ref =>
          ref.kind === kind &&
          (owner.metadata.uid
            ? ref.uid === owner.metadata.uid
            : ref.name === owner.metadata.name),
      ),
    )
    .map(rs => ({
      replicaSet: rs,
      revision: Number(rs.metadata.annotations?.[revisionKey] ?? NaN),
      podHash: rs.metadata.labels?.[hashKey] ?? '',
    }))
    .filter(r => Number.isInteger(r.revision))
    .sort((a, b) => b.revision - a.revision);
}

/** The version and artifact a pod template runs: its first container's image. */
export function imageVersion(
  template: any,
  revision: number,
): { version: string; artifact?: Deployment['artifact'] } {
  const image: string | undefined = template?.spec?.containers?.[0]?.image;
  const label: string | undefined =
    template?.metadata?.labels?.['app.kubernetes.io/version'];
  if (!image) return { version: label ?? `revision ${revision}` };
  const [named, digest] = image.split('@');
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? named.slice(colon + 1) : undefined;
  const version = tag ?? label ?? (digest ? digest.slice(0, 19) : 'latest');
  return {
    version,
    artifact: { reference: image, ...(digest ? { digest } : {}) },
  };
}

function isoOrNow(time: string | undefined): string {
  const parsed = time ? Date.parse(time) : NaN;
  return Number.isNaN(parsed)
    ? new Date(0).toISOString()
    : new Date(parsed).toISOString();
}

function condition(obj: KubeObject, type: string) {
  return (obj.status?.conditions ?? []).find((c: any) => c.type === type);
}

/**
 * When a revision started: its ReplicaSet's creation, except for a
 * ReplicaSet an undo brought back (it carries a revision history), which
 * started running again when the workload last started progressing.
 */
function startedAt(
  owner: KubeObject,
  rev: Revision,
  reinstated: boolean,
): string {
  const created = isoOrNow(rev.replicaSet.metadata.creationTimestamp);
  if (!reinstated) return created;
  const progressing = condition(owner, 'Progressing');
  const since = progressing?.lastUpdateTime ?? progressing?.lastTransitionTime;
  return since && Date.parse(since) > Date.parse(created)
    ? isoOrNow(since)
    : created;
}

/** The canary weight Argo Rollouts sets at the current step (its GetCurrentSetWeight). */
function canaryStepWeight(rollout: KubeObject): number {
  if (rollout.status?.abort) return 0;
  const steps: any[] = rollout.spec?.strategy?.canary?.steps ?? [];
  const index: number = rollout.status?.currentStepIndex ?? 0;
  if (steps.length === 0 || index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    if (typeof steps[i]?.setWeight === 'number') return steps[i].setWeight;
  }
  return 0;
}

function rolloutState(rollout: KubeObject): DeploymentState {
  const status = rollout.status ?? {};
  if (status.abort) return 'aborted';
  if (status.phase === 'Degraded') return 'failed';
  // Before phases (Argo Rollouts < 1.0), a timed-out rollout says so here.
  const progressing = condition(rollout, 'Progressing');
  if (
    status.phase === undefined &&
    progressing?.status === 'False' &&
    progressing?.reason === 'ProgressDeadlineExceeded'
  ) {
    return 'failed';
  }
  if (
    rollout.spec?.paused ||
    (status.pauseConditions ?? []).length > 0 ||
    status.phase === 'Paused'
  ) {
    return 'paused';
  }
  const settled =
    status.currentPodHash !== undefined &&
    status.currentPodHash === status.stableRS;
  if (settled && (status.phase === undefined || status.phase === 'Healthy')) {
    return 'succeeded';
  }
  return 'progressing';
}

function reinstatedBy(rev: Revision, key: string): boolean {
  return Boolean(rev.replicaSet.metadata.annotations?.[key]);
}

/**
 * An Argo Rollout's revisions as deployments, newest first: the current
 * one in the state the rollout reports, the stable one as succeeded (it
 * carries the rest of the traffic), and a revision an undo replaced as
 * rolled back.
 */
export function rolloutDeployments(
  rollout: KubeObject,
  replicaSets: KubeObject[],
  ctx: ReadContext,
): WorkloadHistory {
  const revisions = ownedRevisions(rollout, replicaSets, 'Rollout');
  if (revisions.length === 0) return { deployments: [] };
  const status = rollout.status ?? {};
  const current =
    revisions.find(r => r.podHash && r.podHash === status.currentPodHash) ??
    revisions[0];
  const blueGreen = Boolean(rollout.spec?.strategy?.blueGreen);
  const strategy = blueGreen ? 'blue-green' : 'canary';
  const state = rolloutState(rollout);
  let currentTraffic: number;
  if (blueGreen) {
    currentTraffic =
      status.blueGreen?.activeSelector === current.podHash ? 100 : 0;
  } else if (typeof status.canary?.weights?.canary?.weight === 'number') {
    currentTraffic = status.canary.weights.canary.weight;
  } else if (state === 'succeeded') {
    currentTraffic = 100;
  } else {
    currentTraffic = canaryStepWeight(rollout);
  }
  const steps: any[] = rollout.spec?.strategy?.canary?.steps ?? [];
  const reinstated = reinstatedBy(current, ROLLOUT_REVISION_HISTORY);
  const replaced = reinstated
    ? revisions.find(r => r.revision < current.revision)
    : undefined;
  const deployments = revisions.map(rev => {
    const isCurrent = rev === current;
    const isStable = rev.podHash !== '' && rev.podHash === status.stableRS;
    let revState: DeploymentState = 'succeeded';
    if (isCurrent) revState = state;
    else if (rev === replaced) revState = 'rolled-back';
    let trafficPercent: number | undefined;
    if (isCurrent) trafficPercent = currentTraffic;
    else if (isStable) trafficPercent = 100 - currentTraffic;
    let progressPercent: number | undefined;
    if (isCurrent && !blueGreen && steps.length > 0) {
      const index = Math.min(status.currentStepIndex ?? 0, steps.length);
      progressPercent = Math.round((index / steps.length) * 100);
    }
    const { version, artifact } = imageVersion(
      rev.replicaSet.spec?.template,
      rev.revision,
    );
    return {
      id: `${ctx.cluster}/${ctx.namespace}/rollout/${rollout.metadata.name}/${rev.revision}-${rev.podHash}`,
      entityRef: ctx.entityRef,
      environment: ctx.environment,
      version,
      ...(artifact ? { artifact } : {}),
      strategy,
      state: revState,
      ...(progressPercent !== undefined ? { progressPercent } : {}),
      ...(trafficPercent !== undefined ? { trafficPercent } : {}),
      startedAt: startedAt(rollout, rev, isCurrent && reinstated),
      provider: PROVIDER_ID,
    } satisfies Deployment;
  });
  return { current: deployments[revisions.indexOf(current)], deployments };
}

function deploymentState(deployment: KubeObject): DeploymentState {
  if (deployment.spec?.paused) return 'paused';
  const progressing = condition(deployment, 'Progressing');
  if (
    progressing?.status === 'False' &&
    progressing?.reason === 'ProgressDeadlineExceeded'
  ) {
    return 'failed';
  }
  const s = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const done =
    (s.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === desired &&
    (s.replicas ?? 0) === (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) === (s.updatedReplicas ?? 0);
  return done ? 'succeeded' : 'progressing';
}

/**
 * A Deployment's revisions as deployments, newest first, the way
 * `kubectl rollout history` lists them.
 */
export function deploymentDeployments(
  deployment: KubeObject,
  replicaSets: KubeObject[],
  ctx: ReadContext,
): WorkloadHistory {
  const revisions = ownedRevisions(deployment, replicaSets, 'Deployment');
  if (revisions.length === 0) return { deployments: [] };
  const current = revisions[0];
  const state = deploymentState(deployment);
  const strategy =
    deployment.spec?.strategy?.type === 'Recreate' ? 'recreate' : 'rolling';
  const desired = deployment.spec?.replicas ?? 1;
  const updated = deployment.status?.updatedReplicas ?? 0;
  const reinstated = reinstatedBy(current, DEPLOYMENT_REVISION_HISTORY);
  const replaced = reinstated ? revisions[1] : undefined;
  const deployments = revisions.map(rev => {
    const isCurrent = rev === current;
    let revState: DeploymentState = 'succeeded';
    if (isCurrent) revState = state;
    else if (rev === replaced) revState = 'rolled-back';
    const { version, artifact } = imageVersion(
      rev.replicaSet.spec?.template,
      rev.revision,
    );
    return {
      id: `${ctx.cluster}/${ctx.namespace}/deployment/${deployment.metadata.name}/${rev.revision}-${rev.podHash}`,
      entityRef: ctx.entityRef,
      environment: ctx.environment,
      version,
      ...(artifact ? { artifact } : {}),
      strategy,
      state: revState,
      ...(isCurrent
        ? {
            progressPercent:
              desired > 0
                ? Math.min(100, Math.round((updated / desired) * 100))
                : 100,
          }
        : {}),
      startedAt: startedAt(deployment, rev, isCurrent && reinstated),
      provider: PROVIDER_ID,
    } satisfies Deployment;
  });
  return { current: deployments[revisions.indexOf(current)], deployments };
}
