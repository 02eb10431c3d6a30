import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

const UNIT_MS = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  days: 86_400_000,
} as const;

/**
 * Reads a duration setting under `rollbackGuard.` as Backstage durations are
 * written (`{ minutes: 10 }`, `'PT10M'`, `'10m'`), in `unit`. The key it
 * replaces, which held a number in `unit` (e.g. `requestTtlMinutes`), is
 * still read, with a deprecation warning.
 *
 * @internal
 */
export function readDuration(
  config: Config,
  options: {
    /** e.g. `actions.requestTtl` */
    key: string;
    /** e.g. `actions.requestTtlMinutes` */
    legacyKey: string;
    unit: keyof typeof UNIT_MS;
    /** The unit of `legacyKey`, when not `unit`. */
    legacyUnit?: keyof typeof UNIT_MS;
    /** In `unit`. */
    fallback: number;
    /** Whether zero is allowed (it turns the thing off). */
    allowZero?: boolean;
    logger?: LoggerService;
  },
): number {
  const key = `rollbackGuard.${options.key}`;
  const legacyKey = `rollbackGuard.${options.legacyKey}`;
  let value = options.fallback;
  if (config.has(key)) {
    try {
      value =
        durationToMilliseconds(readDurationFromConfig(config, { key })) /
        UNIT_MS[options.unit];
    } catch (error) {
      throw new Error(
        `${key} must be a duration such as { ${options.unit}: ${
          options.fallback
        } } or an ISO 8601 duration: ${(error as Error).message}`,
      );
    }
  } else if (config.has(legacyKey)) {
    const legacyUnit = options.legacyUnit ?? options.unit;
    const legacy = config.getNumber(legacyKey);
    value = (legacy * UNIT_MS[legacyUnit]) / UNIT_MS[options.unit];
    options.logger?.warn(
      `${legacyKey} is deprecated; write ${key}: { ${legacyUnit}: ${legacy} }`,
    );
  }
  if (!(value > 0 || (options.allowZero && value === 0))) {
    throw new Error(
      `${
        config.has(key) ? key : legacyKey
      } must be a positive duration, got ${value} ${options.unit}`,
    );
  }
  return value;
}
