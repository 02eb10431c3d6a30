/*
 * Differential test against a real PostgreSQL: for each case, the candidate's
 * own statements (a SELECT of every column it knew, an INSERT of the columns
 * it had to write, at the limits of their old types) are run on the schema the
 * migrations leave. The classifier must report a `fail` exactly when
 * PostgreSQL rejects one of them.
 */
import knexFactory, { Knex } from 'knex';
import { classifyMigrations } from './classify';

const connection =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const required =
  !!process.env.ROLLBACK_GUARD_REQUIRE_POSTGRES &&
  process.env.ROLLBACK_GUARD_REQUIRE_POSTGRES !== '0';

type Case = {
  name: string;
  baseline: string;
  migrations: string[];
  /** What the case is built to show; checked too, so that a case cannot drift into showing nothing. */
  expect: 'fail' | 'ok';
  /** Values the candidate writes instead of the generated ones, by `table.column`. */
  values?: Record<string, string>;
};

const ORDERS = `CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  amount numeric(12,2) NOT NULL,
  note varchar(100),
  code varchar(10) NOT NULL,
  title varchar(100) NOT NULL,
  legacy_ref text,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'new',
  qty integer NOT NULL
);`;
const ENUM_ORDERS = `CREATE TYPE order_status AS ENUM ('new', 'shipped', 'done');
CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL);`;

