import { classifyMigrations } from './classify';
import { classifier, fails, problems, summary } from './__testUtils__/run';

const pg = classifier('postgresql');

const BASE = `
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  amount numeric(12,2) NOT NULL,
  note varchar(100),
  code varchar(10) NOT NULL,
  legacy_ref text,
  status text NOT NULL DEFAULT 'new',
  label text DEFAULT 'x',
  qty integer NOT NULL
);
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TYPE order_status AS ENUM ('new', 'shipped', 'done');
`;

describe('PostgreSQL rules, each alone', () => {
  it('ban-drop-table: a table the candidate knew is dropped', async () => {
    const [f] = await pg('DROP TABLE orders;');
    expect(f).toEqual({
      rule: 'ban-drop-table',
      status: 'fail',
      blocking: true,
      atlas: 'DS102',
      migration: '001.sql',
      statement: 'DROP TABLE orders',
      message: 'orders was dropped',
      object: 'orders',
    });
  });

  it('ban-drop-table: several tables at once, with CASCADE', async () => {
    expect(
      summary(
        await pg('DROP TABLE IF EXISTS orders, billing.invoices CASCADE;'),
      ),
    ).toEqual([
      'fail ban-drop-table orders',
      'fail ban-drop-table billing.invoices',
    ]);
  });

  it('ban-drop-table: views and materialized views the candidate knew', async () => {
    const findings = await pg(
      'DROP VIEW order_totals; DROP MATERIALIZED VIEW daily;',
    );
    expect(summary(findings)).toEqual([
      'fail ban-drop-table order_totals',
      'fail ban-drop-table daily',
    ]);
    expect(findings[0].message).toBe('view order_totals was dropped');
  });

  it('ban-drop-column', async () => {
    const [f] = await pg('ALTER TABLE orders DROP COLUMN legacy_ref;');
    expect(f).toMatchObject({
      rule: 'ban-drop-column',
      status: 'fail',
      blocking: true,
      atlas: 'DS103',
      message: 'orders.legacy_ref was dropped',
      object: 'orders.legacy_ref',
    });
  });

  it('renaming-table', async () => {
    const [f] = await pg('ALTER TABLE orders RENAME TO purchase_orders;');
    expect(f).toMatchObject({
      rule: 'renaming-table',
      status: 'fail',
      blocking: true,
      atlas: 'BC101',
      message: 'orders was renamed to purchase_orders',
    });
  });

  it('renaming-table: SET SCHEMA moves the table out of the candidate’s sight', async () => {
    const [f] = await pg('ALTER TABLE billing.invoices SET SCHEMA archive;');
    expect(f).toMatchObject({
      rule: 'renaming-table',
      status: 'fail',
      object: 'billing.invoices',
    });
    expect(f.message).toMatch(/moved to schema archive/);
  });

  it('renaming-column, with and without the COLUMN keyword', async () => {
    expect(
      summary(
        await pg([
          'ALTER TABLE orders RENAME COLUMN note TO remark;',
          'ALTER TABLE customers RENAME name TO full_name;',
        ]),
      ),
    ).toEqual([
      'fail renaming-column orders.note',
      'fail renaming-column customers.name',
    ]);
  });

  it('ban-drop-schema', async () => {
    const [f] = await pg('DROP SCHEMA billing CASCADE;');
    expect(f).toMatchObject({
      rule: 'ban-drop-schema',
      status: 'fail',
      blocking: true,
      atlas: 'DS101',
      object: 'schema billing',
    });
  });

  it('ban-drop-schema reports the schema once, not each table in it', async () => {
    const findings = await pg(
      'CREATE TABLE billing.invoices (id int);',
      'CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); CREATE TABLE billing.lines (id int);',
    );
    expect(findings).toHaveLength(0);
    expect(
      summary(
        await pg(
          'DROP SCHEMA billing CASCADE;',
          'CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int);',
        ),
      ),
    ).toEqual(['fail ban-drop-schema schema billing']);
  });

  it('renaming-schema', async () => {
    const [f] = await pg('ALTER SCHEMA billing RENAME TO accounts;');
    expect(f).toMatchObject({
      rule: 'renaming-schema',
      status: 'fail',
      blocking: true,
      message: expect.stringMatching(/billing was renamed to accounts/),
    });
  });

  it('renaming-enum-value', async () => {
    const [f] = await pg(
      "ALTER TYPE order_status RENAME VALUE 'shipped' TO 'sent';",
    );
    expect(f).toMatchObject({
      rule: 'renaming-enum-value',
      status: 'fail',
      blocking: true,
      object: 'type order_status',
    });
  });

  it('ban-drop-enum-value: the type recreated without a value, reported once', async () => {
    const findings = await pg(
      `ALTER TYPE order_status RENAME TO order_status_old;
       CREATE TYPE order_status AS ENUM ('new', 'done');
       ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
       ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::text::order_status;
       ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
       DROP TYPE order_status_old;`,
      `${BASE} ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
       ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;
       ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';`,
    );
    expect(problems(findings)).toEqual([
      'fail ban-drop-enum-value type order_status',
    ]);
    expect(findings[0].message).toMatch(/without 'shipped'/);
    expect(findings[0].statement).toMatch(/^CREATE TYPE order_status/);
  });

  it('ban-drop-enum-value: Prisma’s enum swap without a baseline is one failure', async () => {
    const findings = await pg(`-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;`);
    expect(problems(findings)).toEqual(['fail ban-drop-enum-value type Role']);
  });

  it('adding-enum-value', async () => {
    const [f] = await pg(
      "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'done';",
    );
    expect(f).toMatchObject({
      rule: 'adding-enum-value',
      status: 'warn',
      message: expect.stringMatching(/'refunded'/),
    });
  });

  it('adding-required-field', async () => {
    const [f] = await pg('ALTER TABLE orders ADD COLUMN region text NOT NULL;');
    expect(f).toEqual({
      rule: 'adding-required-field',
      status: 'fail',
      atlas: 'MF103',
      migration: '001.sql',
      statement: 'ALTER TABLE orders ADD COLUMN region text NOT NULL',
      message:
        "orders.region is NOT NULL without a default; the candidate's INSERTs do not set it",
      object: 'orders.region',
    });
  });

  it('adding-not-nullable-field', async () => {
    const [f] = await pg(
      'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;',
      BASE,
    );
    expect(f).toMatchObject({
      rule: 'adding-not-nullable-field',
      status: 'fail',
      atlas: 'MF104',
      object: 'orders.note',
    });
    expect(f.blocking).toBeUndefined();
  });

  it('adding-not-nullable-field without a baseline, and nothing when it already was NOT NULL', async () => {
    expect(
      summary(await pg('ALTER TABLE orders ALTER COLUMN note SET NOT NULL;')),
    ).toEqual(['fail adding-not-nullable-field orders.note']);
    expect(
      await pg('ALTER TABLE orders ALTER COLUMN qty SET NOT NULL;', BASE),
    ).toEqual([]);
  });

  it.each([
    ['text → varchar(n)', 'legacy_ref TYPE varchar(20)', 'fail'],
    ['varchar(100) → varchar(10)', 'note TYPE varchar(10)', 'fail'],
    ['bigint → int', 'customer_id TYPE int', 'fail'],
    ['numeric(12,2) → numeric(8,2)', 'amount TYPE numeric(8,2)', 'fail'],
    [
      'text → integer',
      'legacy_ref SET DATA TYPE integer USING legacy_ref::integer',
      'fail',
    ],
    ['integer → date', 'qty TYPE date USING now()', 'fail'],
    ['varchar(10) → varchar(100)', 'code TYPE varchar(100)', 'warn'],
    ['varchar(10) → text', 'code TYPE text', 'warn'],
    ['int → bigint', 'qty TYPE bigint', 'warn'],
    ['numeric(12,2) → numeric(16,2)', 'amount TYPE numeric(16,2)', 'warn'],
  ])(
    'changing-column-type with a baseline: %s is %s',
    async (_name, change, status) => {
      const findings = await pg(
        `ALTER TABLE orders ALTER COLUMN ${change};`,
        BASE,
      );
      expect(summary(findings)).toEqual([
        expect.stringMatching(
          new RegExp(`^${status} changing-column-type orders\\.`),
        ),
      ]);
    },
  );

  it('changing-column-type: timestamptz → date narrows', async () => {
    const findings = await pg(
      'ALTER TABLE events ALTER COLUMN at TYPE date;',
      'CREATE TABLE events (at timestamptz NOT NULL);',
    );
    expect(summary(findings)).toEqual(['fail changing-column-type events.at']);
    expect(findings[0].message).toMatch(
      /from timestamptz to date: the time of day is lost/,
    );
  });

  it('changing-column-type without a baseline fails and says the old type is unknown', async () => {
    const [f] = await pg(
      'ALTER TABLE orders ALTER COLUMN code TYPE varchar(100);',
    );
    expect(f).toMatchObject({ rule: 'changing-column-type', status: 'fail' });
    expect(f.message).toMatch(/old type is not known/);
  });

  it('ban-drop-default: NOT NULL with a default at the candidate', async () => {
    const [f] = await pg(
      'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;',
      BASE,
    );
    expect(f).toMatchObject({
      rule: 'ban-drop-default',
      status: 'fail',
      object: 'orders.status',
    });
    expect(f.message).toMatch(/relied on/);
  });

  it('ban-drop-default on a nullable column only warns', async () => {
    expect(
      summary(
        await pg('ALTER TABLE orders ALTER COLUMN label DROP DEFAULT;', BASE),
      ),
    ).toEqual(['warn ban-drop-default orders.label']);
  });

  it('adding-unique-constraint: constraint or unique index', async () => {
    const findings = await pg([
      'ALTER TABLE customers ADD CONSTRAINT customers_name_key UNIQUE (name);',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_code_idx ON orders (code);',
    ]);
    expect(summary(findings)).toEqual([
      'warn adding-unique-constraint customers',
      'warn adding-unique-constraint orders',
    ]);
    expect(findings.every(f => f.atlas === 'MF101')).toBe(true);
  });

  it('adding-check-constraint, NOT VALID too', async () => {
    const [f] = await pg(
      'ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID;',
    );
    expect(f).toMatchObject({
      rule: 'adding-check-constraint',
      status: 'warn',
    });
    expect(f.message).toMatch(/NOT VALID/);
  });

  it('adding-foreign-key-constraint', async () => {
    const [f] = await pg(
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
    );
    expect(f).toMatchObject({
      rule: 'adding-foreign-key-constraint',
      status: 'warn',
      object: 'orders',
    });
  });

  it('ban-drop-not-null', async () => {
    const [f] = await pg('ALTER TABLE orders ALTER COLUMN qty DROP NOT NULL;');
    expect(f).toMatchObject({
      rule: 'ban-drop-not-null',
      status: 'warn',
      object: 'orders.qty',
    });
  });

  it('data-change: UPDATE, DELETE, INSERT … SELECT and TRUNCATE warn; seed rows pass', async () => {
    const findings = await pg(`
      UPDATE orders SET status = 'done';
      DELETE FROM orders WHERE qty = 0;
      INSERT INTO orders (qty) SELECT qty FROM old_orders;
      TRUNCATE customers;
      INSERT INTO customers (id, name) VALUES (1, 'a');`);
    expect(summary(findings)).toEqual([
      'warn data-change orders',
      'warn data-change orders',
      'warn data-change orders',
      'warn data-change customers',
      'pass data-change customers',
    ]);
  });

  it('passes for additive changes', async () => {
    const findings = await pg(`
      CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
      ALTER TABLE orders ADD COLUMN region text;
      ALTER TABLE orders ADD COLUMN source text NOT NULL DEFAULT 'web';
      ALTER TABLE orders ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();
      ALTER TABLE orders ADD COLUMN seq bigserial;
      ALTER TABLE orders ADD COLUMN ident int GENERATED ALWAYS AS IDENTITY;
      CREATE INDEX CONCURRENTLY orders_region_idx ON orders (region);
      CREATE SEQUENCE invoice_numbers;
      CREATE OR REPLACE VIEW open_orders AS SELECT * FROM orders WHERE status = 'new';
      CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE TABLE summary AS SELECT 1 AS n;
      CREATE SCHEMA reporting;`);
    expect(summary(findings)).toEqual([
      'pass adding-table audit',
      'pass adding-nullable-field orders.region',
      'pass adding-field-with-default orders.source',
      'pass adding-field-with-default orders.uid',
      'pass adding-field-with-default orders.seq',
      'pass adding-field-with-default orders.ident',
      'pass adding-index orders',
      'pass adding-sequence sequence invoice_numbers',
      'pass adding-view open_orders',
      'pass adding-type type mood',
      'pass adding-table summary',
      'pass adding-schema schema reporting',
    ]);
  });

  it('ban-alter-identity: an existing column becomes GENERATED ALWAYS', async () => {
    expect(
      summary(
        await pg(
          'ALTER TABLE orders ALTER COLUMN qty ADD GENERATED ALWAYS AS IDENTITY;',
          BASE,
        ),
      ),
    ).toEqual(['fail ban-alter-identity orders.qty']);
  });
});

