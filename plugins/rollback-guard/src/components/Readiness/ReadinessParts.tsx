import {
  EnvironmentReadiness,
  RecommendedAction,
} from '@rollback-guard/plugin-rollback-guard-common';

const ACTIONS: Record<RecommendedAction, string> = {
  'roll-back': 'Roll back',
  'roll-forward': 'Roll forward',
  pause: 'Pause',
  abort: 'Abort',
  'fail-back': 'Fail back',
  'do-nothing': 'Do nothing',
};

/** A recommended action in words, e.g. "Roll back". */
export function actionText(action: RecommendedAction): string {
  return ACTIONS[action] ?? action;
}

/** What Rollback Guard recommends, e.g. "<b>Roll back</b>: <reason>". */
export function RecommendationText(props: {
  recommendation: EnvironmentReadiness['recommendation'];
}) {
  const { action, reason } = props.recommendation;
  return (
    <>
      <strong>{actionText(action)}</strong>: {reason}
    </>
  );
}

/** Whether the recommendation for an environment asks anyone to act. */
export function callsForAction(environment: EnvironmentReadiness): boolean {
  return environment.recommendation.action !== 'do-nothing';
}
