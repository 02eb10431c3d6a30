/*
 * Health benchmarks:
 * - health.read_p95_ms: reading and judging one entity's health (three
 *   signals, canary and stable: six range queries) through the Prometheus
 *   module, from a real Prometheus with backfilled series when Debian's
 *   prometheus is installed, else from the example metrics source of
 *   packages/backend; the unit says which;
 * - health.judge_10k_points_ms: judging one canary signal of 5,000 values
 *   against 5,000 of stable (Mann-Whitney U included).
 */
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import express from 'express';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentile, print } from './util';
import {
  PrometheusHealthSource,
  PrometheusSettings,
} from '../plugins/rollback-guard-backend-module-prometheus/src';
import {
  behaviourOpenMetrics,
  TEST_QUERIES,
} from '../plugins/rollback-guard-backend-module-prometheus/src/__testUtils__/series';
import {
  prometheusAvailable,
  startTestPrometheus,
} from '../plugins/rollback-guard-backend-module-prometheus/src/__testUtils__/testPrometheus';
import {
  HealthReader,
  HealthSources,
} from '../plugins/rollback-guard-backend/src/health/HealthReader';
import { readHealthSettings } from '../plugins/rollback-guard-backend/src/health/healthConfig';
import { judgeHealth } from '../plugins/rollback-guard-backend/src/health/judge';
import {
  createExampleMetricsRouter,
  EXAMPLE_QUERIES,
} from '../packages/backend/src/exampleMetrics';

const READS = 100;
const JUDGE_RUNS = 20;

const canary = {
  id: 'c',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  version: '1.5.0',
  strategy: 'canary',
  state: 'progressing',
  startedAt: new Date().toISOString(),
} as Deployment;
const stable = {
  ...canary,
  id: 's',
  version: '1.4.2',
  state: 'succeeded',
} as Deployment;

async function startSource(): Promise<{
  url: string;
  queries: Record<string, string>;
  label: string;
  stop: () => Promise<void>;
}> {
  if (prometheusAvailable()) {
    const now = Math.floor(Date.now() / 1000);
    const behaviour = (version: string, errorRate: number) => ({
      service: 'payments-api',
      environment: 'production',
      version,
      errorRate,
      latency: 'fast' as const,
      availability: 0.9995,
    });
    const prometheus = await startTestPrometheus(
      behaviourOpenMetrics(
        [behaviour('1.5.0', 0.079), behaviour('1.4.2', 0.002)],
        {
          from: now - 30 * 60,
          to: now + 60,
        },
      ),
    );
    return {
      url: prometheus.url,
      queries: TEST_QUERIES,
      label: 'ms (p95 of 100; from a real Prometheus, backfilled series)',
      stop: prometheus.stop,
    };
  }
  const app = express();
  app.use(createExampleMetricsRouter());
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries: EXAMPLE_QUERIES,
    label:
      'ms (p95 of 100; from the example metrics source: prometheus is not installed)',
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}

async function main() {
  const source = await startSource();
  const settings = readHealthSettings(new ConfigReader({}));
  try {
    const sources = new HealthSources();
    sources.add(
      new PrometheusHealthSource(
        PrometheusSettings.fromConfig(
          new ConfigReader({
            rollbackGuard: {
              prometheus: {
                servers: [
                  {
                    name: 'bench',
                    baseUrl: source.url,
                    allowPrivateAddresses: true,
                  },
                ],
                querySets: {
                  bench: { server: 'bench', queries: source.queries },
                },
              },
            },
          }),
        ),
      ),
    );
    const reader = new HealthReader({
      sources,
      settings,
      timeoutMs: 5000,
      logger: mockServices.rootLogger({ level: 'error' }),
    });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments-api',
        annotations: { 'rollback-guard/health-query-set': 'bench' },
      },
    };
    const read = () =>
      reader.read({
        entity,
        entityRef: 'component:default/payments-api',
        environment: 'production',
        current: canary,
        stable,
      });
    const first = await read();
    if (first?.verdict !== 'failing' || first.signals.length !== 3) {
      throw new Error(`unexpected health: ${JSON.stringify(first?.reason)}`);
    }
    const timings: number[] = [];
    for (let i = 0; i < READS; i++) {
      const t0 = performance.now();
      await read();
      timings.push(performance.now() - t0);
    }
    print('health.read_p95_ms', percentile(timings, 95), source.label);
  } finally {
    await source.stop();
  }

  // 5,000 intervals each side, deterministic.
  const start = Date.now() / 1000;
  const series = (level: number) =>
    Array.from({ length: 5000 }, (_, i): [number, number] => [
      start + i * 30,
      level * (1 + 0.1 * Math.sin(i * 1.3)),
    ]);
  const mine = series(0.079);
  const theirs = series(0.002);
  const judged: number[] = [];
  for (let run = 0; run < JUDGE_RUNS; run++) {
    const t0 = performance.now();
    const health = judgeHealth({
      environment: 'production',
      source: 'bench',
      current: canary,
      stable,
      read: [{ signal: 'errorRate', current: mine, stable: theirs }],
      signals: settings.signals,
      settings,
      window: {
        start: new Date(start * 1000),
        end: new Date((start + 150_000) * 1000),
      },
      readAt: new Date(),
    });
    judged.push(performance.now() - t0);
    if (health.verdict !== 'failing') throw new Error('unexpected verdict');
  }
  print(
    'health.judge_10k_points_ms',
    percentile(judged, 50),
    'ms (median of 20)',
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