describe('PostgreSQL syntax coverage', () => {
  it('reads several subcommands in one ALTER TABLE IF EXISTS ONLY', async () => {
    const findings = await pg(
      `ALTER TABLE IF EXISTS ONLY public.orders
         ADD COLUMN IF NOT EXISTS region text,
         DROP COLUMN legacy_ref CASCADE,
         ALTER COLUMN note SET NOT NULL,
         ALTER COLUMN code SET DATA TYPE varchar(5),
         ALTER COLUMN label SET DEFAULT 'y',
         ADD CONSTRAINT qty_positive CHECK (qty > 0);`,
      BASE,
    );
    expect(summary(findings)).toEqual([
      'pass adding-nullable-field orders.region',
      'fail ban-drop-column orders.legacy_ref',
      'fail adding-not-nullable-field orders.note',
      'fail changing-column-type orders.code',
      'warn adding-check-constraint orders',
    ]);
    expect(new Set(findings.map(f => f.statement)).size).toBe(1);
  });

  it('treats quoted names as exact and unquoted ones as lower case', async () => {
    expect(
      summary(
        await pg('ALTER TABLE "Billing"."Invoices" DROP COLUMN "LegacyRef";'),
      ),
    ).toEqual(['fail ban-drop-column Billing.Invoices.LegacyRef']);
    expect(
      summary(
        await pg(
          'ALTER TABLE ORDERS DROP COLUMN Legacy_Ref;',
          'CREATE TABLE Orders (legacy_REF text);',
        ),
      ),
    ).toEqual(['fail ban-drop-column orders.legacy_ref']);
    // "Orders" is not orders, and the baseline says it never existed.
    expect(await pg('DROP TABLE IF EXISTS "Orders";', BASE)).toEqual([]);
    expect(summary(await pg('DROP TABLE public.orders;', BASE))).toEqual([
      'fail ban-drop-table orders',
    ]);
  });

  it('follows SET search_path and CREATE SCHEMA elements', async () => {
    expect(
      summary(
        await pg('SET search_path TO billing, public; DROP TABLE invoices;'),
      ),
    ).toEqual(['fail ban-drop-table billing.invoices']);
    expect(
      summary(
        await pg(
          'CREATE SCHEMA app CREATE TABLE t (id int) CREATE VIEW v AS SELECT id FROM t;',
        ),
      ),
    ).toEqual([
      'pass adding-schema schema app',
      'pass adding-table app.t',
      'pass adding-view app.v',
    ]);
  });

  it('ignores transaction control, settings, reads, comments, grants and statistics', async () => {
    expect(
      await pg(`BEGIN; SET lock_timeout = '1s'; SELECT 1; COMMENT ON TABLE orders IS 'x';
                GRANT SELECT ON orders TO app; ANALYZE orders; VACUUM orders; COMMIT;`),
    ).toEqual([]);
  });

  it('drops of indexes and constraints: unique ones warn, others pass', async () => {
    const findings = await pg(
      'DROP INDEX CONCURRENTLY orders_code_key; DROP INDEX orders_note_idx; ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;',
      `${BASE} CREATE UNIQUE INDEX orders_code_key ON orders (code); CREATE INDEX orders_note_idx ON orders (note);
       ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);`,
    );
    expect(summary(findings)).toEqual([
      'warn ban-drop-constraint orders',
      'pass dropping-index orders',
      'pass ban-drop-constraint orders',
    ]);
  });

  it('a primary key makes its columns NOT NULL: a failure only if the candidate knew them nullable', async () => {
    expect(summary(await pg('ALTER TABLE t ADD PRIMARY KEY (id);'))).toEqual([
      'warn adding-unique-constraint t',
    ]);
    expect(
      summary(
        await pg(
          'ALTER TABLE t ADD PRIMARY KEY (id);',
          'CREATE TABLE t (id int);',
        ),
      ),
    ).toEqual([
      'fail adding-not-nullable-field t.id',
      'warn adding-unique-constraint t',
    ]);
  });

  it('COPY inline data is skipped; attaching partitions changes the rows seen', async () => {
    expect(
      summary(
        await pg(
          "COPY billing.t FROM stdin;\n1\tx\n\\.\nALTER TABLE billing.t ATTACH PARTITION billing.p FOR VALUES IN ('a');",
        ),
      ),
    ).toEqual(['warn data-change billing.t', 'warn data-change billing.t']);
  });

  it('enables of row-level security warn', async () => {
    expect(
      summary(await pg('ALTER TABLE orders ENABLE ROW LEVEL SECURITY;')),
    ).toEqual(['warn row-level-security orders']);
  });
});

