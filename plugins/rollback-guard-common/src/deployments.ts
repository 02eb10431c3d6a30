/**
 * How a deployment moves traffic from the old version to the new one.
 *
 * @public
 */
export type DeploymentStrategy =
  | 'blue-green'
  | 'canary'
  | 'rolling'
  | 'recreate';

/**
 * @public
 */
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = [
  'blue-green',
  'canary',
  'rolling',
  'recreate',
];

/**
 * Where a deployment stands.
 *
 * @public
 */
export type DeploymentState =
  | 'pending'
  | 'progressing'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'aborted'
  | 'rolled-back';

/**
 * @public
 */
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'pending',
  'progressing',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'rolled-back',
];

/**
 * One version of an entity rolled out to one environment.
 *
 * @public
 */
export type Deployment = {
  /** Chosen by the client that records it; a replayed write with the same id changes nothing. */
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  artifact?: {
    /** The OCI reference, e.g. `registry.example.com/team/app:1.4.2`. */
    reference?: string;
    /** The manifest digest, e.g. `sha256:...`. */
    digest?: string;
  };
  strategy: DeploymentStrategy;
  state: DeploymentState;
  /** How far the rollout has got, 0 to 100 (rolling: instances updated). */
  progressPercent?: number;
  /** Share of traffic on the new version, 0 to 100 (canary, blue-green). */
  trafficPercent?: number;
  sourceCommit?: string;
  triggeredBy?: string;
  /** ISO 8601 timestamps. */
  startedAt: string;
  finishedAt?: string;
};