const CASES: Case[] = [
  // Failures: the candidate's queries name what is gone.
  {
    name: 'ban-drop-table',
    baseline: ORDERS,
    migrations: ['DROP TABLE orders;'],
    expect: 'fail',
  },
  {
    name: 'ban-drop-table (view)',
    baseline: `${ORDERS} CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100;`,
    migrations: ['DROP VIEW big_orders;'],
    expect: 'fail',
  },
  {
    name: 'ban-drop-column',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders DROP COLUMN legacy_ref;'],
    expect: 'fail',
  },
  {
    name: 'renaming-table',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders RENAME TO purchase_orders;'],
    expect: 'fail',
  },
  {
    name: 'renaming-table (SET SCHEMA)',
    baseline: `${ORDERS} CREATE SCHEMA archive;`,
    migrations: ['ALTER TABLE orders SET SCHEMA archive;'],
    expect: 'fail',
  },
  {
    name: 'renaming-column',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders RENAME COLUMN note TO remark;'],
    expect: 'fail',
  },
  {
    name: 'ban-drop-schema',
    baseline:
      'CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int NOT NULL, total numeric(10,2));',
    migrations: ['DROP SCHEMA billing CASCADE;'],
    expect: 'fail',
  },
  {
    name: 'renaming-schema',
    baseline:
      'CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int NOT NULL);',
    migrations: ['ALTER SCHEMA billing RENAME TO accounts;'],
    expect: 'fail',
  },
  {
    name: 'renaming-enum-value',
    baseline: ENUM_ORDERS,
    migrations: ["ALTER TYPE order_status RENAME VALUE 'shipped' TO 'sent';"],
    values: { 'orders.status': "'shipped'" },
    expect: 'fail',
  },
  {
    name: 'ban-drop-enum-value',
    baseline: ENUM_ORDERS,
    migrations: [
      "ALTER TYPE order_status RENAME TO order_status_old; CREATE TYPE order_status AS ENUM ('new', 'done');",
      'ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::text::order_status; DROP TYPE order_status_old;',
    ],
    values: { 'orders.status': "'shipped'" },
    expect: 'fail',
  },
  // Failures: the candidate's writes are rejected.
  {
    name: 'adding-required-field',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ADD COLUMN region text NOT NULL;'],
    expect: 'fail',
  },
  {
    name: 'adding-not-nullable-field',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN note SET NOT NULL;'],
    expect: 'fail',
  },
  {
    name: 'changing-column-type varchar(100) → varchar(10)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN title TYPE varchar(10);'],
    expect: 'fail',
  },
  {
    name: 'changing-column-type bigint → int',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN customer_id TYPE int;'],
    expect: 'fail',
  },
  {
    name: 'changing-column-type numeric(12,2) → numeric(8,2)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN amount TYPE numeric(8,2);'],
    expect: 'fail',
  },
  {
    name: 'changing-column-type text → integer',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ALTER COLUMN body TYPE integer USING length(body);',
    ],
    expect: 'fail',
  },
  {
    name: 'changing-column-type text → varchar(20)',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ALTER COLUMN body SET DATA TYPE varchar(20);',
    ],
    expect: 'fail',
  },
  {
    name: 'ban-drop-default',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;'],
    expect: 'fail',
  },
  {
    name: 'ban-alter-identity',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ALTER COLUMN qty ADD GENERATED ALWAYS AS IDENTITY;',
    ],
    expect: 'fail',
  },
  // Warnings: data-dependent or wider; the candidate's own statements still run.
  {
    name: 'changing-column-type varchar(10) → varchar(100) (warn)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN code TYPE varchar(100);'],
    expect: 'ok',
  },
  {
    name: 'changing-column-type int → bigint (warn)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN qty TYPE bigint;'],
    expect: 'ok',
  },
  {
    name: 'ban-drop-not-null (warn)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ALTER COLUMN body DROP NOT NULL;'],
    expect: 'ok',
  },
  {
    name: 'adding-unique-constraint (warn)',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code); CREATE UNIQUE INDEX orders_title_key ON orders (title);',
    ],
    expect: 'ok',
  },
  {
    name: 'adding-check-constraint (warn)',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;',
    ],
    expect: 'ok',
  },
  {
    name: 'adding-foreign-key-constraint (warn)',
    baseline: `${ORDERS} CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1);`,
    migrations: [
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
    ],
    values: { 'orders.customer_id': '1' },
    expect: 'ok',
  },
  {
    name: 'adding-enum-value (warn)',
    baseline: ENUM_ORDERS,
    migrations: ["ALTER TYPE order_status ADD VALUE 'refunded';"],
    expect: 'ok',
  },
  {
    name: 'data-change (warn)',
    baseline: ORDERS,
    migrations: [
      "UPDATE orders SET status = 'done'; DELETE FROM orders WHERE qty < 0;",
    ],
    expect: 'ok',
  },
  // Passes: additive.
  {
    name: 'adding-table, adding-index, adding-sequence, adding-view, adding-type (pass)',
    baseline: ORDERS,
    migrations: [
      "CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now()); CREATE INDEX orders_code_idx ON orders (code); CREATE SEQUENCE numbers; CREATE VIEW open_orders AS SELECT * FROM orders; CREATE TYPE mood AS ENUM ('ok');",
    ],
    expect: 'ok',
  },
  {
    name: 'adding-nullable-field (pass)',
    baseline: ORDERS,
    migrations: ['ALTER TABLE orders ADD COLUMN region text;'],
    expect: 'ok',
  },
  {
    name: 'adding-field-with-default, constant and volatile (pass)',
    baseline: ORDERS,
    migrations: [
      "ALTER TABLE orders ADD COLUMN source text NOT NULL DEFAULT 'web', ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid(), ADD COLUMN seen timestamptz NOT NULL DEFAULT now();",
    ],
    expect: 'ok',
  },
  // Net effects.
  {
    name: 'net: add, backfill, SET NOT NULL in a later file',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ADD COLUMN region text;',
      "UPDATE orders SET region = 'eu';",
      'ALTER TABLE orders ALTER COLUMN region SET NOT NULL;',
    ],
    expect: 'fail',
  },
  {
    name: 'net: column added then dropped',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ADD COLUMN tmp text NOT NULL;',
      'ALTER TABLE orders DROP COLUMN tmp;',
    ],
    expect: 'ok',
  },
  {
    name: 'net: table created then dropped',
    baseline: ORDERS,
    migrations: ['CREATE TABLE scratch (id int);', 'DROP TABLE scratch;'],
    expect: 'ok',
  },
  {
    name: 'net: DROP NOT NULL then SET NOT NULL back',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders ALTER COLUMN body DROP NOT NULL;',
      'ALTER TABLE orders ALTER COLUMN body SET NOT NULL;',
    ],
    expect: 'ok',
  },
  {
    name: 'net: column renamed and renamed back',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders RENAME COLUMN note TO remark;',
      'ALTER TABLE orders RENAME COLUMN remark TO note;',
    ],
    expect: 'ok',
  },
  {
    name: 'net: table renamed, a view keeps its old name',
    baseline: ORDERS,
    migrations: [
      'ALTER TABLE orders RENAME TO purchase_orders;',
      'CREATE VIEW orders AS SELECT * FROM purchase_orders;',
    ],
    expect: 'ok',
  },
  {
    name: 'net: table rebuilt with every column it had',
    baseline: ORDERS,
    migrations: [
      "ALTER TABLE orders RENAME TO orders_old; CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2) NOT NULL, note varchar(100), code varchar(10) NOT NULL, title varchar(100) NOT NULL, legacy_ref text, body text NOT NULL, status text NOT NULL DEFAULT 'new', qty integer NOT NULL, extra jsonb);",
      'INSERT INTO orders (customer_id, amount, note, code, title, legacy_ref, body, status, qty) SELECT customer_id, amount, note, code, title, legacy_ref, body, status, qty FROM orders_old; DROP TABLE orders_old;',
    ],
    expect: 'ok',
  },
];

