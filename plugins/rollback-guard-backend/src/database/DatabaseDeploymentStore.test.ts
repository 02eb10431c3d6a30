import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import { Knex } from 'knex';
import { sha256Hex } from '../lib/sha256';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';

const MIGRATIONS_DIR = resolvePackagePath(
  '@rollback-guard/plugin-rollback-guard-backend',
  'migrations',
);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

// `npm test` sets this when it found a PostgreSQL; then a silently skipped
// PostgreSQL run would be a lie, so it fails instead.
if (process.env.ROLLBACK_GUARD_REQUIRE_POSTGRES) {
  it('runs the store tests on PostgreSQL', () => {
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

const ENTITY = 'component:default/payments-api';

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-1',
    entityRef: ENTITY,
    environment: 'production',
    version: '1.4.2',
    artifact: {
      reference: 'registry.example.com/payments/payments-api:1.4.2',
      digest: `sha256:${'a'.repeat(64)}`,
    },
    strategy: 'canary',
    state: 'progressing',
    trafficPercent: 20,
    sourceCommit: '4f2a9c1',
    triggeredBy: 'github-actions',
    startedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

function at(minute: number): string {
  return new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database.mock({ getClient: async () => knex });
  const store = await DatabaseDeploymentStore.create({ database });
  return { knex, store };
}

async function count(knex: Knex, table: string): Promise<number> {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

describe.each(databases.eachSupportedId())(
  'DatabaseDeploymentStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDeploymentStore;

    beforeAll(async () => {
      ({ knex, store } = await createStore(databaseId));
    });

    beforeEach(async () => {
      await knex('rollback_guard_evidence_contents').delete();
      await knex('rollback_guard_evidence').delete();
      await knex('rollback_guard_deployment_events').delete();
      await knex('rollback_guard_deployments').delete();
    });

    it('stores a deployment with its evidence and reads every field back', async () => {
      const input = deployment({ finishedAt: '2026-11-20T10:05:00.000Z' });
      const result = await store.recordDeployment(input, [
        {
          kind: 'migration',
          name: '001_add_refunds.sql',
          mediaType: 'application/sql',
          content: 'ALTER TABLE payments ADD COLUMN refunded_at timestamptz;',
        },
        {
          kind: 'sbom',
          name: 'sbom',
          reference: 'registry.example.com/payments/payments-api:sbom-1.4.2',
        },
      ]);
      const expected = {
        ...input,
        evidence: [
          {
            kind: 'migration',
            name: '001_add_refunds.sql',
            mediaType: 'application/sql',
            sha256: sha256Hex(
              'ALTER TABLE payments ADD COLUMN refunded_at timestamptz;',
            ),
            sizeBytes: 56,
          },
          {
            kind: 'sbom',
            name: 'sbom',
            reference: 'registry.example.com/payments/payments-api:sbom-1.4.2',
            sizeBytes: 0,
          },
        ],
      };
      expect(result).toEqual({ deployment: expected, created: true });
      await expect(store.getDeployment('dep-1')).resolves.toEqual(expected);
      await expect(store.getDeployment('nope')).resolves.toBeUndefined();
    });

    it('ignores a replayed deployment id and keeps the first write', async () => {
      await store.recordDeployment(deployment(), []);
      const replay = await store.recordDeployment(
        deployment({ version: '9.9.9' }),
        [{ kind: 'sbom', name: 'x', reference: 'y' }],
      );
      expect(replay.created).toBe(false);
      expect(replay.deployment.version).toBe('1.4.2');
      expect(await count(knex, 'rollback_guard_deployments')).toBe(1);
      expect(await count(knex, 'rollback_guard_evidence')).toBe(0);
      expect(await count(knex, 'rollback_guard_deployment_events')).toBe(1);
    });

    it('changes state only from the expected state, recording each change', async () => {
      await store.recordDeployment(deployment(), []);
      await expect(
        store.changeState('dep-1', 'progressing', {
          state: 'succeeded',
          trafficPercent: 100,
          at: at(10),
          finishedAt: at(10),
        }),
      ).resolves.toBe(true);
      // A second writer that still believes it is progressing loses.
      await expect(
        store.changeState('dep-1', 'progressing', {
          state: 'failed',
          at: at(11),
        }),
      ).resolves.toBe(false);
      const stored = await store.getDeployment('dep-1');
      expect(stored).toMatchObject({
        state: 'succeeded',
        trafficPercent: 100,
        finishedAt: at(10),
      });
      const events = await knex('rollback_guard_deployment_events')
        .where({ deployment_id: 'dep-1' })
        .orderBy('event_id');
      expect(events.map(e => e.state)).toEqual(['progressing', 'succeeded']);
    });

    it('lists history newest first, per environment, page by page', async () => {
      for (let i = 0; i < 5; i++) {
        await store.recordDeployment(
          deployment({
            id: `dep-${i}`,
            version: `1.0.${i}`,
            environment: i % 2 ? 'staging' : 'production',
            startedAt: at(i),
          }),
          [],
        );
      }
      // Same start time as dep-4: the id breaks the tie.
      await store.recordDeployment(
        deployment({ id: 'dep-4b', version: '1.0.4b', startedAt: at(4) }),
        [],
      );
      const all = await store.listDeployments(ENTITY, { limit: 10 });
      expect(all.map(d => d.version)).toEqual([
        '1.0.4b',
        '1.0.4',
        '1.0.3',
        '1.0.2',
        '1.0.1',
        '1.0.0',
      ]);
      const first = await store.listDeployments(ENTITY, { limit: 2 });
      const second = await store.listDeployments(ENTITY, {
        limit: 2,
        before: { startedAt: first[1].startedAt, id: first[1].id },
      });
      expect(second.map(d => d.version)).toEqual(['1.0.3', '1.0.2']);
      const staging = await store.listDeployments(ENTITY, {
        environment: 'staging',
        limit: 10,
      });
      expect(staging.map(d => d.version)).toEqual(['1.0.3', '1.0.1']);
      await expect(
        store.listDeployments('component:default/other', { limit: 10 }),
      ).resolves.toEqual([]);
    });

    it('answers the newest deployment in each environment', async () => {
      await store.recordDeployment(
        deployment({ id: 'a', version: '1.0.0', startedAt: at(1) }),
        [],
      );
      await store.recordDeployment(
        deployment({ id: 'b', version: '1.1.0', startedAt: at(2) }),
        [],
      );
      await store.recordDeployment(
        deployment({
          id: 'c',
          version: '1.2.0',
          environment: 'staging',
          startedAt: at(3),
        }),
        [],
      );
      const current = await store.currentDeployments(ENTITY);
      expect(current.map(d => [d.environment, d.version])).toEqual([
        ['production', '1.1.0'],
        ['staging', '1.2.0'],
      ]);
    });

    it('applies retention by count and age, always keeping the newest', async () => {
      for (let i = 0; i < 6; i++) {
        await store.recordDeployment(
          deployment({ id: `p-${i}`, startedAt: at(i) }),
          [{ kind: 'migration', name: `${i}.sql`, content: 'select 1' }],
        );
      }
      await store.recordDeployment(
        deployment({
          id: 'old-only',
          environment: 'staging',
          startedAt: '2020-01-01T00:00:00.000Z',
        }),
        [],
      );
      const removed = await store.applyRetention({
        maxPerEnvironment: 3,
        olderThan: new Date('2026-01-01T00:00:00Z'),
      });
      expect(removed).toBe(3);
      const left = await knex('rollback_guard_deployments')
        .orderBy('id')
        .pluck('id');
      expect(left).toEqual(['old-only', 'p-3', 'p-4', 'p-5']);
      expect(await count(knex, 'rollback_guard_evidence')).toBe(3);
      expect(await count(knex, 'rollback_guard_deployment_events')).toBe(4);

      const byAge = await store.applyRetention({
        maxPerEnvironment: 100,
        olderThan: new Date(at(5)),
      });
      expect(byAge).toBe(2);
      expect(
        await knex('rollback_guard_deployments').orderBy('id').pluck('id'),
      ).toEqual(['old-only', 'p-5']);
    });

    it('keeps each evidence content once per entity and reads it back for a deployment that listed it by hash', async () => {
      const v1 = 'CREATE TABLE orders (id int primary key, legacy_ref text);';
      const v2 = 'ALTER TABLE orders DROP COLUMN legacy_ref;';
      const first = await store.recordDeployment(deployment({ id: 'd-1' }), [
        { kind: 'migration', name: '001_orders.sql', content: v1 },
      ]);
      expect(first.deployment.evidence?.[0].sha256).toBe(sha256Hex(v1));
      // The next version lists the first migration by hash only: cumulative.
      await store.recordDeployment(
        deployment({ id: 'd-2', version: '1.5.0', startedAt: at(30) }),
        [
          { kind: 'migration', name: '001_orders.sql', sha256: sha256Hex(v1) },
          { kind: 'migration', name: '002_drop.sql', content: v2 },
        ],
      );
      // The same content under another entity is that entity's own copy.
      await store.recordDeployment(
        deployment({ id: 'o-1', entityRef: 'component:default/other' }),
        [{ kind: 'migration', name: '001_orders.sql', content: v1 }],
      );
      expect(await count(knex, 'rollback_guard_evidence_contents')).toBe(3);

      const read = await store.readEvidence(
        { id: 'd-2', entityRef: ENTITY },
        'migration',
      );
      expect(read).toEqual([
        {
          kind: 'migration',
          name: '001_orders.sql',
          sha256: sha256Hex(v1),
          content: v1,
        },
        {
          kind: 'migration',
          name: '002_drop.sql',
          sha256: sha256Hex(v2),
          content: v2,
        },
      ]);
      expect(
        (await store.getDeployment('d-2'))?.evidence?.map(e => e.sizeBytes),
      ).toEqual([Buffer.byteLength(v1), Buffer.byteLength(v2)]);
      await expect(
        store.readEvidence({ id: 'd-2', entityRef: ENTITY }, 'sbom'),
      ).resolves.toEqual([]);

      const key = (name: string, content: string) => ({
        kind: 'migration' as const,
        name,
        sha256: sha256Hex(content),
      });
      await expect(
        store.knownEvidence(ENTITY, [
          key('001_orders.sql', v1),
          key('002_drop.sql', v2),
          key('001_renamed.sql', v1),
          key('003_new.sql', 'select 1'),
        ]),
      ).resolves.toEqual([key('001_orders.sql', v1), key('002_drop.sql', v2)]);
      await expect(
        store.knownEvidence('component:default/other', [
          key('002_drop.sql', v2),
        ]),
      ).resolves.toEqual([]);
    });

    it('forgets contents that no remaining deployment lists', async () => {
      for (let i = 0; i < 3; i++) {
        await store.recordDeployment(
          deployment({ id: `r-${i}`, startedAt: at(i) }),
          [{ kind: 'migration', name: `${i}.sql`, content: `select ${i}` }],
        );
      }
      await store.applyRetention({
        maxPerEnvironment: 1,
        olderThan: new Date('2020-01-01T00:00:00Z'),
      });
      expect(
        await knex('rollback_guard_evidence_contents').pluck('content'),
      ).toEqual(['select 2']);
    });

    it('moves evidence contents stored inline before into the per-entity store', async () => {
      // Back to before the evidence contents migration.
      while (
        (await knex.migrate.currentVersion({ directory: MIGRATIONS_DIR })) >=
        '20261202000000'
      ) {
        await knex.migrate.down({ directory: MIGRATIONS_DIR });
      }
      expect(
        await knex.schema.hasColumn('rollback_guard_evidence', 'sha256'),
      ).toBe(false);
      await knex('rollback_guard_deployments').insert({
        id: 'legacy',
        entity_ref: ENTITY,
        environment: 'production',
        version: '0.9.0',
        strategy: 'rolling',
        state: 'succeeded',
        started_at: new Date(at(1)),
      });
      await knex('rollback_guard_evidence').insert({
        deployment_id: 'legacy',
        kind: 'migration',
        name: '000_init.sql',
        content: 'create table t (id int)',
        size_bytes: 23,
      });
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
      await expect(
        store.readEvidence({ id: 'legacy', entityRef: ENTITY }, 'migration'),
      ).resolves.toEqual([
        {
          kind: 'migration',
          name: '000_init.sql',
          sha256: sha256Hex('create table t (id int)'),
          content: 'create table t (id int)',
        },
      ]);
      expect(
        Number(
          (
            await knex('rollback_guard_evidence')
              .whereNotNull('content')
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(0);
    });

    it('migrates down and up again', async () => {
      const directory = MIGRATIONS_DIR;
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('rollback_guard_deployments')).toBe(
        false,
      );
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('rollback_guard_deployments')).toBe(
        true,
      );
      expect(await knex.schema.hasTable('rollback_guard_evidence')).toBe(true);
    });
  },
);
