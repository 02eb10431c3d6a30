import {
  ActionRequest,
  Deployment,
  DeploymentState,
  ReadinessSnapshot,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';

/** How far a provider's clock may be behind ours when it reports a start. */
const CLOCK_SKEW_MS = 5_000;

/**
 * The risk of the action's target in a fresher snapshot.
 *
 * @internal
 */
export function riskNow(
  action: ActionRequest,
  snapshot: ReadinessSnapshot,
): { risk: Risk; reason: string } {
  const environment = snapshot.environments.find(
    e => e.environment === action.environment,
  );
  if (!environment) {
    return { risk: 'blocked', reason: `${action.environment} is gone` };
  }
  if (action.kind !== 'roll-back') {
    return action.kind === 'roll-forward'
      ? { risk: environment.risk, reason: environment.reasons[0] ?? '' }
      : { risk: action.risk, reason: 'unchanged' };
  }
  const candidate = environment.candidates.find(
    c => c.candidate.version === action.targetVersion,
  );
  return candidate
    ? { risk: candidate.risk, reason: candidate.reasons[0] ?? '' }
    : {
        risk: 'blocked',
        reason: `${action.targetVersion} is no longer a candidate`,
      };
}

/**
 * Whether the environment's current deployment fulfils or contradicts an
 * executing action. A roll-back or roll-forward is proven only by a
 * deployment of the target that started after the execution did.
 *
 * @internal
 */
export function verdictFor(
  action: ActionRequest,
  deployment: Deployment,
  executionStartedAt: Date,
): 'succeeded' | 'failed' | undefined {
  if (deployment.environment !== action.environment) return undefined;
  const failedStates: DeploymentState[] = ['failed', 'aborted', 'rolled-back'];
  switch (action.kind) {
    case 'pause':
      return deployment.state === 'paused' ? 'succeeded' : undefined;
    case 'resume':
      return ['progressing', 'succeeded'].includes(deployment.state)
        ? 'succeeded'
        : undefined;
    case 'abort':
      return deployment.state === 'aborted' ? 'succeeded' : undefined;
    default:
      if (deployment.version !== action.targetVersion) return undefined;
      if (
        Date.parse(deployment.startedAt) <
        executionStartedAt.getTime() - CLOCK_SKEW_MS
      ) {
        return undefined;
      }
      if (deployment.state === 'succeeded') return 'succeeded';
      return failedStates.includes(deployment.state) ? 'failed' : undefined;
  }
}