type ColumnInfo = {
  table_schema: string;
  table_name: string;
  column_name: string;
  is_nullable: string;
  column_default: string | null;
  data_type: string;
  udt_schema: string;
  udt_name: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_identity: string;
  is_generated: string;
  table_type: string;
};

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** A value of the column's type, at its limits where it has them. */
async function valueFor(trx: Knex.Transaction, c: ColumnInfo): Promise<string> {
  switch (c.data_type) {
    case 'character varying':
    case 'character':
      return `'${'x'.repeat(c.character_maximum_length ?? 200)}'`;
    case 'text':
      return `'${'x'.repeat(200)}'`;
    case 'smallint':
      return '32767';
    case 'integer':
      return '2147483647';
    case 'bigint':
      return '9223372036854775807';
    case 'numeric': {
      const p = c.numeric_precision ?? 30;
      const s = c.numeric_scale ?? 0;
      return `${'9'.repeat(p - s)}${s ? `.${'9'.repeat(s)}` : ''}`;
    }
    case 'boolean':
      return 'true';
    case 'date':
      return "'2024-02-29'";
    case 'timestamp with time zone':
      return "'2024-02-29 23:59:59.999999+05:30'";
    case 'timestamp without time zone':
      return "'2024-02-29 23:59:59.999999'";
    case 'uuid':
      return "'00000000-0000-0000-0000-000000000001'";
    case 'json':
    case 'jsonb':
      return `'{"k": 1}'`;
    case 'USER-DEFINED': {
      const rows: Array<{ enumlabel: string }> = (
        await trx.raw(
          `SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
           JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = ? AND n.nspname = ? ORDER BY e.enumsortorder LIMIT 1`,
          [c.udt_name, c.udt_schema],
        )
      ).rows;
      if (!rows.length) throw new Error(`no value known for ${c.udt_name}`);
      return `'${rows[0].enumlabel.replace(/'/g, "''")}'`;
    }
    default:
      throw new Error(`the test has no value for type ${c.data_type}`);
  }
}

/** The candidate's own statements, from what the baseline left. */
async function candidateStatements(
  trx: Knex.Transaction,
  values: Record<string, string>,
): Promise<string[]> {
  const columns: ColumnInfo[] = (
    await trx.raw(`
      SELECT c.*, t.table_type
      FROM information_schema.columns c
      JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`)
  ).rows;
  const tables = new Map<string, ColumnInfo[]>();
  for (const c of columns) {
    const key = `${quote(c.table_schema)}.${quote(c.table_name)}`;
    tables.set(key, [...(tables.get(key) ?? []), c]);
  }
  const out: string[] = [];
  for (const [name, cols] of tables) {
    out.push(
      `SELECT ${cols.map(c => quote(c.column_name)).join(', ')} FROM ${name}`,
    );
    if (cols[0].table_type !== 'BASE TABLE') continue;
    // The candidate writes what it must: NOT NULL columns without a default.
    // Nullable ones and defaulted ones it leaves to NULL or the default.
    const written = cols.filter(
      c =>
        c.is_nullable === 'NO' &&
        c.column_default === null &&
        c.is_identity === 'NO' &&
        c.is_generated === 'NEVER',
    );
    if (!written.length) {
      out.push(`INSERT INTO ${name} DEFAULT VALUES`);
      continue;
    }
    const literals: string[] = [];
    for (const c of written) {
      literals.push(
        values[`${c.table_name}.${c.column_name}`] ?? (await valueFor(trx, c)),
      );
    }
    out.push(
      `INSERT INTO ${name} (${written
        .map(c => quote(c.column_name))
        .join(', ')}) VALUES (${literals.join(', ')})`,
    );
  }
  return out;
}

