import {
  CandidateReadiness,
  Deployment,
  DeploymentState,
  DeploymentStrategy,
  EnvironmentHealth,
  HealthVerdict,
  RecommendedAction,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';
import { recommendWithHealth } from './recommendWithHealth';

const deployment = (
  version: string,
  strategy: DeploymentStrategy,
  state: DeploymentState,
): Deployment =>
  ({
    id: `d-${version}`,
    entityRef: 'component:default/payments-api',
    environment: 'production',
    version,
    strategy,
    state,
    startedAt: '2026-12-01T10:00:00Z',
    trafficPercent: strategy === 'canary' ? 20 : undefined,
  } as Deployment);

const health = (verdict: HealthVerdict): EnvironmentHealth => ({
  environment: 'production',
  source: 'prometheus',
  version: '1.5.0',
  stableVersion: '1.4.2',
  verdict,
  reason:
    verdict === 'unknown'
      ? 'Prometheus could not be read: Prometheus main refused the connection'
      : `error rate 7.9% on 1.5.0 vs 0.2% on 1.4.2 over 10 min (${verdict})`,
  signals: [],
  window: { start: '', end: '', minutes: 10 },
  readAt: '',
});

const candidate = (risk: Risk): CandidateReadiness => ({
  candidate: deployment('1.4.2', 'rolling', 'succeeded'),
  risk,
  reasons: [`Artifact availability: the ${risk} reason`],
  checks: [],
});

// "back?": roll back when going back is low or medium risk, else fix forward.
type Expected = RecommendedAction | 'back?';

// strategy, state, then the action for each health verdict; `none` is no
// health source at all.
const TABLE: Array<
  [
    DeploymentStrategy,
    DeploymentState,
    Record<HealthVerdict | 'none', Expected>,
  ]
> = [
  [
    'canary',
    'progressing',
    {
      healthy: 'do-nothing',
      degraded: 'pause',
      failing: 'abort',
      unknown: 'pause',
      none: 'pause',
    },
  ],
  [
    'canary',
    'paused',
    {
      healthy: 'do-nothing',
      degraded: 'pause',
      failing: 'abort',
      unknown: 'pause',
      none: 'pause',
    },
  ],
  [
    'canary',
    'pending',
    {
      healthy: 'do-nothing',
      degraded: 'pause',
      failing: 'abort',
      unknown: 'pause',
      none: 'pause',
    },
  ],
  [
    'blue-green',
    'progressing',
    {
      healthy: 'do-nothing',
      degraded: 'pause',
      failing: 'fail-back',
      unknown: 'fail-back',
      none: 'fail-back',
    },
  ],
  [
    'rolling',
    'progressing',
    {
      healthy: 'do-nothing',
      degraded: 'pause',
      failing: 'back?',
      unknown: 'pause',
      none: 'pause',
    },
  ],
  [
    'rolling',
    'succeeded',
    {
      healthy: 'do-nothing',
      degraded: 'do-nothing',
      failing: 'back?',
      unknown: 'do-nothing',
      none: 'do-nothing',
    },
  ],
  [
    'canary',
    'succeeded',
    {
      healthy: 'do-nothing',
      degraded: 'do-nothing',
      failing: 'back?',
      unknown: 'do-nothing',
      none: 'do-nothing',
    },
  ],
  [
    'rolling',
    'failed',
    {
      healthy: 'back?',
      degraded: 'back?',
      failing: 'back?',
      unknown: 'back?',
      none: 'back?',
    },
  ],
  [
    'canary',
    'aborted',
    {
      healthy: 'roll-forward',
      degraded: 'roll-forward',
      failing: 'roll-forward',
      unknown: 'roll-forward',
      none: 'roll-forward',
    },
  ],
  [
    'rolling',
    'rolled-back',
    {
      healthy: 'do-nothing',
      degraded: 'do-nothing',
      failing: 'do-nothing',
      unknown: 'do-nothing',
      none: 'do-nothing',
    },
  ],
];

const RISKS: Array<Risk | 'no candidate'> = [
  'low',
  'medium',
  'high',
  'blocked',
  'no candidate',
];

const cases = TABLE.flatMap(([strategy, state, byVerdict]) =>
  (Object.keys(byVerdict) as Array<HealthVerdict | 'none'>).flatMap(verdict =>
    RISKS.map(risk => {
      const expected = byVerdict[verdict];
      let action: RecommendedAction;
      if (expected !== 'back?') action = expected;
      else
        action =
          risk === 'low' || risk === 'medium' ? 'roll-back' : 'roll-forward';
      return [strategy, state, verdict, risk, action] as const;
    }),
  ),
);

// What the reason starts with or contains: the signal's words where health
// decides, "Health is unknown" where it could not be read.
function reasonPattern(
  state: DeploymentState,
  verdict: HealthVerdict | 'none',
): RegExp {
  if (verdict === 'unknown')
    return /^Health is unknown \(prometheus could not be read/;
  if (verdict === 'none') return /^(?!Health)/;
  if (['failed', 'aborted'].includes(state)) return /Health: error rate 7\.9%/;
  if (state === 'rolled-back') return /Health: error rate 7\.9%/;
  return /error rate 7\.9% on 1\.5\.0 vs 0\.2% on 1\.4\.2 over 10 min/;
}

describe('the recommendation with health: state x verdict x risk', () => {
  it.each(cases)(
    '%s %s, health %s, going back %s: %s',
    (strategy, state, verdict, risk, action) => {
      const result = recommendWithHealth({
        environment: 'production',
        current: deployment('1.5.0', strategy, state),
        stable: deployment('1.4.2', strategy, 'succeeded'),
        best: risk === 'no candidate' ? undefined : candidate(risk),
        health: verdict === 'none' ? undefined : health(verdict),
      });
      expect(result.action).toBe(action);
      expect(result.reason).toMatch(reasonPattern(state, verdict));
    },
  );

  it('says where the failing canary sends traffic', () => {
    const result = recommendWithHealth({
      environment: 'production',
      current: deployment('1.5.0', 'canary', 'progressing'),
      stable: deployment('1.4.2', 'canary', 'succeeded'),
      health: health('failing'),
    });
    expect(result.reason).toBe(
      'The canary of 1.5.0 is failing (error rate 7.9% on 1.5.0 vs 0.2% on 1.4.2 over 10 min (failing)): abort it so that all traffic goes back to 1.4.2.',
    );
  });

  it('lets a healthy canary proceed, or be promoted', () => {
    const result = recommendWithHealth({
      environment: 'production',
      current: deployment('1.5.0', 'canary', 'progressing'),
      stable: deployment('1.4.2', 'canary', 'succeeded'),
      health: health('healthy'),
    });
    expect(result.reason).toMatch(/let it proceed, or promote it\.$/);
  });
});
