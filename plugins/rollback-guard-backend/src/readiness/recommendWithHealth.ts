import {
  CandidateReadiness,
  Deployment,
  EnvironmentHealth,
  RecommendedAction,
} from '@rollback-guard/plugin-rollback-guard-common';
import { recommend } from './assess';

type Recommendation = { action: RecommendedAction; reason: string };

const IN_PROGRESS = ['pending', 'progressing', 'paused'];

const lowerFirst = (text: string) =>
  text.charAt(0).toLocaleLowerCase('en-US') + text.slice(1);

/**
 * What to do in an environment once its health is known: the rollout state
 * alone cannot tell a failing canary from a healthy one.
 *
 * | health   | canary in progress | blue/green in progress | rolling in progress / finished      |
 * | -------- | ------------------ | ---------------------- | ----------------------------------- |
 * | healthy  | do nothing (let it proceed or promote) | do nothing | do nothing                 |
 * | degraded | pause and look     | pause and look         | pause and look (finished: watch)    |
 * | failing  | abort              | fail back              | roll back at low/medium risk, else fix forward |
 * | unknown  | as the rollout state says, saying health is unknown                             |
 *
 * A failed, aborted or rolled-back rollout keeps its state's recommendation.
 *
 * @internal
 */
export function recommendWithHealth(options: {
  environment: string;
  current?: Deployment;
  stable?: Deployment;
  best?: CandidateReadiness;
  health?: EnvironmentHealth;
}): Recommendation {
  const byState = recommend(options);
  const { current, stable, best, health, environment } = options;
  if (!current || !health) return byState;
  if (health.verdict === 'unknown') {
    return {
      action: byState.action,
      reason: `Health is unknown (${lowerFirst(
        health.reason,
      )}), so this goes by the rollout state: ${byState.reason}`,
    };
  }
  const v = current.version;
  const evidence = health.reason;
  const inProgress = IN_PROGRESS.includes(current.state);
  if (!inProgress && current.state !== 'succeeded') {
    // failed, aborted, rolled back: the state decides; health adds its word.
    return { ...byState, reason: `${byState.reason} Health: ${evidence}.` };
  }
  if (health.verdict === 'healthy') {
    if (!inProgress) {
      return {
        action: 'do-nothing',
        reason: `${v} is healthy in ${environment} (${evidence}); nothing calls for a move.`,
      };
    }
    const promote =
      current.strategy === 'canary' || current.strategy === 'blue-green'
        ? ', or promote it'
        : '';
    return {
      action: 'do-nothing',
      reason: `The ${current.strategy} of ${v} is healthy (${evidence}): let it proceed${promote}.`,
    };
  }
  if (health.verdict === 'degraded') {
    if (!inProgress) {
      return {
        action: 'do-nothing',
        reason: `${v} is degraded in ${environment} (${evidence}): look into it; nothing calls for going back yet.`,
      };
    }
    return {
      action: 'pause',
      reason: `The ${current.strategy} of ${v} is degraded (${evidence}): pause it and look before it goes further.`,
    };
  }
  // failing
  if (inProgress && current.strategy === 'canary') {
    return {
      action: 'abort',
      reason: `The canary of ${v} is failing (${evidence}): abort it so that all traffic goes back to ${
        stable?.version ?? 'the stable version'
      }.`,
    };
  }
  if (inProgress && current.strategy === 'blue-green') {
    return {
      action: 'fail-back',
      reason: `${v} is failing (${evidence}) and the previous side${
        stable ? ` still runs ${stable.version}` : ' is still up'
      }: switch traffic back to it.`,
    };
  }
  if (!best) {
    return {
      action: 'roll-forward',
      reason: `${v} is failing (${evidence}) and there is no earlier successful version to go back to: fix forward.`,
    };
  }
  const candidate = best.candidate.version;
  const why = best.reasons[0] ?? '';
  if (best.risk === 'low' || best.risk === 'medium') {
    return {
      action: 'roll-back',
      reason: `${v} is failing (${evidence}); going back to ${candidate} is ${
        best.risk
      } risk (${lowerFirst(why)})${
        best.risk === 'medium' ? ', so read the checks before you approve' : ''
      }.`,
    };
  }
  return {
    action: 'roll-forward',
    reason: `${v} is failing (${evidence}) but going back to ${candidate} is ${best.risk} (${why}): fix forward instead.`,
  };
}
