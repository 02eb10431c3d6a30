import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { policyForEntity, readActionPolicy } from './policy';

const entity = (approvals?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: approvals ? { 'rollback-guard/approvals': approvals } : {},
  },
});

const policy = (actions: object = {}, permission = true) =>
  readActionPolicy(
    new ConfigReader({
      permission: { enabled: permission },
      rollbackGuard: { actions },
    }),
  );

describe('readActionPolicy', () => {
  it('has the documented defaults', () => {
    expect(policy()).toEqual({
      approvals: {
        pause: 0,
        resume: 1,
        abort: 0,
        'roll-forward': 1,
        'roll-back.low': 1,
        'roll-back.medium': 1,
        'roll-back.high': 2,
        'roll-back.blocked': 2,
      },
      requestTtlSeconds: 3600,
      verifyTimeoutSeconds: 1800,
      enabled: true,
      entityRefinement: 'stricter',
      notifyApprovers: [],
      rateLimit: { requests: 20, windowSeconds: 600 },
    });
  });

  it('keeps a second person for high risk whatever config says', () => {
    const { approvals } = policy({
      approvals: { rollBack: { high: 0, blocked: 1 }, rollForward: 3 },
    });
    expect(approvals).toMatchObject({
      'roll-back.high': 2,
      'roll-back.blocked': 2,
      'roll-forward': 3,
    });
  });

  it.each([
    [{ approvals: { pause: -1 } }, 'approvals.pause must be a whole number'],
    [{ approvals: { rollBack: { low: 1.5 } } }, 'rollBack.low must be'],
    [{ requestTtlMinutes: 0 }, 'requestTtlMinutes must be a positive duration'],
    [{ requestTtl: { minutes: 0 } }, 'requestTtl must be a positive duration'],
    [{ requestTtl: 'soon' }, 'requestTtl must be a duration such as'],
    [{ verifyTimeoutMinutes: -1 }, 'verifyTimeoutMinutes must be a positive'],
    [{ entityRefinement: 'looser' }, 'must be one of none, stricter, any'],
    [{ notifyApprovers: ['sre on call'] }, 'is not an entity ref'],
  ])('refuses %j', (actions, message) => {
    expect(() => policy(actions)).toThrow(message);
  });

  it('reads durations as Backstage durations, and the old keys with a warning', () => {
    expect(policy({ requestTtl: { hours: 2 } }).requestTtlSeconds).toBe(7200);
    expect(policy({ verifyTimeout: 'PT45M' }).verifyTimeoutSeconds).toBe(2700);
    expect(
      policy({ rateLimit: { window: { minutes: 5 } } }).rateLimit.windowSeconds,
    ).toBe(300);
    const logger = mockServices.logger.mock();
    const legacy = readActionPolicy(
      new ConfigReader({
        permission: { enabled: true },
        rollbackGuard: { actions: { requestTtlMinutes: 15 } },
      }),
      logger,
    );
    expect(legacy.requestTtlSeconds).toBe(900);
    // A legacy key in another unit than the setting's.
    expect(
      policy({ rateLimit: { windowMinutes: 10 } }).rateLimit.windowSeconds,
    ).toBe(600);
    expect(logger.warn).toHaveBeenCalledWith(
      'rollbackGuard.actions.requestTtlMinutes is deprecated; write rollbackGuard.actions.requestTtl: { minutes: 15 }',
    );
  });

  it('reads the approvers to notify as entity refs', () => {
    expect(
      policy({ notifyApprovers: ['group:sre-on-call', 'user:default/ana'] })
        .notifyApprovers,
    ).toEqual(['group:default/sre-on-call', 'user:default/ana']);
  });

  it('is off without the permission framework unless config opts in', () => {
    expect(policy({}, false).enabled).toBe(false);
    expect(
      policy({ allowWithoutPermissionFramework: true }, false).enabled,
    ).toBe(true);
  });
});

describe('policyForEntity', () => {
  const ref = 'component:default/payments-api';

  it('is config alone without the annotation', () => {
    const view = policyForEntity(policy(), entity(), ref);
    expect(view.approvals).toEqual(policy().approvals);
    expect(view.notes).toEqual([]);
    expect(view.refusal).toBeUndefined();
    expect(view.requestTtlMinutes).toBe(60);
  });

  it('takes what the annotation asks beyond config', () => {
    const view = policyForEntity(
      policy(),
      entity('abort=1, roll-back.high=3'),
      ref,
    );
    expect(view.approvals).toMatchObject({ abort: 1, 'roll-back.high': 3 });
  });

  it('says nothing of a rule the annotation sets to what config has', () => {
    const view = policyForEntity(policy(), entity('resume=1'), ref);
    expect(view.notes).toEqual([]);
  });

  it('refuses when actions are off, whatever the annotation says', () => {
    const view = policyForEntity(policy({}, false), entity('nonsense'), ref);
    expect(view.refusal).toContain('the permission framework is disabled');
  });
});
