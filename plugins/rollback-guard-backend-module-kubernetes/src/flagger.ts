import {
  Deployment,
  DeploymentState,
} from '@rollback-guard/plugin-rollback-guard-common';
import { KubeObject } from './client';
import {
  imageVersion,
  PROVIDER_ID,
  ReadContext,
  WorkloadHistory,
} from './read';

/** The API of Flagger's `Canary` (flagger.app/v1beta1). */
export const flaggerCanaries = (ns: string) =>
  `/apis/flagger.app/v1beta1/namespaces/${encodeURIComponent(ns)}/canaries`;

/** The Deployment a Canary targets, and the primary Flagger made of it. */
export function canaryTargetName(canary: KubeObject): string | undefined {
  const ref = canary.spec?.targetRef;
  return ref?.kind === 'Deployment' && typeof ref.name === 'string'
    ? ref.name
    : undefined;
}

// Flagger's phases (pkg/apis/flagger/v1beta1/status.go) for the new version.
const PHASE_STATES: Record<string, DeploymentState> = {
  Initializing: 'pending',
  Waiting: 'paused', // the confirm-rollout gate holds it
  Progressing: 'progressing',
  WaitingPromotion: 'paused', // the confirm-promotion gate holds it
  Promoting: 'progressing',
  Finalising: 'progressing',
  // Flagger routed all traffic back to the primary and scaled the canary to zero.
  Failed: 'rolled-back',
};

function iso(time: string | undefined): string | undefined {
  const parsed = time ? Date.parse(time) : NaN;
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/**
 * A Flagger Canary as deployments: the primary's version (what the stable
 * traffic runs) and, while an analysis runs or after it failed, the target's
 * new version with the canary weight. After a failed analysis the primary
 * is what runs, and the new version reads as rolled back.
 */
export function canaryDeployments(
  canary: KubeObject,
  target: KubeObject | undefined,
  primary: KubeObject | undefined,
  ctx: ReadContext,
): WorkloadHistory {
  const status = canary.status ?? {};
  const phase: string = status.phase ?? 'Initializing';
  const promoted = (status.conditions ?? []).find(
    (c: any) => c.type === 'Promoted',
  );
  const newVersion = imageVersion(target?.spec?.template, 0);
  const stableVersion = primary
    ? imageVersion(primary.spec?.template, 0)
    : undefined;
  const name = canary.metadata.name;
  const base = {
    entityRef: ctx.entityRef,
    environment: ctx.environment,
    strategy: 'canary' as const,
    provider: PROVIDER_ID,
  };
  const changedAt =
    iso(promoted?.lastTransitionTime) ??
    iso(status.lastTransitionTime) ??
    iso(canary.metadata.creationTimestamp) ??
    new Date(0).toISOString();
  const primaryProgressing = (primary?.status?.conditions ?? []).find(
    (c: any) => c.type === 'Progressing',
  );
  const primaryStartedAt =
    iso(primaryProgressing?.lastUpdateTime) ??
    iso(primary?.metadata.creationTimestamp) ??
    changedAt;
  const settled =
    phase === 'Initialized' ||
    phase === 'Succeeded' ||
    phase === 'Terminating' ||
    phase === 'Terminated' ||
    !stableVersion ||
    (phase !== 'Failed' && newVersion.version === stableVersion.version);
  if (settled) {
    const running = stableVersion ?? newVersion;
    const only: Deployment = {
      ...base,
      id: `${ctx.cluster}/${ctx.namespace}/canary/${name}/${
        status.lastPromotedSpec ?? running.version
      }`,
      version: running.version,
      ...(running.artifact ? { artifact: running.artifact } : {}),
      state: PHASE_STATES[phase] ?? 'succeeded',
      trafficPercent: 100,
      startedAt: changedAt,
    };
    return { current: only, deployments: [only] };
  }
  const weight =
    typeof status.canaryWeight === 'number' ? status.canaryWeight : 0;
  const failed = phase === 'Failed';
  const next: Deployment = {
    ...base,
    id: `${ctx.cluster}/${ctx.namespace}/canary/${name}/${
      status.lastAppliedSpec ?? newVersion.version
    }`,
    version: newVersion.version,
    ...(newVersion.artifact ? { artifact: newVersion.artifact } : {}),
    state: PHASE_STATES[phase] ?? 'progressing',
    trafficPercent: failed ? 0 : weight,
    startedAt: changedAt,
  };
  const stable: Deployment = {
    ...base,
    id: `${ctx.cluster}/${ctx.namespace}/canary/${name}/${
      status.lastPromotedSpec ?? stableVersion.version
    }`,
    version: stableVersion.version,
    ...(stableVersion.artifact ? { artifact: stableVersion.artifact } : {}),
    state: 'succeeded',
    trafficPercent: failed ? 100 : 100 - weight,
    // Never after the new version's start: it was there first.
    startedAt: primaryStartedAt < changedAt ? primaryStartedAt : changedAt,
  };
  return { current: failed ? stable : next, deployments: [next, stable] };
}
