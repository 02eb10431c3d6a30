import { LoggerService } from '@backstage/backend-plugin-api';
import { readDuration } from '../lib/durations';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_HEALTH_THRESHOLDS,
  HealthDirection,
  HealthThreshold,
  HealthUnit,
  parseHealthThresholds,
} from '@rollback-guard/plugin-rollback-guard-common';

/** How a signal is shown and judged. */
export type SignalSpec = {
  title: string;
  unit: HealthUnit;
  direction: HealthDirection;
  threshold: HealthThreshold;
};

/**
 * The health settings (`rollbackGuard.health`), with their defaults; see
 * config.d.ts.
 *
 * @internal
 */
export type HealthSettings = {
  windowMinutes: number;
  stepSeconds: number;
  /** Per-interval values each side needs before anything is judged. */
  minSamples: number;
  /** The one-sided p-value below which the canary counts as worse. */
  significance: number;
  /** How much worse (a ratio) the canary must be to count. */
  minEffect: number;
  haltOnFailure: boolean;
  signals: Record<string, SignalSpec>;
};

const DEFAULT_SIGNALS: Record<string, SignalSpec> = {
  errorRate: {
    title: 'error rate',
    unit: 'ratio',
    direction: 'lower-is-better',
    threshold: { degraded: 0.01, failing: 0.05 },
  },
  latencyP95: {
    title: 'p95 latency',
    unit: 'seconds',
    direction: 'lower-is-better',
    threshold: { degraded: 0.5, failing: 1 },
  },
  availability: {
    title: 'availability',
    unit: 'ratio',
    direction: 'higher-is-better',
    threshold: { degraded: 0.995, failing: 0.99 },
  },
};

const KEY = 'rollbackGuard.health';

/** Whether `a` is at least as strict as `b` for a signal's direction. */
function stricter(direction: HealthDirection, a: number, b: number) {
  return direction === 'lower-is-better' ? a <= b : a >= b;
}

function checkOrder(name: string, spec: SignalSpec, where: string) {
  const { degraded, failing } = spec.threshold;
  if (!stricter(spec.direction, degraded, failing)) {
    throw new InputError(
      `${where}: ${name}'s degraded threshold (${degraded}) must come before its failing one (${failing}) for a ${spec.direction} signal`,
    );
  }
}

export function readHealthSettings(
  config: Config,
  logger?: LoggerService,
): HealthSettings {
  const health = config.getOptionalConfig(KEY);
  const positive = (key: string, fallback: number) => {
    const value = health?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0)) {
      throw new InputError(
        `${KEY}.${key} must be a positive number, got ${value}`,
      );
    }
    return value;
  };
  const signals: Record<string, SignalSpec> = { ...DEFAULT_SIGNALS };
  const configured = health?.getOptionalConfig('signals');
  for (const name of configured?.keys() ?? []) {
    const item = configured!.getConfig(name);
    const base = DEFAULT_SIGNALS[name];
    const direction = (item.getOptionalString('direction') ??
      base?.direction ??
      'lower-is-better') as HealthDirection;
    const unit = (item.getOptionalString('unit') ??
      base?.unit ??
      'number') as HealthUnit;
    if (!['lower-is-better', 'higher-is-better'].includes(direction)) {
      throw new InputError(
        `${KEY}.signals.${name}.direction must be lower-is-better or higher-is-better`,
      );
    }
    if (!['ratio', 'seconds', 'number'].includes(unit)) {
      throw new InputError(
        `${KEY}.signals.${name}.unit must be ratio, seconds or number`,
      );
    }
    const degraded = item.getOptionalNumber('degraded');
    const failing = item.getOptionalNumber('failing');
    if (!base && (degraded === undefined || failing === undefined)) {
      throw new InputError(
        `${KEY}.signals.${name} is a named extra: set both its degraded and failing thresholds`,
      );
    }
    const spec: SignalSpec = {
      title: item.getOptionalString('title') ?? base?.title ?? name,
      unit,
      direction,
      threshold: {
        degraded: degraded ?? base!.threshold.degraded,
        failing: failing ?? base!.threshold.failing,
      },
    };
    checkOrder(name, spec, `${KEY}.signals`);
    signals[name] = spec;
  }
  const significance = positive('significance', 0.05);
  if (significance >= 1) {
    throw new InputError(`${KEY}.significance must be below 1`);
  }
  return {
    windowMinutes: readDuration(config, {
      key: 'health.window',
      legacyKey: 'health.windowMinutes',
      unit: 'minutes',
      fallback: 10,
      logger,
    }),
    stepSeconds: readDuration(config, {
      key: 'health.step',
      legacyKey: 'health.stepSeconds',
      unit: 'seconds',
      fallback: 30,
      logger,
    }),
    minSamples: Math.max(3, Math.round(positive('minSamples', 10))),
    significance,
    minEffect: positive('minEffect', 1.5),
    haltOnFailure: health?.getOptionalBoolean('haltOnFailure') ?? false,
    signals,
  };
}

/**
 * The signal specs for one entity: configuration's, tightened by its
 * `rollback-guard/health-thresholds` annotation. A threshold looser than
 * configuration's is refused (configuration's stands) and said so.
 */
export function signalsForEntity(
  settings: HealthSettings,
  entity: Entity,
): { signals: Record<string, SignalSpec>; refused: string[] } {
  const value = entity.metadata.annotations?.[ANNOTATION_HEALTH_THRESHOLDS];
  if (!value) return { signals: settings.signals, refused: [] };
  const { thresholds, error } = parseHealthThresholds(value);
  if (error) {
    return {
      signals: settings.signals,
      refused: [`${ANNOTATION_HEALTH_THRESHOLDS} ${error}`],
    };
  }
  const signals = { ...settings.signals };
  const refused: string[] = [];
  for (const [name, wanted] of Object.entries(thresholds)) {
    const spec = signals[name];
    if (!spec) {
      refused.push(
        `${ANNOTATION_HEALTH_THRESHOLDS} names ${name}, which is not a configured signal`,
      );
      continue;
    }
    const failing = wanted.failing!;
    const degraded =
      wanted.degraded ??
      (stricter(spec.direction, spec.threshold.degraded, failing)
        ? spec.threshold.degraded
        : failing);
    if (
      !stricter(spec.direction, failing, spec.threshold.failing) ||
      !stricter(spec.direction, degraded, spec.threshold.degraded) ||
      !stricter(spec.direction, degraded, failing)
    ) {
      refused.push(
        `${ANNOTATION_HEALTH_THRESHOLDS} may only tighten ${name} (configuration allows degraded ${spec.threshold.degraded}, failing ${spec.threshold.failing}); got ${degraded}/${failing}`,
      );
      continue;
    }
    signals[name] = { ...spec, threshold: { degraded, failing } };
  }
  return { signals, refused };
}
