import {
  CandidateReadiness,
  CheckResult,
  Deployment,
} from '@rollback-guard/plugin-rollback-guard-common';
import { assessCandidate, bestCandidate, recommend } from './assess';

function check(
  checkId: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    checkId,
    title: checkId,
    status,
    summary: `${checkId} says ${status}`,
    facts: [],
    durationMs: 1,
    ...extra,
  };
}

const weights = new Map([
  ['artifact', 10],
  ['schema', 5],
  ['api', 3],
]);

describe('assessCandidate', () => {
  it('is low only when every check passed', () => {
    expect(
      assessCandidate(
        [check('artifact', 'pass'), check('api', 'pass')],
        weights,
      ),
    ).toEqual({ risk: 'low', reasons: ['All 2 checks passed'] });
  });

  it('never counts unknown as a pass', () => {
    const result = assessCandidate(
      [check('artifact', 'pass'), check('api', 'unknown')],
      weights,
    );
    expect(result).toEqual({
      risk: 'medium',
      reasons: ['api unknown: api says unknown'],
    });
  });

  it('is medium for a warning, high for a fail, blocked for a blocking fail', () => {
    expect(assessCandidate([check('api', 'warn')], weights).risk).toBe(
      'medium',
    );
    expect(assessCandidate([check('api', 'fail')], weights).risk).toBe('high');
    expect(
      assessCandidate(
        [check('artifact', 'fail', { blocking: true }), check('api', 'pass')],
        weights,
      ).risk,
    ).toBe('blocked');
  });

  it('orders reasons by severity, then by the weight of the check', () => {
    const { reasons } = assessCandidate(
      [
        check('api', 'warn'),
        check('schema', 'unknown'),
        check('api2', 'fail'),
        check('artifact', 'warn'),
        check('x', 'pass'),
      ],
      weights,
    );
    expect(reasons).toEqual([
      'api2: api2 says fail',
      'schema unknown: schema says unknown',
      'artifact: artifact says warn',
      'api: api says warn',
    ]);
  });

  it('is not low when no check applies', () => {
    expect(assessCandidate([], weights).risk).toBe('medium');
  });
});

function deployment(overrides: Partial<Deployment>): Deployment {
  return {
    id: 'd',
    entityRef: 'component:default/x',
    environment: 'production',
    version: '2.0.0',
    strategy: 'rolling',
    state: 'failed',
    startedAt: '2026-11-20T00:00:00Z',
    ...overrides,
  };
}

function candidate(
  version: string,
  risk: CandidateReadiness['risk'],
): CandidateReadiness {
  return {
    candidate: deployment({ version, state: 'succeeded' }),
    risk,
    reasons: [risk === 'low' ? 'All 2 checks passed' : `something is ${risk}`],
    checks: [],
  };
}

describe('bestCandidate', () => {
  it('prefers the lowest risk, then the newest', () => {
    expect(
      bestCandidate([
        candidate('1.9.0', 'medium'),
        candidate('1.8.0', 'low'),
        candidate('1.7.0', 'low'),
      ])?.candidate.version,
    ).toBe('1.8.0');
    expect(bestCandidate([])).toBeUndefined();
  });
});

describe('recommend', () => {
  const environment = 'production';

  it('rolls back a failed rollout when going back is low risk', () => {
    expect(
      recommend({
        environment,
        current: deployment({}),
        best: candidate('1.9.0', 'low'),
      }),
    ).toEqual({
      action: 'roll-back',
      reason:
        'The rollout of 2.0.0 failed and going back to 1.9.0 is low risk (all 2 checks passed).',
    });
  });

  it('rolls forward when going back is high risk, blocked, or impossible', () => {
    for (const best of [
      candidate('1.9.0', 'high'),
      candidate('1.9.0', 'blocked'),
      undefined,
    ]) {
      expect(
        recommend({ environment, current: deployment({}), best }).action,
      ).toBe('roll-forward');
    }
  });

  it('pauses a canary instead of rolling back', () => {
    const result = recommend({
      environment,
      current: deployment({
        strategy: 'canary',
        state: 'progressing',
        trafficPercent: 20,
      }),
      stable: deployment({ version: '1.9.0', state: 'succeeded' }),
      best: candidate('1.9.0', 'low'),
    });
    expect(result.action).toBe('pause');
    expect(result.reason).toBe(
      'The canary of 2.0.0 carries only 20% of traffic: pause or abort it rather than roll back, while 1.9.0 serves the rest.',
    );
  });

  it('fails back to the blue environment during a blue/green', () => {
    expect(
      recommend({
        environment,
        current: deployment({ strategy: 'blue-green', state: 'paused' }),
        stable: deployment({ version: '1.9.0', state: 'succeeded' }),
      }),
    ).toEqual({
      action: 'fail-back',
      reason:
        'The previous environment still runs 1.9.0: switch traffic back to it rather than redeploy.',
    });
  });

  it('does nothing when the rollout succeeded or nothing is deployed', () => {
    expect(
      recommend({ environment, current: deployment({ state: 'succeeded' }) })
        .action,
    ).toBe('do-nothing');
    expect(recommend({ environment }).action).toBe('do-nothing');
  });
});
