import { Config } from '@backstage/config';
import { ActionPolicy } from './actions/ActionService';

/**
 * The plugin's settings, with their defaults; see config.d.ts.
 *
 * @internal
 */
export type RollbackGuardConfig = {
  defaultProvider: string;
  providerTimeoutMs: number;
  readiness: {
    candidates: number;
    checkTimeoutMs: number;
    refreshIntervalMinutes: number;
    disabledChecks: string[];
  };
  actions: ActionPolicy;
  ledger: {
    maxEvidenceBytes: number;
    retention: { maxDeploymentsPerEnvironment: number; maxAgeDays: number };
  };
};

export function readRollbackGuardConfig(config: Config): RollbackGuardConfig {
  const positive = (key: string, fallback: number) => {
    const value = config.getOptionalNumber(`rollbackGuard.${key}`) ?? fallback;
    if (!(value > 0)) {
      throw new Error(
        `rollbackGuard.${key} must be a positive number, got ${value}`,
      );
    }
    return value;
  };
  return {
    defaultProvider:
      config.getOptionalString('rollbackGuard.defaultProvider') ?? 'ledger',
    providerTimeoutMs: positive('providerTimeoutMs', 5000),
    readiness: {
      candidates: Math.round(positive('readiness.candidates', 3)),
      checkTimeoutMs: positive('readiness.checkTimeoutMs', 10_000),
      refreshIntervalMinutes: positive('readiness.refreshIntervalMinutes', 10),
      disabledChecks:
        config.getOptionalStringArray(
          'rollbackGuard.readiness.disabledChecks',
        ) ?? [],
    },
    actions: readActionPolicy(config),
    ledger: {
      maxEvidenceBytes: positive('ledger.maxEvidenceBytes', 1024 * 1024),
      retention: {
        maxDeploymentsPerEnvironment: positive(
          'ledger.retention.maxDeploymentsPerEnvironment',
          200,
        ),
        maxAgeDays: positive('ledger.retention.maxAgeDays', 365),
      },
    },
  };
}

function readActionPolicy(config: Config): ActionPolicy {
  const count = (key: string, fallback: number) => {
    const value =
      config.getOptionalNumber(`rollbackGuard.actions.approvals.${key}`) ??
      fallback;
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(
        `rollbackGuard.actions.approvals.${key} must be a whole number of approvers, got ${value}`,
      );
    }
    return value;
  };
  const ttlMinutes =
    config.getOptionalNumber('rollbackGuard.actions.requestTtlMinutes') ?? 60;
  if (!(ttlMinutes > 0)) {
    throw new Error(
      `rollbackGuard.actions.requestTtlMinutes must be a positive number, got ${ttlMinutes}`,
    );
  }
  return {
    rollBack: {
      low: count('rollBack.low', 1),
      medium: count('rollBack.medium', 1),
      // A second person for high risk.
      high: Math.max(2, count('rollBack.high', 2)),
      blocked: Math.max(2, count('rollBack.blocked', 2)),
    },
    pause: count('pause', 0),
    resume: count('resume', 1),
    abort: count('abort', 0),
    rollForward: count('rollForward', 1),
    requestTtlSeconds: ttlMinutes * 60,
    enabled:
      config.getOptionalBoolean('permission.enabled') === true ||
      config.getOptionalBoolean(
        'rollbackGuard.actions.allowWithoutPermissionFramework',
      ) === true,
  };
}
