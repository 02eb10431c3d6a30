/*
 * Ledger benchmark: record 10,000 deployments across 1,000 entities through
 * the HTTP ledger API, then read one entity's rollout status 1,000 times
 * through the HTTP read API, as the card does. Once per database.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { dropPluginDatabase, percentile, print, serviceEntities } from './util';
import { fakeCatalog } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugins/rollback-guard-backend/src/plugin';

const ENTITIES = 1000;
const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 10_000);
const READS = 1000;
const CONCURRENCY = 8;
const AIM_P95_MS = 20;
const PG_PREFIX = 'rg_bench_';

const entities = serviceEntities(ENTITIES, 'staging, production');

async function bench(label: string, database: object) {
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      fakeCatalog({ entities }),
      mockServices.rootConfig.factory({
        data: { backend: { database } },
      }),
    ],
  });
  const server = backend.server;
  const service = mockCredentials.service.header();
  const user = mockCredentials.user.header();

  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DEPLOYMENTS) {
        const i = next++;
        const response = await request(server)
          .post('/api/rollback-guard/ledger/deployments')
          .set('Authorization', service)
          .send({
            id: `bench-${label}-${i}`,
            entityRef: `component:default/service-${i % ENTITIES}`,
            environment: i % 2 ? 'staging' : 'production',
            version: `1.0.${Math.floor(i / ENTITIES)}`,
            strategy: 'canary',
            state: 'succeeded',
            startedAt: new Date(
              Date.UTC(2026, 0, 1) + i * 60_000,
            ).toISOString(),
          });
        if (response.status !== 201) {
          throw new Error(`record ${i}: ${response.status} ${response.text}`);
        }
      }
    }),
  );
  const recordSeconds = (performance.now() - start) / 1000;

  const target = 'component:default/service-42';
  const latencies: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    const response = await request(server)
      .get('/api/rollback-guard/rollout')
      .set('Authorization', user)
      .query({ entityRef: target });
    latencies.push(performance.now() - t0);
    if (response.status !== 200 || response.body.environments.length !== 2) {
      throw new Error(`read: ${response.status} ${response.text}`);
    }
  }
  await backend.stop();

  const p95 = percentile(latencies, 95);
  print(
    `ledger.record_per_s.${label}`,
    DEPLOYMENTS / recordSeconds,
    'deployments/s',
  );
  print(`ledger.state_read_p50_ms.${label}`, percentile(latencies, 50), 'ms');
  print(`ledger.state_read_p95_ms.${label}`, p95, 'ms');
  print(
    `ledger.state_read_p95_to_aim.${label}`,
    p95 / AIM_P95_MS,
    'ratio (aim <= 1)',
  );
}

/** Drops the database a previous or this run left on the server. */
async function main() {
  await bench('sqlite', { client: 'better-sqlite3', connection: ':memory:' });
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg) {
    await dropPluginDatabase(pg, PG_PREFIX);
    await bench('postgres', {
      client: 'pg',
      connection: pg,
      prefix: PG_PREFIX,
    });
    await dropPluginDatabase(pg, PG_PREFIX);
  } else {
    process.stdout.write(
      'ledger.state_read_p95_ms.postgres: SKIPPED (no PostgreSQL; set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)\n',
    );
  }
}

// The test backend leaves pools and timers behind; the figures are out.
main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
