import {
  Deployment,
  EnvironmentHealth,
  HealthComparison,
  HealthPoint,
  HealthSignal,
  HealthUnit,
  HealthVerdict,
  worseVerdict,
} from '@rollback-guard/plugin-rollback-guard-common';
import { HealthSourceSeries } from '@rollback-guard/plugin-rollback-guard-node';
import { HealthSettings, SignalSpec } from './healthConfig';
import { mannWhitneyGreater, mean, median } from './statistics';

/** A value as people read it: 7.9%, 99.95%, 412 ms, 1.2 s. */
export function formatHealthValue(value: number, unit: HealthUnit): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ratio') {
    const percent = value * 100;
    if (percent >= 99 && percent < 100) return `${percent.toFixed(2)}%`;
    if (percent !== 0 && Math.abs(percent) < 0.1) {
      return `${Number(percent.toPrecision(1))}%`;
    }
    return `${Number(percent.toFixed(1))}%`;
  }
  if (unit === 'seconds') {
    return value < 1
      ? `${Math.round(value * 1000)} ms`
      : `${Number(value.toFixed(2))} s`;
  }
  return `${Number(value.toPrecision(3))}`;
}

// How bad a value is, larger worse, for the effect size.
function badness(value: number, spec: SignalSpec): number {
  if (spec.direction === 'lower-is-better') return value;
  return spec.unit === 'ratio' ? 1 - value : 1 / Math.max(value, 1e-12);
}

function level(
  value: number,
  spec: SignalSpec,
): 'healthy' | 'degraded' | 'failing' {
  const beyond = (limit: number) =>
    spec.direction === 'lower-is-better' ? value > limit : value < limit;
  if (beyond(spec.threshold.failing)) return 'failing';
  if (beyond(spec.threshold.degraded)) return 'degraded';
  return 'healthy';
}

const values = (points: HealthPoint[]) =>
  points.map(([, v]) => v).filter(v => Number.isFinite(v));

/**
 * Compares a canary's per-interval values with the stable version's: worse
 * when the one-sided Mann-Whitney U test says so at the configured
 * significance and the typical values differ by at least the minimum effect.
 */
export function compareSamples(
  current: number[],
  stable: number[],
  spec: SignalSpec,
  settings: Pick<HealthSettings, 'significance' | 'minEffect'>,
): HealthComparison {
  // The test asks "is the canary's badness greater?".
  const bad = (v: number) => badness(v, spec);
  const x = current.map(bad);
  const y = stable.map(bad);
  const { u, pValue } = mannWhitneyGreater(x, y);
  // Guard the ratio against a stable version at exactly zero errors.
  const floor = 1e-9;
  const ratio = Math.max(median(x), floor) / Math.max(median(y), floor);
  return {
    test: 'mann-whitney-u',
    samples: { current: x.length, stable: y.length },
    u,
    pValue,
    ratio,
    worse: pValue < settings.significance && ratio >= settings.minEffect,
  };
}

type SignalContext = {
  current: Deployment;
  stable?: Deployment;
  settings: HealthSettings;
  minutes: number;
};

