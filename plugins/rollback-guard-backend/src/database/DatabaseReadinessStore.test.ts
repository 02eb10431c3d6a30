import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';
import { Knex } from 'knex';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

// `npm test` sets this when it found a PostgreSQL; then a silently skipped
// PostgreSQL run would be a lie, so it fails instead.
if (process.env.ROLLBACK_GUARD_REQUIRE_POSTGRES) {
  it('runs the readiness store tests on PostgreSQL', () => {
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

const ENTITY = 'component:default/snap';

function snapshot(computedAt: string, check?: object): ReadinessSnapshot {
  return {
    entityRef: ENTITY,
    computedAt,
    environments: check
      ? [
          {
            environment: 'production',
            candidates: [{ version: '1.4.2', checks: [check] }],
          } as any,
        ]
      : [],
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseReadinessStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseReadinessStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseReadinessStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
    });

    beforeEach(async () => {
      await knex('rollback_guard_readiness').delete();
    });

    it('keeps one readiness snapshot per entity until it is discarded', async () => {
      await store.saveSnapshot(snapshot('2026-11-23T10:00:00.000Z'));
      await store.saveSnapshot(snapshot('2026-11-23T11:00:00.000Z'));
      expect(await store.getSnapshot(ENTITY)).toEqual(
        snapshot('2026-11-23T11:00:00.000Z'),
      );
      await store.discardSnapshot(ENTITY);
      expect(await store.getSnapshot(ENTITY)).toBeUndefined();
    });

    it('reads a snapshot stored when check results called their facts `evidence`', async () => {
      const fact = { label: 'Digest', value: 'sha256:4f2a' };
      await knex('rollback_guard_readiness').insert({
        entity_ref: ENTITY,
        computed_at: new Date('2026-11-23T10:00:00.000Z'),
        snapshot: JSON.stringify(
          snapshot('2026-11-23T10:00:00.000Z', {
            checkId: 'artifact-availability',
            evidence: [fact],
          }),
        ),
      });
      expect(await store.getSnapshot(ENTITY)).toEqual(
        snapshot('2026-11-23T10:00:00.000Z', {
          checkId: 'artifact-availability',
          facts: [fact],
        }),
      );
    });
  },
);
