import { mockServices } from '@backstage/backend-test-utils';
import { ActionRequest } from '@rollback-guard/plugin-rollback-guard-common';
import { ActionAnnouncer } from './ActionAnnouncer';

const action: ActionRequest = {
  id: 'a-1',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  kind: 'roll-back',
  targetVersion: '1.4.2',
  reason: '1.5.0 fails its health checks',
  requestedBy: 'user:default/ana',
  requestedAt: '2026-12-01T10:00:00Z',
  risk: 'low',
  readinessComputedAt: '2026-12-01T10:00:00Z',
  requiredApprovals: 1,
  approvals: [],
  status: 'requested',
  expiresAt: '2026-12-01T11:00:00Z',
  attempts: 0,
};

function setUp(options: { signalsFail?: boolean } = {}) {
  const events: Array<{ meta: unknown; result: string }> = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ meta }) => ({
      success: async () => {
        events.push({ meta, result: 'success' });
      },
      fail: async () => {
        events.push({ meta, result: 'failure' });
      },
    }),
  });
  const notifications: unknown[] = [];
  const signals: unknown[] = [];
  const logger = mockServices.logger.mock();
  const announcer = new ActionAnnouncer({
    auditor,
    current: async () => ({ ...action, status: 'failed', outcome: 'boom' }),
    ownersOf: async () => ['group:default/payments'],
    notifyApprovers: ['group:default/sre'],
    notifications: {
      send: async n => {
        notifications.push(n);
      },
    },
    signals: {
      publish: async s => {
        if (options.signalsFail) throw new Error('signals down');
        signals.push(s);
      },
    },
    logger,
  });
  return { announcer, events, notifications, signals, logger };
}

describe('ActionAnnouncer', () => {
  it('audits failures as failures, and tells the owners, approvers and requester only', async () => {
    const { announcer, events, notifications, signals } = setUp();
    await announcer.announce(action, 'failed', 'rollback-guard', {
      outcome: 'boom',
    });
    expect(events).toEqual([
      {
        meta: expect.objectContaining({ step: 'failed', actionId: 'a-1' }),
        result: 'failure',
      },
    ]);
    expect(signals).toHaveLength(2);
    for (const signal of signals as Array<{ recipients: unknown }>) {
      expect(signal.recipients).toEqual({
        type: 'user',
        entityRef: [
          'group:default/payments',
          'group:default/sre',
          'user:default/ana',
        ],
      });
    }
    expect(notifications).toEqual([
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['component:default/payments-api', 'user:default/ana'],
        },
        payload: expect.objectContaining({
          title:
            'Failed: roll-back to 1.4.2 in production of component:default/payments-api',
          severity: 'high',
        }),
      }),
    ]);
  });

  it('audits a refused attempt and passes the refusal on', async () => {
    const { announcer, events } = setUp();
    const refusal = Object.assign(new Error('not yours'), {
      name: 'NotAllowedError',
    });
    await expect(
      announcer.refused({ what: 'approve', actor: 'user:default/ana' }, () =>
        Promise.reject(refusal),
      ),
    ).rejects.toBe(refusal);
    expect(events).toEqual([
      {
        meta: expect.objectContaining({
          step: 'refused',
          what: 'approve',
          reason: 'not yours',
        }),
        result: 'failure',
      },
    ]);
  });

  it('never fails the step when signals are down: it logs', async () => {
    const { announcer, logger, notifications } = setUp({ signalsFail: true });
    await announcer.announce(action, 'requested', 'user:default/ana');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('could not signal a-1'),
    );
    expect(notifications).toHaveLength(1);
  });
});