/** Judges one signal; the summary names the values, versions and window. */
export function judgeSignal(
  name: string,
  spec: SignalSpec,
  read: HealthSourceSeries,
  context: SignalContext,
): HealthSignal {
  const { current, stable, settings, minutes } = context;
  const base = {
    signal: name,
    title: spec.title,
    unit: spec.unit,
    direction: spec.direction,
    threshold: spec.threshold,
    series: {
      current: read.current,
      ...(read.stable ? { stable: read.stable } : {}),
    },
  };
  const fmt = (v: number) => formatHealthValue(v, spec.unit);
  const unknown = (summary: string): HealthSignal => ({
    ...base,
    verdict: 'unknown',
    summary,
  });
  if (read.error) return unknown(`${spec.title} unknown: ${read.error}`);
  const mine = values(read.current);
  if (mine.length === 0) {
    return unknown(
      `${spec.title} unknown: no data for ${current.version} over the last ${minutes} min`,
    );
  }
  const value = mean(mine);
  const theirs = stable ? values(read.stable ?? []) : [];
  const stableValue = theirs.length > 0 ? mean(theirs) : undefined;
  const sentence = `${spec.title} ${fmt(value)} on ${current.version}${
    stable && stableValue !== undefined
      ? ` vs ${fmt(stableValue)} on ${stable.version}`
      : ''
  } over ${minutes} min`;
  const withValues = {
    ...base,
    value,
    ...(stableValue !== undefined ? { stableValue } : {}),
  };
  if (
    mine.length < settings.minSamples ||
    (stable && theirs.length < settings.minSamples)
  ) {
    return {
      ...withValues,
      verdict: 'unknown',
      summary: `${sentence}: too little data to judge (${
        mine.length
      } intervals of ${current.version}${
        stable ? `, ${theirs.length} of ${stable.version}` : ''
      }; ${settings.minSamples} needed)`,
    };
  }
  const byThreshold = level(value, spec);
  const limit = (which: 'degraded' | 'failing') =>
    `${spec.direction === 'lower-is-better' ? 'above' : 'below'} the ${fmt(
      spec.threshold[which],
    )} ${which} threshold`;
  if (!stable) {
    return {
      ...withValues,
      verdict: byThreshold,
      summary:
        byThreshold === 'healthy'
          ? `${sentence}, within thresholds`
          : `${sentence}, ${limit(byThreshold)}`,
    };
  }
  const comparison = compareSamples(mine, theirs, spec, settings);
  const stableLevel = level(stableValue!, spec);
  let verdict: HealthVerdict;
  let why: string;
  if (comparison.worse) {
    verdict = byThreshold === 'failing' ? 'failing' : 'degraded';
    why =
      byThreshold === 'healthy'
        ? `significantly worse than ${
            stable.version
          } (p=${comparison.pValue.toPrecision(2)}) though within thresholds`
        : `${limit(byThreshold)} and significantly worse than ${
            stable.version
          } (p=${comparison.pValue.toPrecision(2)})`;
  } else if (byThreshold !== 'healthy' && stableLevel === byThreshold) {
    // The stable version breaches it as much: not the canary's doing.
    verdict = 'degraded';
    why = `${limit(byThreshold)}, as is ${
      stable.version
    }: not worse than stable`;
  } else {
    verdict = byThreshold;
    why =
      byThreshold === 'healthy'
        ? `not worse than ${stable.version} (p=${comparison.pValue.toPrecision(
            2,
          )})`
        : limit(byThreshold);
  }
  return { ...withValues, verdict, comparison, summary: `${sentence}, ${why}` };
}

/**
 * The health of an environment from what its source read: each configured
 * signal judged (a signal the source did not answer is `unknown`), and the
 * verdict of the worst, failing before degraded before unknown.
 */
export function judgeHealth(options: {
  environment: string;
  source: string;
  current: Deployment;
  stable?: Deployment;
  read: HealthSourceSeries[];
  signals: Record<string, SignalSpec>;
  settings: HealthSettings;
  window: { start: Date; end: Date };
  readAt: Date;
  notes?: string[];
}): EnvironmentHealth {
  const { current, stable, settings, window } = options;
  const minutes = Math.round(
    (window.end.getTime() - window.start.getTime()) / 60000,
  );
  const byName = new Map(options.read.map(series => [series.signal, series]));
  const names = [
    ...Object.keys(options.signals).filter(n => byName.has(n)),
    ...Object.keys(options.signals).filter(n => !byName.has(n)),
  ];
  const signals = names.map(name =>
    judgeSignal(
      name,
      options.signals[name],
      byName.get(name) ?? {
        signal: name,
        current: [],
        error: `the ${options.source} source has no query for it`,
      },
      { current, stable, settings, minutes },
    ),
  );
  const answered = signals.filter(
    s => s.verdict !== 'unknown' || byName.has(s.signal),
  );
  const judged = answered.length > 0 ? answered : signals;
  const verdict = judged.reduce<HealthVerdict>(
    (worst, s) => worseVerdict(worst, s.verdict),
    'healthy',
  );
  const decisive = judged.find(s => s.verdict === verdict);
  const notes = options.notes?.length ? ` (${options.notes.join('; ')})` : '';
  return {
    environment: options.environment,
    source: options.source,
    version: current.version,
    ...(stable ? { stableVersion: stable.version } : {}),
    verdict,
    reason: `${decisive?.summary ?? 'no signal read'}${notes}`,
    signals: judged,
    window: {
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      minutes,
    },
    readAt: options.readAt.toISOString(),
  };
}
