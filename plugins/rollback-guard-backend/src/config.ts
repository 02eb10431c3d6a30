import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readDuration } from './lib/durations';
import { ActionPolicy, readActionPolicy } from './actions/policy';

/**
 * The plugin's settings, with their defaults; see config.d.ts.
 *
 * @internal
 */
export type RollbackGuardConfig = {
  defaultProvider: string;
  providerTimeoutMs: number;
  /** 0: every read asks the catalog. */
  entityCacheTtlMs: number;
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

export function readRollbackGuardConfig(
  config: Config,
  logger?: LoggerService,
): RollbackGuardConfig {
  const duration = (
    key: string,
    legacyKey: string,
    unit: 'milliseconds' | 'seconds' | 'minutes' | 'days',
    fallback: number,
    allowZero = false,
  ) =>
    readDuration(config, { key, legacyKey, unit, fallback, allowZero, logger });
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
    providerTimeoutMs: duration(
      'providerTimeout',
      'providerTimeoutMs',
      'milliseconds',
      5000,
    ),
    entityCacheTtlMs: duration(
      'entityCacheTtl',
      'entityCacheTtl',
      'milliseconds',
      2000,
      true,
    ),
    readiness: {
      candidates: Math.round(positive('readiness.candidates', 3)),
      checkTimeoutMs: duration(
        'readiness.checkTimeout',
        'readiness.checkTimeoutMs',
        'milliseconds',
        10_000,
      ),
      refreshIntervalMinutes: duration(
        'readiness.refreshInterval',
        'readiness.refreshIntervalMinutes',
        'minutes',
        10,
      ),
      disabledChecks:
        config.getOptionalStringArray(
          'rollbackGuard.readiness.disabledChecks',
        ) ?? [],
      refreshMinIntervalSeconds: duration(
        'readiness.refreshMinInterval',
        'readiness.refreshMinIntervalSeconds',
        'seconds',
        10,
        true,
      ),
    },
    actions: readActionPolicy(config, logger),
    ledger: {
      maxEvidenceBytes: positive('ledger.maxEvidenceBytes', 1024 * 1024),
      writers: config.getOptionalStringArray('rollbackGuard.ledger.writers'),
      retention: {
        maxDeploymentsPerEnvironment: positive(
          'ledger.retention.maxDeploymentsPerEnvironment',
          200,
        ),
        maxAgeDays: duration(
          'ledger.retention.maxAge',
          'ledger.retention.maxAgeDays',
          'days',
          365,
        ),
      },
    },
  };
}
