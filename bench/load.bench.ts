/*
 * Load, side by side in one run: 32 concurrent clients for 15 s on
 * `GET /api/rollback-guard/readiness` of one entity (a stored snapshot, read
 * after the catalog says the caller may see the entity), then on the
 * catalog's own `GET /api/catalog/entities/by-name/component/default/<name>`,
 * in the same backend (the real catalog, SQLite in memory). The ratio says
 * what the readiness read costs over the catalog read it needs.
 *
 * BENCH_LOAD_SECONDS and BENCH_LOAD_CLIENTS change the duration and the
 * number of clients.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogBackend from '@backstage/plugin-catalog-backend';
import {
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
} from '@internal/rollback-guard-test-harness';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { rollbackGuardPlugin } from '../plugins/rollback-guard-backend/src/plugin';
import { percentile, print } from './util';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 32);
const NAME = 'payments-api';

/** `CLIENTS` loops, each sending the next request when one answers. */
async function load(url: string, authorization: string) {
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const response = await fetch(url, { headers: { authorization } });
        await response.arrayBuffer();
        if (response.status === 200) {
          latencies.push(performance.now() - started);
        } else {
          failures++;
        }
      }
    }),
  );
  if (failures > 0) {
    throw new Error(`${failures} requests to ${url} did not answer 200`);
  }
  return { rps: latencies.length / SECONDS, p95: percentile(latencies, 95) };
}

async function measure(entityCacheTtl: { seconds: number } | undefined) {
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      catalogBackend,
      catalogEntitiesModule([
        catalogComponent(NAME, 'group:default/payments', {
          'rollback-guard/environments': 'production',
        }),
      ]),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          catalog: { processingInterval: { minutes: 30 } },
          rollbackGuard: entityCacheTtl ? { entityCacheTtl } : {},
        },
      }),
    ],
  });
  const user = mockCredentials.user.header();
  await untilProcessed(backend.server, NAME, user);
  const entityRef = `component:default/${NAME}`;
  for (const [version, state, day] of [
    ['1.0.0', 'succeeded', 1],
    ['1.1.0', 'failed', 2],
  ] as const) {
    await request(backend.server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', mockCredentials.service.header())
      .send({
        id: `d-${version}`,
        entityRef,
        environment: 'production',
        version,
        strategy: 'rolling',
        state,
        startedAt: `2026-11-0${day}T00:00:00Z`,
      })
      .expect(201);
  }
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api`;
  const readinessUrl = `${base}/rollback-guard/readiness?${new URLSearchParams({
    entityRef,
  })}`;
  const catalogUrl = `${base}/catalog/entities/by-name/component/default/${NAME}`;
  // The first read computes and stores the snapshot; the load reads it.
  await request(backend.server)
    .get(`/api/rollback-guard/readiness`)
    .query({ entityRef })
    .set('Authorization', user)
    .expect(200);

  const readiness = await load(readinessUrl, user);
  const catalog = await load(catalogUrl, user);
  await backend.stop();
  return { readiness, catalog };
}

async function main() {
  // As configured by default: what the catalog showed a person is kept 2 s.
  const { readiness, catalog } = await measure(undefined);
  print('load.readiness_rps', readiness.rps, 'req/s');
  print('load.readiness_p95_ms', readiness.p95, 'ms');
  print('load.catalog_rps', catalog.rps, 'req/s');
  print('load.catalog_p95_ms', catalog.p95, 'ms');
  print('load.readiness_to_catalog_rps', readiness.rps / catalog.rps, 'ratio');
  // With the cache off: every read asks the catalog over HTTP, so each
  // readiness read costs a catalog read and a client request more.
  const uncached = await measure({ seconds: 0 });
  print('load.readiness_uncached_rps', uncached.readiness.rps, 'req/s');
  print('load.readiness_uncached_p95_ms', uncached.readiness.p95, 'ms');
  print(
    'load.readiness_uncached_to_catalog_rps',
    uncached.readiness.rps / uncached.catalog.rps,
    'ratio',
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
