import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import { DatabaseRollbackGuardStore } from './DatabaseRollbackGuardStore';
import { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

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

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-1',
    entityRef: 'component:default/payments-api',
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

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database.mock({ getClient: async () => knex });
  const store = await DatabaseRollbackGuardStore.create({ database });
  return { knex, store };
}

describe.each(databases.eachSupportedId())(
  'DatabaseRollbackGuardStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseRollbackGuardStore;

    beforeEach(async () => {
      ({ knex, store } = await createStore(databaseId));
      await knex('rollback_guard_deployments').delete();
    });

    it('stores a deployment and reads every field back', async () => {
      const input = deployment({ finishedAt: '2026-11-20T10:05:00.000Z' });
      const result = await store.recordDeployment(input);
      expect(result).toEqual({ deployment: input, created: true });
      await expect(store.getDeployment('dep-1')).resolves.toEqual(input);
    });

    it('ignores a replayed deployment id and keeps the first write', async () => {
      await store.recordDeployment(deployment());
      const replay = await store.recordDeployment(
        deployment({ version: '9.9.9' }),
      );
      expect(replay.created).toBe(false);
      expect(replay.deployment.version).toBe('1.4.2');
      const [{ n }] = await knex('rollback_guard_deployments').count({
        n: '*',
      });
      expect(Number(n)).toBe(1);
    });

    it('lists history newest first, per environment and paginated', async () => {
      for (let i = 0; i < 5; i++) {
        await store.recordDeployment(
          deployment({
            id: `dep-${i}`,
            version: `1.0.${i}`,
            environment: i % 2 ? 'staging' : 'production',
            startedAt: new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString(),
          }),
        );
      }
      const all = await store.listDeployments(
        'component:default/payments-api',
        { limit: 10 },
      );
      expect(all.map(d => d.version)).toEqual([
        '1.0.4',
        '1.0.3',
        '1.0.2',
        '1.0.1',
        '1.0.0',
      ]);
      const page = await store.listDeployments(
        'component:default/payments-api',
        { limit: 2, offset: 2 },
      );
      expect(page.map(d => d.version)).toEqual(['1.0.2', '1.0.1']);
      const staging = await store.listDeployments(
        'component:default/payments-api',
        { environment: 'staging', limit: 10 },
      );
      expect(staging.map(d => d.version)).toEqual(['1.0.3', '1.0.1']);
      await expect(
        store.listDeployments('component:default/other', { limit: 10 }),
      ).resolves.toEqual([]);
    });

    it('answers the newest deployment in each environment', async () => {
      await store.recordDeployment(
        deployment({
          id: 'a',
          version: '1.0.0',
          startedAt: '2026-11-01T00:00:00Z',
        }),
      );
      await store.recordDeployment(
        deployment({
          id: 'b',
          version: '1.1.0',
          startedAt: '2026-11-02T00:00:00Z',
        }),
      );
      await store.recordDeployment(
        deployment({
          id: 'c',
          version: '1.2.0',
          environment: 'staging',
          startedAt: '2026-11-03T00:00:00Z',
        }),
      );
      const current = await store.currentDeployments(
        'component:default/payments-api',
      );
      expect(current.map(d => [d.environment, d.version])).toEqual([
        ['production', '1.1.0'],
        ['staging', '1.2.0'],
      ]);
    });

    it('migrates down and up again', async () => {
      const directory = resolvePackagePath(
        '@rollback-guard/plugin-rollback-guard-backend',
        'migrations',
      );
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('rollback_guard_deployments')).toBe(
        false,
      );
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('rollback_guard_deployments')).toBe(
        true,
      );
    });
  },
);