describe('PostgreSQL: what is not understood is unknown, never a pass, never a throw', () => {
  it('an unparseable statement names its migration; the rest is still classified', async () => {
    const findings = await classifyMigrations({
      dialect: 'postgresql',
      migrations: [
        {
          name: '20240101_broken.sql',
          sql: 'ALTER TABLE orders DROP COLUMN a;\nALTER TABLE orders ADD COLUMN;\nALTER TABLE orders DROP COLUMN b;',
        },
      ],
    });
    expect(summary(findings)).toEqual([
      'fail ban-drop-column orders.a',
      'unknown unparsed-statement',
      'fail ban-drop-column orders.b',
    ]);
    expect(findings[1]).toMatchObject({
      migration: '20240101_broken.sql',
      statement: 'ALTER TABLE orders ADD COLUMN',
      message: expect.stringMatching(/could not be parsed/),
    });
  });

  it('DO blocks, functions, procedures, triggers, rules and dynamic SQL are unknown', async () => {
    const findings = await pg(`
      DO $$ BEGIN EXECUTE 'ALTER TABLE orders DROP COLUMN note'; END $$;
      CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN DELETE FROM orders; RETURN NEW; END $fn$;
      CREATE PROCEDURE p() LANGUAGE sql AS $$ DROP TABLE orders $$;
      CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();
      CREATE RULE r AS ON DELETE TO orders DO INSTEAD NOTHING;
      PREPARE q AS SELECT 1; EXECUTE q;
      CALL p();`);
    expect(findings.map(f => f.status)).toEqual(Array(8).fill('unknown'));
    expect(new Set(findings.map(f => f.rule))).toEqual(
      new Set(['unsupported-statement']),
    );
    expect(findings[0].statement).toMatch(/^DO \$\$/);
  });

  it('psql meta-commands: settings are ignored, the others are unknown', async () => {
    const findings = await pg(
      '\\set ON_ERROR_STOP on\n\\i other.sql\nALTER TABLE t DROP COLUMN c;',
    );
    expect(summary(findings)).toEqual([
      'unknown unsupported-statement',
      'fail ban-drop-column t.c',
    ]);
    expect(findings[0].statement).toBe('\\i other.sql');
  });

  it('garbage, empty input and odd input do not throw', async () => {
    await expect(pg('\u0000 ;;; $$ unterminated')).resolves.toEqual([
      expect.objectContaining({
        status: 'unknown',
        rule: 'unparsed-statement',
      }),
    ]);
    await expect(pg('')).resolves.toEqual([]);
    await expect(pg('-- only a comment')).resolves.toEqual([]);
    await expect(
      classifyMigrations({
        dialect: 'postgresql',
        migrations: [{ name: 'x', sql: undefined as unknown as string }],
      }),
    ).resolves.toEqual([]);
  });

  it('a baseline that does not parse only informs less', async () => {
    expect(
      fails(
        await pg(
          'ALTER TABLE orders DROP COLUMN a;',
          'CREATE TABLE orders (a int; garbage',
        ),
      ),
    ).toHaveLength(1);
  });
});
