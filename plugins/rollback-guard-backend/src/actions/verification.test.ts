import {
  ActionRequest,
  Deployment,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import { riskNow, verdictFor } from './verification';

const action = (overrides: Partial<ActionRequest> = {}): ActionRequest => ({
  id: 'a-1',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  kind: 'roll-back',
  targetVersion: '1.4.2',
  reason: 'r',
  requestedBy: 'user:default/ana',
  requestedAt: '2026-12-01T10:00:00Z',
  risk: 'low',
  readinessComputedAt: '2026-12-01T10:00:00Z',
  requiredApprovals: 1,
  approvals: [],
  status: 'executing',
  expiresAt: '2026-12-01T11:00:00Z',
  attempts: 1,
  ...overrides,
});

const deployment = (overrides: Partial<Deployment> = {}): Deployment => ({
  id: 'd-1',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  version: '1.4.2',
  strategy: 'rolling',
  state: 'succeeded',
  startedAt: '2026-12-01T10:05:00Z',
  ...overrides,
});

const started = new Date('2026-12-01T10:04:00Z');

describe('verdictFor', () => {
  it('confirms a roll-back by a deployment of the target that started after the execution', () => {
    expect(verdictFor(action(), deployment(), started)).toBe('succeeded');
    expect(verdictFor(action(), deployment({ state: 'failed' }), started)).toBe(
      'failed',
    );
    expect(
      verdictFor(action(), deployment({ state: 'progressing' }), started),
    ).toBeUndefined();
  });

  it('takes no back-dated record, no other version and no other environment for proof', () => {
    expect(
      verdictFor(
        action(),
        deployment({ startedAt: '2026-11-30T00:00:00Z' }),
        started,
      ),
    ).toBeUndefined();
    expect(
      verdictFor(action(), deployment({ version: '1.5.0' }), started),
    ).toBeUndefined();
    expect(
      verdictFor(action(), deployment({ environment: 'staging' }), started),
    ).toBeUndefined();
  });

  it('confirms pause, resume and abort by the state they ask for', () => {
    const at = (kind: ActionRequest['kind'], state: Deployment['state']) =>
      verdictFor(
        action({ kind, targetVersion: undefined }),
        deployment({ state, startedAt: '2026-11-30T00:00:00Z' }),
        started,
      );
    expect(at('pause', 'paused')).toBe('succeeded');
    expect(at('pause', 'progressing')).toBeUndefined();
    expect(at('resume', 'progressing')).toBe('succeeded');
    expect(at('abort', 'aborted')).toBe('succeeded');
    expect(at('abort', 'paused')).toBeUndefined();
  });
});

describe('riskNow', () => {
  const snapshot: ReadinessSnapshot = {
    entityRef: 'component:default/payments-api',
    computedAt: '2026-12-01T10:04:00Z',
    environments: [
      {
        environment: 'production',
        risk: 'high',
        reasons: ['health failing'],
        recommendation: { action: 'roll-back', reason: 'go back' },
        candidates: [
          {
            candidate: deployment(),
            risk: 'medium',
            reasons: ['schema moved'],
            checks: [],
          },
        ],
      },
    ],
  };

  it('reads the target candidate, the environment for a roll-forward, and blocks what is gone', () => {
    expect(riskNow(action(), snapshot)).toEqual({
      risk: 'medium',
      reason: 'schema moved',
    });
    expect(
      riskNow(
        action({ kind: 'roll-forward', targetVersion: '2.0.0' }),
        snapshot,
      ),
    ).toEqual({ risk: 'high', reason: 'health failing' });
    expect(riskNow(action({ targetVersion: '0.9.0' }), snapshot).risk).toBe(
      'blocked',
    );
    expect(riskNow(action({ environment: 'staging' }), snapshot).reason).toBe(
      'staging is gone',
    );
  });
});
