import { ConfigReader } from '@backstage/config';
import {
  Deployment,
  HealthPoint,
} from '@rollback-guard/plugin-rollback-guard-common';
import { readHealthSettings, signalsForEntity } from './healthConfig';
import { formatHealthValue, judgeHealth } from './judge';

const settings = readHealthSettings(new ConfigReader({}));
const canary = {
  id: 'c',
  version: '1.5.0',
  strategy: 'canary',
  state: 'progressing',
} as Deployment;
const stable = {
  id: 's',
  version: '1.4.2',
  strategy: 'canary',
  state: 'succeeded',
} as Deployment;
const window = {
  start: new Date('2026-12-01T10:00:00Z'),
  end: new Date('2026-12-01T10:10:00Z'),
};

// 21 intervals, each value jittered deterministically around `level`.
const series = (level: number, jitter = 0.05, count = 21): HealthPoint[] =>
  Array.from({ length: count }, (_, i) => [
    window.start.getTime() / 1000 + i * 30,
    level * (1 + jitter * Math.sin(i * 1.7)),
  ]);

const judge = (
  read: Parameters<typeof judgeHealth>[0]['read'],
  withStable = true,
) =>
  judgeHealth({
    environment: 'production',
    source: 'prometheus',
    current: canary,
    stable: withStable ? stable : undefined,
    read,
    signals: settings.signals,
    settings,
    window,
    readAt: window.end,
  });

describe('judgeHealth', () => {
  it('fails a canary whose error rate is far above stable and the threshold, naming the values', () => {
    const health = judge([
      { signal: 'errorRate', current: series(0.079), stable: series(0.002) },
      { signal: 'latencyP95', current: series(0.21), stable: series(0.2) },
    ]);
    expect(health.verdict).toBe('failing');
    expect(health.reason).toMatch(
      /^error rate 7\.9% on 1\.5\.0 vs 0\.2% on 1\.4\.2 over 10 min, above the 5% failing threshold and significantly worse than 1\.4\.2 \(p=/,
    );
    const errorRate = health.signals.find(s => s.signal === 'errorRate')!;
    expect(errorRate.comparison).toMatchObject({
      worse: true,
      samples: { current: 21, stable: 21 },
    });
    expect(errorRate.comparison!.pValue).toBeLessThan(1e-6);
    expect(health.signals.find(s => s.signal === 'latencyP95')!.verdict).toBe(
      'healthy',
    );
    // Availability was not asked for: left out, not unknown.
    expect(health.signals.map(s => s.signal)).toEqual([
      'errorRate',
      'latencyP95',
    ]);
  });

  it('finds a canary healthy when it is like stable and within thresholds', () => {
    const health = judge([
      {
        signal: 'errorRate',
        current: series(0.002, 0.1),
        stable: series(0.002, 0.1),
      },
      {
        signal: 'availability',
        current: series(0.9995, 0.0001),
        stable: series(0.9995, 0.0001),
      },
    ]);
    expect(health.verdict).toBe('healthy');
    expect(health.signals[0].summary).toMatch(/not worse than 1\.4\.2 \(p=/);
  });

  it('calls a canary degraded when it is significantly worse though within thresholds', () => {
    const health = judge([
      { signal: 'latencyP95', current: series(0.4), stable: series(0.2) },
    ]);
    expect(health.verdict).toBe('degraded');
    expect(health.reason).toContain('significantly worse than 1.4.2');
  });

  it('does not blame a canary for what stable does too', () => {
    const health = judge([
      { signal: 'errorRate', current: series(0.08), stable: series(0.08) },
    ]);
    expect(health.verdict).toBe('degraded');
    expect(health.reason).toContain('as is 1.4.2: not worse than stable');
  });

  it('is unknown with no data, never healthy', () => {
    const health = judge([
      { signal: 'errorRate', current: [], stable: series(0.002) },
    ]);
    expect(health.verdict).toBe('unknown');
    expect(health.reason).toBe(
      'error rate unknown: no data for 1.5.0 over the last 10 min',
    );
  });

  it('is unknown with too few intervals to compare', () => {
    const health = judge([
      {
        signal: 'errorRate',
        current: series(0.079, 0.05, 4),
        stable: series(0.002),
      },
    ]);
    expect(health.verdict).toBe('unknown');
    expect(health.reason).toContain(
      'too little data to judge (4 intervals of 1.5.0, 21 of 1.4.2; 10 needed)',
    );
  });

  it('keeps a failing signal over an unknown one', () => {
    const health = judge([
      { signal: 'errorRate', current: series(0.079), stable: series(0.002) },
      {
        signal: 'latencyP95',
        current: [],
        error: 'Prometheus main answered bad_data: parse error',
      },
    ]);
    expect(health.verdict).toBe('failing');
    expect(health.signals[1].summary).toBe(
      'p95 latency unknown: Prometheus main answered bad_data: parse error',
    );
  });

  it('judges a finished deployment by thresholds alone', () => {
    const health = judge(
      [{ signal: 'availability', current: series(0.985, 0.001) }],
      false,
    );
    expect(health.verdict).toBe('failing');
    expect(health.reason).toBe(
      'availability 98.5% on 1.5.0 over 10 min, below the 99.00% failing threshold',
    );
  });
});

describe('thresholds', () => {
  const entity = (value: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'x',
      annotations: { 'rollback-guard/health-thresholds': value },
    },
  });

  it('an annotation may tighten them', () => {
    const { signals, refused } = signalsForEntity(
      settings,
      entity('errorRate=0.005/0.02'),
    );
    expect(signals.errorRate.threshold).toEqual({
      degraded: 0.005,
      failing: 0.02,
    });
    expect(refused).toEqual([]);
  });

  it('but never loosen them beyond configuration', () => {
    const { signals, refused } = signalsForEntity(
      settings,
      entity('errorRate=0.5, availability=0.9'),
    );
    expect(signals.errorRate.threshold).toEqual({
      degraded: 0.01,
      failing: 0.05,
    });
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain('may only tighten errorRate');
  });

  it('configuration refuses thresholds in the wrong order', () => {
    expect(() =>
      readHealthSettings(
        new ConfigReader({
          rollbackGuard: {
            health: {
              signals: { errorRate: { degraded: 0.1, failing: 0.05 } },
            },
          },
        }),
      ),
    ).toThrow(/degraded threshold \(0.1\) must come before its failing one/);
  });
});

describe('formatHealthValue', () => {
  it.each([
    [0.079, 'ratio', '7.9%'],
    [0.002, 'ratio', '0.2%'],
    [0.0004, 'ratio', '0.04%'],
    [0.9995, 'ratio', '99.95%'],
    [0.412, 'seconds', '412 ms'],
    [1.25, 'seconds', '1.25 s'],
    [123.456, 'number', '123'],
  ] as const)('%s %s is %s', (value, unit, text) => {
    expect(formatHealthValue(value, unit)).toBe(text);
  });
});
