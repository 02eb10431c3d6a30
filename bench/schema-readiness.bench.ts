/*
 * Schema compatibility in the readiness of one entity whose current version
 * ships 500 migrations, 50 of them since the candidate: the refresh through
 * the HTTP API, with the schema-compatibility module installed and the
 * registry checks switched off (so only the schema check is timed).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { percentile, print, serviceEntities } from './util';
import { fakeCatalog } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugins/rollback-guard-backend/src/plugin';
import schemaCompatibilityModule from '../plugins/rollback-guard-backend-module-schema-compatibility/src';

const MIGRATIONS = 500;
const SINCE = 50;
const RUNS = 10;
const ENTITY = 'component:default/service-0';

/** Migration i: a table, then columns, indexes and a backfill on it. */
function migration(i: number): { name: string; content: string } {
  const table = `t${Math.floor(i / 5)}`;
  const step = i % 5;
  const sql = [
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());`,
    `ALTER TABLE ${table} ADD COLUMN note_${i} text;`,
    `CREATE INDEX ${table}_idx_${i} ON ${table} (created_at);`,
    `ALTER TABLE ${table} ADD COLUMN flag_${i} boolean NOT NULL DEFAULT false;`,
    `UPDATE ${table} SET note_${i - 3} = 'n/a' WHERE note_${i - 3} IS NULL;`,
  ][step];
  return { name: `${String(i).padStart(4, '0')}_step.sql`, content: sql };
}

function evidence(count: number, byHash: Set<string>) {
  return Array.from({ length: count }, (_, i) => {
    const { name, content } = migration(i);
    const sha256 = createHash('sha256').update(content).digest('hex');
    return {
      kind: 'migration',
      name,
      mediaType: 'application/sql',
      sha256,
      ...(byHash.has(name) ? {} : { content }),
    };
  });
}

async function main() {
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      schemaCompatibilityModule,
      fakeCatalog({ entities: serviceEntities(1, 'production') }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          rollbackGuard: {},
        },
      }),
    ],
  });
  const server = backend.server;
  const service = mockCredentials.service.header();
  const user = mockCredentials.user.header();

  const candidate = evidence(MIGRATIONS - SINCE, new Set());
  const stored = new Set(candidate.map(item => item.name));
  for (const [n, state, items] of [
    [0, 'succeeded', candidate],
    [1, 'failed', evidence(MIGRATIONS, stored)],
  ] as const) {
    await request(server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', service)
      .send({
        id: `d-${n}`,
        entityRef: ENTITY,
        environment: 'production',
        version: `1.0.${n}`,
        strategy: 'rolling',
        state,
        startedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
        evidence: items,
      })
      .expect(201);
  }

  const timings: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const t0 = performance.now();
    const response = await request(server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', user)
      .send({ entityRef: ENTITY })
      .expect(200);
    const elapsed = performance.now() - t0;
    const check = response.body.environments[0].candidates[0].checks.find(
      (c: { checkId: string }) => c.checkId === 'schema-compatibility',
    );
    if (check?.status !== 'pass' || !check.findings?.length) {
      throw new Error(`unexpected result: ${JSON.stringify(check)}`);
    }
    if (run > 0) timings.push(elapsed); // the first run loads the parser
  }
  print(
    'schema.readiness_with_migrations_ms',
    percentile(timings, 50),
    `ms (median of ${RUNS}; ${MIGRATIONS} migrations, ${SINCE} since the candidate)`,
  );
  print(
    'schema.readiness_with_migrations_p95_ms',
    percentile(timings, 95),
    'ms',
  );
  await backend.stop();
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