/** Runs the statements, each in a savepoint; returns the errors. */
async function rejections(
  trx: Knex.Transaction,
  statements: string[],
): Promise<string[]> {
  const errors: string[] = [];
  for (const [i, sql] of statements.entries()) {
    await trx.raw(`SAVEPOINT s${i}`);
    try {
      await trx.raw(sql);
      await trx.raw(`RELEASE SAVEPOINT s${i}`);
    } catch (error) {
      await trx.raw(`ROLLBACK TO SAVEPOINT s${i}`);
      errors.push(
        `${sql}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return errors;
}

class Rollback extends Error {}

const describePg = connection || required ? describe : describe.skip;

describePg(
  'differential: classifier fails exactly when PostgreSQL rejects the candidate',
  () => {
    const database = `rg_schema_diff_${process.pid}_${Date.now()}`;
    let admin: Knex | undefined;
    let db: Knex | undefined;

    beforeAll(async () => {
      if (!connection) {
        throw new Error(
          'ROLLBACK_GUARD_REQUIRE_POSTGRES is set but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not',
        );
      }
      admin = knexFactory({
        client: 'pg',
        connection,
        pool: { min: 0, max: 1 },
      });
      await admin.raw(`CREATE DATABASE ${quote(database)}`);
      const url = new URL(connection);
      url.pathname = `/${database}`;
      db = knexFactory({
        client: 'pg',
        connection: url.toString(),
        pool: { min: 1, max: 1 },
      });
    });

    afterAll(async () => {
      await db?.destroy();
      if (admin) {
        await admin.raw(
          `DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`,
        );
        await admin.destroy();
      }
    });

    it('has a case for each rule PostgreSQL can show, passes and warnings included', () => {
      expect(CASES.length).toBeGreaterThanOrEqual(15);
      expect(CASES.some(c => c.expect === 'ok')).toBe(true);
    });

    it.each(CASES.map(c => [c.name, c] as const))('%s', async (_name, c) => {
      if (!db) throw new Error('no database');
      let rejected: string[] = [];
      let rejectedBefore: string[] = [];
      await db
        .transaction(async trx => {
          // A fresh schema per case; the whole case is rolled back afterwards.
          await trx.raw(
            'CREATE SCHEMA rg_case; SET LOCAL search_path TO rg_case',
          );
          await trx.raw(c.baseline);
          const statements = await candidateStatements(trx, c.values ?? {});
          // The candidate's statements must work on its own schema.
          await trx.raw('SAVEPOINT before_candidate');
          rejectedBefore = await rejections(trx, statements);
          await trx.raw('ROLLBACK TO SAVEPOINT before_candidate');
          for (const m of c.migrations) await trx.raw(m);
          rejected = await rejections(trx, statements);
          throw new Rollback();
        })
        .catch(error => {
          if (!(error instanceof Rollback)) throw error;
        });

      expect(rejectedBefore).toEqual([]);

      const findings = await classifyMigrations({
        dialect: 'postgresql',
        baseline: [{ name: 'baseline.sql', sql: c.baseline }],
        migrations: c.migrations.map((sql, i) => ({
          name: `${i + 1}.sql`,
          sql,
        })),
      });
      const failed = findings
        .filter(f => f.status === 'fail')
        .map(f => `${f.rule}: ${f.message}`);
      // Both directions; each side's reasons ride along for a disagreement.
      expect({ classifierFails: failed.length > 0, failed, rejected }).toEqual({
        classifierFails: rejected.length > 0,
        failed,
        rejected,
      });
      expect(rejected.length > 0 ? 'fail' : 'ok').toBe(c.expect);
    });
  },
);
