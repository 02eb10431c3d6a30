/*
 * Readiness benchmarks:
 * - readiness of one entity with five checks whose sources (a local HTTP
 *   server) each answer after 50 ms: total time over the slowest check;
 * - snapshot read for one entity with 1,000 entities' snapshots stored,
 *   through the HTTP API as the card does.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { percentile, print, serviceEntities } from './util';
import { fakeCatalog, testModule } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugins/rollback-guard-backend/src/plugin';

const ENTITIES = 1000;
const CHECKS = 5;
const SOURCE_DELAY_MS = 50;
const RUNS = 20;
const READS = 1000;

async function slowSource(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), SOURCE_DELAY_MS);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

async function main() {
  const source = await slowSource();
  const checksModule = testModule('bench-checks', {
    checks: Array.from({ length: CHECKS }, (_, i) => ({
      id: `source-${i}`,
      title: `Source ${i}`,
      async run({ signal }: { signal: AbortSignal }) {
        const response = await fetch(source.url, { signal });
        await response.text();
        return { status: 'pass' as const, summary: 'answered' };
      },
    })),
  });
  const entities = serviceEntities(ENTITIES, 'production');
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      fakeCatalog({ entities }),
      checksModule,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          // Only the five timed checks.
          rollbackGuard: {},
        },
      }),
    ],
  });
  const server = backend.server;
  const service = mockCredentials.service.header();
  const user = mockCredentials.user.header();

  // Each entity: a failed deployment with one succeeded candidate before it.
  for (let i = 0; i < ENTITIES; i++) {
    for (const [n, state] of [
      [0, 'succeeded'],
      [1, 'failed'],
    ] as const) {
      await request(server)
        .post('/api/rollback-guard/ledger/deployments')
        .set('Authorization', service)
        .send({
          id: `e${i}-${n}`,
          entityRef: `component:default/service-${i}`,
          environment: 'production',
          version: `1.0.${n}`,
          strategy: 'rolling',
          state,
          startedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
        })
        .expect(201);
    }
  }

  // Parallelism: one refresh runs five 50 ms checks on one candidate.
  const ratios: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const response = await request(server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', user)
      .send({ entityRef: 'component:default/service-0' })
      .expect(200);
    const total = performance.now() - t0;
    const checks = response.body.environments[0].candidates[0].checks;
    if (
      checks.length !== CHECKS ||
      checks.some((c: any) => c.status !== 'pass')
    ) {
      throw new Error(`unexpected checks: ${JSON.stringify(checks)}`);
    }
    const slowest = Math.max(...checks.map((c: any) => c.durationMs));
    ratios.push(total / slowest);
  }
  print(
    'readiness.parallel_ratio',
    percentile(ratios, 50),
    'ratio (median of 20; aim <= 1.1)',
  );
  print('readiness.parallel_ratio_p95', percentile(ratios, 95), 'ratio');

  // Snapshots for every entity, then reads of one.
  for (let i = 0; i < ENTITIES; i++) {
    await request(server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', user)
      .send({ entityRef: `component:default/service-${i}` })
      .expect(200);
  }
  const latencies: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    await request(server)
      .get('/api/rollback-guard/readiness')
      .set('Authorization', user)
      .query({ entityRef: 'component:default/service-500' })
      .expect(200);
    latencies.push(performance.now() - t0);
  }
  const p95 = percentile(latencies, 95);
  print('readiness.snapshot_read_p50_ms', percentile(latencies, 50), 'ms');
  print('readiness.snapshot_read_p95_ms', p95, 'ms');
  print('readiness.snapshot_read_p95_to_aim', p95 / 20, 'ratio (aim <= 1)');
  source.close();
  await backend.stop();
}

// The test backend leaves pools and timers behind; the figures are out.
main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
