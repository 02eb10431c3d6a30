import { Config } from '@backstage/config';
import { ActionPolicy, readActionPolicy } from './actions/policy';

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
    refreshMinIntervalSeconds: number;
  };
  actions: ActionPolicy;
  ledger: {
    maxEvidenceBytes: number;
    /** Undefined: every service principal may write. */
    writers?: string[];
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
      refreshMinIntervalSeconds:
        config.getOptionalNumber(
          'rollbackGuard.readiness.refreshMinIntervalSeconds',
        ) ?? 10,
    },
    actions: readActionPolicy(config),
    ledger: {
      maxEvidenceBytes: positive('ledger.maxEvidenceBytes', 1024 * 1024),
      writers: config.getOptionalStringArray('rollbackGuard.ledger.writers'),
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
