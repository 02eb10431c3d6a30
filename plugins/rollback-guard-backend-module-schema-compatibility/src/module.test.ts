import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CandidateReadiness,
  CheckResult,
} from '@rollback-guard/plugin-rollback-guard-common';
import { createHash } from 'node:crypto';
// The backend's own test catalog, until a shared test-utils package exists.
import {
  fakeCatalog,
  recordTestDeployment,
  refreshedCandidate,
} from '@internal/rollback-guard-test-harness';
// The module is tested in the backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import schemaCompatibilityModule from './index';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];
type Migration = { name: string; content?: string; sha256?: string };

function component(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'production',
        ...annotations,
      },
    },
  } as Entity;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const CREATE_ORDERS =
  'CREATE TABLE orders (id bigint PRIMARY KEY, legacy_ref text, total numeric(12,2) NOT NULL);';
const DROP_LEGACY = 'ALTER TABLE orders DROP COLUMN legacy_ref;';
const ADD_REGION =
  'ALTER TABLE orders ADD COLUMN region text;\nCREATE INDEX orders_region_idx ON orders (region);';

describe('the schema-compatibility module in a backend', () => {
  let server: Server;

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        schemaCompatibilityModule,
        fakeCatalog({
          entities: [
            component('orders-api'),
            component('additive-api'),
            component('required-api'),
            component('knex-api', { 'rollback-guard/migrator': 'knex' }),
            component('mysql-api', {
              'rollback-guard/database-dialect': 'mysql',
            }),
            component('late-ci'),
            component('edited-api'),
            component('broken-sql'),
            component('no-migrations'),
            component('bad-dialect', {
              'rollback-guard/database-dialect': 'oracle',
            }),
          ],
        }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    }));
  });

  const deploy = (
    entity: string,
    version: string,
    state: 'succeeded' | 'failed',
    migrations: Migration[],
  ) =>
    recordTestDeployment(
      server,
      entity,
      version,
      state,
      migrations.map(m => ({ mediaType: 'application/sql', ...m })),
    );
  const goingBack = (entity: string) => refreshedCandidate(server, entity);

  const schemaCheck = (
    readiness: CandidateReadiness,
  ): CheckResult | undefined =>
    readiness.checks.find(c => c.checkId === 'schema-compatibility');

  it('blocks going back across a dropped column, naming the column, the file and the version', async () => {
    await deploy('orders-api', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('orders-api', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
      { name: '002_drop_orders_legacy_ref.sql', content: DROP_LEGACY },
    ]);
    const readiness = await goingBack('orders-api');
    const check = schemaCheck(readiness)!;
    expect(check.status).toBe('fail');
    expect(check.blocking).toBe(true);
    expect(check.summary).toBe(
      'orders.legacy_ref was dropped by 002_drop_orders_legacy_ref.sql; 1.0.0 reads it',
    );
    expect(check.findings?.[0]).toMatchObject({
      rule: 'ban-drop-column',
      status: 'fail',
      source: '002_drop_orders_legacy_ref.sql',
      code: DROP_LEGACY.replace(/;$/, ''),
      codeLanguage: 'sql',
      references: ['DS103'],
    });
    expect(check.remediation).toContain('Expand/contract');
    expect(readiness.risk).toBe('blocked');
    expect(check.facts).toContainEqual({
      label: 'Applied since 1.0.0',
      value: '002_drop_orders_legacy_ref.sql',
    });
  });

  it('passes migrations since the candidate that only add', async () => {
    await deploy('additive-api', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('additive-api', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
      { name: '002_add_region.sql', content: ADD_REGION },
    ]);
    const readiness = await goingBack('additive-api');
    const check = schemaCheck(readiness)!;
    expect(check.status).toBe('pass');
    expect(check.findings?.map(f => f.status)).toEqual(['pass', 'pass']);
    // The registry checks have no artifact to look at; the schema adds nothing.
    expect(readiness.reasons.join('\n')).not.toContain('Schema');
  });

  it("fails a column made required across files, in the version's own words", async () => {
    await deploy('required-api', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('required-api', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
      { name: '002_add_region.sql', content: ADD_REGION },
      {
        name: '003_require_region.sql',
        content:
          "UPDATE orders SET region = 'eu' WHERE region IS NULL;\nALTER TABLE orders ALTER COLUMN region SET NOT NULL;",
      },
    ]);
    const readiness = await goingBack('required-api');
    const check = schemaCheck(readiness)!;
    expect(check.status).toBe('fail');
    expect(check.blocking).toBeUndefined();
    expect(check.summary).toBe(
      "orders.region is NOT NULL without a default; 1.0.0's INSERTs do not set it (003_require_region.sql)",
    );
    expect(check.findings?.map(f => [f.rule, f.status])).toEqual([
      ['adding-required-field', 'fail'],
      ['data-change', 'warn'],
      ['adding-index', 'pass'],
    ]);
    expect(readiness.risk).toBe('high');
  });

  it('blocks any migration since the candidate when the migrator refuses unknown migrations (knex)', async () => {
    await deploy('knex-api', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('knex-api', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
      { name: '002_add_region.sql', content: ADD_REGION },
    ]);
    const check = schemaCheck(await goingBack('knex-api'))!;
    expect(check.status).toBe('fail');
    expect(check.blocking).toBe(true);
    expect(check.findings?.[0].rule).toBe(
      'migrator-refuses-unknown-migrations',
    );
    expect(check.summary).toContain('migration directory is corrupt');
    expect(check.summary).toContain('1.0.0 would not start');
  });

  it('reads MySQL migrations when the entity says so', async () => {
    const create =
      'CREATE TABLE orders (id BIGINT PRIMARY KEY, legacy_ref VARCHAR(64));';
    await deploy('mysql-api', '1.0.0', 'succeeded', [
      { name: 'V1__create_orders.sql', content: create },
    ]);
    await deploy('mysql-api', '1.1.0', 'failed', [
      { name: 'V1__create_orders.sql', sha256: sha(create) },
      {
        name: 'V2__rename.sql',
        content: 'ALTER TABLE orders RENAME COLUMN legacy_ref TO external_ref;',
      },
    ]);
    const check = schemaCheck(await goingBack('mysql-api'))!;
    expect(check.status).toBe('fail');
    expect(check.findings?.[0].rule).toBe('renaming-column');
    expect(check.facts).toContainEqual({ label: 'Dialect', value: 'mysql' });
  });

  it('is unknown when the candidate was recorded without its migrations', async () => {
    await deploy('late-ci', '1.0.0', 'succeeded', []);
    await deploy('late-ci', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    const check = schemaCheck(await goingBack('late-ci'))!;
    expect(check.status).toBe('unknown');
    expect(check.summary).toBe(
      '1.0.0 was recorded without its migrations, so what changed since cannot be told',
    );
    expect(check.remediation).toContain('Attach every migration');
  });

  it('is unknown when a migration was edited after it shipped', async () => {
    await deploy('edited-api', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('edited-api', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', content: `${CREATE_ORDERS}\n-- edited` },
    ]);
    const check = schemaCheck(await goingBack('edited-api'))!;
    expect(check.status).toBe('unknown');
    expect(check.summary).toBe(
      '001_create_orders.sql changed after 1.0.0 shipped it',
    );
  });

  it('is unknown, never a pass, for SQL it cannot parse', async () => {
    await deploy('broken-sql', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('broken-sql', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
      { name: '002_oops.sql', content: 'ALTER TABLE orders DROP COLUMN;' },
    ]);
    const readiness = await goingBack('broken-sql');
    const check = schemaCheck(readiness)!;
    expect(check.status).toBe('unknown');
    expect(check.findings?.[0]).toMatchObject({
      status: 'unknown',
      source: '002_oops.sql',
    });
    expect(readiness.risk).toBe('medium');
  });

  it('does not apply to an entity none of whose deployments carries migrations', async () => {
    await deploy('no-migrations', '1.0.0', 'succeeded', []);
    await deploy('no-migrations', '1.1.0', 'failed', []);
    expect(schemaCheck(await goingBack('no-migrations'))).toBeUndefined();
  });

  it('says so when the dialect annotation names a dialect it cannot read', async () => {
    await deploy('bad-dialect', '1.0.0', 'succeeded', [
      { name: '001_create_orders.sql', content: CREATE_ORDERS },
    ]);
    await deploy('bad-dialect', '1.1.0', 'failed', [
      { name: '001_create_orders.sql', sha256: sha(CREATE_ORDERS) },
    ]);
    const check = schemaCheck(await goingBack('bad-dialect'))!;
    expect(check.status).toBe('unknown');
    expect(check.remediation).toBe(
      'Set rollback-guard/database-dialect to one of postgresql, mysql.',
    );
  });
});
