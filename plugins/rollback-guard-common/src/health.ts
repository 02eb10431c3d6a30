/**
 * How the current deployment of an environment behaves, read from a health
 * source such as Prometheus. `unknown` is honest: a source that is down, slow
 * or has no data never makes a deployment `healthy`.
 *
 * @public
 */
export type HealthVerdict = 'healthy' | 'degraded' | 'failing' | 'unknown';

/**
 * @public
 */
export const HEALTH_VERDICTS: readonly HealthVerdict[] = [
  'healthy',
  'unknown',
  'degraded',
  'failing',
];

/**
 * The signals every health source is asked for; a source may add named extras.
 *
 * @public
 */
export const HEALTH_SIGNALS = [
  'errorRate',
  'latencyP95',
  'availability',
] as const;

/**
 * How a signal's values read: a ratio (0.079 is 7.9%) or seconds.
 *
 * @public
 */
export type HealthUnit = 'ratio' | 'seconds' | 'number';

/**
 * Whether larger values are worse (error rate, latency) or better
 * (availability).
 *
 * @public
 */
export type HealthDirection = 'lower-is-better' | 'higher-is-better';

/**
 * One value of a series: unix time in seconds, and the value.
 *
 * @public
 */
export type HealthPoint = [time: number, value: number];

/**
 * The thresholds a signal is judged against: beyond `degraded` it is
 * degraded, beyond `failing` it is failing ("beyond" follows the direction).
 *
 * @public
 */
export type HealthThreshold = { degraded: number; failing: number };

/**
 * A canary judged against its stable version over the same window: a
 * Mann-Whitney U test on the per-interval values, one-sided ("is the canary
 * worse?"), with the effect size.
 *
 * @public
 */
export type HealthComparison = {
  test: 'mann-whitney-u';
  /** Per-interval values of each side that went into the test. */
  samples: { current: number; stable: number };
  u: number;
  /** One-sided: the chance of a difference this large with no real one. */
  pValue: number;
  /**
   * The canary's typical value over the stable's (for higher-is-better
   * signals, the stable's shortfall over the canary's), 1 when equal.
   */
  ratio: number;
  /** The canary is worse, significantly and by more than the minimum effect. */
  worse: boolean;
};

/**
 * One signal read for an environment.
 *
 * @public
 */
export type HealthSignal = {
  /** `errorRate`, `latencyP95`, `availability` or a named extra. */
  signal: string;
  /** e.g. "error rate". */
  title: string;
  unit: HealthUnit;
  direction: HealthDirection;
  verdict: HealthVerdict;
  /** The current version's value over the window (the mean of its intervals). */
  value?: number;
  /** The stable version's, for a canary or blue/green. */
  stableValue?: number;
  threshold: HealthThreshold;
  comparison?: HealthComparison;
  /** One line, e.g. "error rate 7.9% on 1.5.0 vs 0.2% on 1.4.2 over 10 min". */
  summary: string;
  /** The window's series, for the chart. */
  series: { current: HealthPoint[]; stable?: HealthPoint[] };
};

/**
 * The health of the current deployment of one environment (and of the stable
 * version behind a canary or blue/green), with its verdict.
 *
 * @public
 */
export type EnvironmentHealth = {
  environment: string;
  /** The health source that answered, e.g. `prometheus`. */
  source: string;
  version: string;
  stableVersion?: string;
  verdict: HealthVerdict;
  /** One sentence naming the signal that decided, or why it is unknown. */
  reason: string;
  signals: HealthSignal[];
  window: { start: string; end: string; minutes: number };
  /** ISO 8601: when it was read. */
  readAt: string;
};

/**
 * Chooses the named query set of the entity's health source (e.g. a set of
 * PromQL templates in configuration); never a URL or a query.
 *
 * @public
 */
export const ANNOTATION_HEALTH_QUERY_SET = 'rollback-guard/health-query-set';

/**
 * The label value that identifies the entity in its metrics (the `${entity}`
 * placeholder of the queries); default: the entity's name.
 *
 * @public
 */
export const ANNOTATION_HEALTH_LABEL = 'rollback-guard/health-label';

/**
 * Tighter thresholds for this entity, within what configuration allows, e.g.
 * `errorRate=0.005/0.02, latencyP95=0.4` (degraded/failing, or failing only).
 *
 * @public
 */
export const ANNOTATION_HEALTH_THRESHOLDS = 'rollback-guard/health-thresholds';

const QUERY_SET_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * What a label value may hold: a metric label value as services name
 * themselves; quotes, braces, backslashes and spaces are refused, so that it
 * can never change a query.
 *
 * @public
 */
export const HEALTH_LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

/**
 * Parses `rollback-guard/health-thresholds`: per signal, a failing threshold
 * or `degraded/failing`.
 *
 * @public
 */
export function parseHealthThresholds(value: string): {
  thresholds: Record<string, Partial<HealthThreshold>>;
  error?: string;
} {
  const thresholds: Record<string, Partial<HealthThreshold>> = {};
  for (const part of value.split(',').map(p => p.trim())) {
    if (!part) continue;
    const match =
      /^([A-Za-z][A-Za-z0-9]{0,62})\s*=\s*(?:([0-9]*\.?[0-9]+)\s*\/\s*)?([0-9]*\.?[0-9]+)$/.exec(
        part,
      );
    if (!match) {
      return {
        thresholds: {},
        error: `has "${part}"; write signal=failing or signal=degraded/failing, e.g. "errorRate=0.005/0.02, latencyP95=0.4"`,
      };
    }
    const [, signal, degraded, failing] = match;
    if (thresholds[signal]) {
      return { thresholds: {}, error: `names ${signal} more than once` };
    }
    thresholds[signal] = {
      failing: Number(failing),
      ...(degraded !== undefined ? { degraded: Number(degraded) } : {}),
    };
  }
  return { thresholds };
}

/**
 * Validators of the health annotations, used with the others.
 *
 * @public
 */
export const healthAnnotationValidators: Record<
  string,
  (value: string) => string | undefined
> = {
  [ANNOTATION_HEALTH_QUERY_SET]: value =>
    QUERY_SET_NAME.test(value.trim())
      ? undefined
      : 'must name a query set configured for the health source: lowercase letters, digits and dashes, at most 63 characters (never a URL or a query)',
  [ANNOTATION_HEALTH_LABEL]: value =>
    HEALTH_LABEL_VALUE.test(value.trim())
      ? undefined
      : 'must be a label value of letters, digits and _ . : / - (at most 128 characters); quotes, braces, spaces and backslashes are refused',
  [ANNOTATION_HEALTH_THRESHOLDS]: value => parseHealthThresholds(value).error,
};

/**
 * The worse of two verdicts: failing, degraded, unknown, healthy.
 *
 * @public
 */
export function worseVerdict(
  a: HealthVerdict,
  b: HealthVerdict,
): HealthVerdict {
  return HEALTH_VERDICTS.indexOf(a) >= HEALTH_VERDICTS.indexOf(b) ? a : b;
}
