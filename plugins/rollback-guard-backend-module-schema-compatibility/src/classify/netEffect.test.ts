import { classifier, fails, problems, summary } from './__testUtils__/run';

const pg = classifier('postgresql');
const my = classifier('mysql');

const BASE = `
CREATE TABLE orders (id bigserial PRIMARY KEY, note varchar(100), code varchar(10) NOT NULL,
  status text NOT NULL DEFAULT 'new', qty integer NOT NULL);
`;

describe('net effect across files', () => {
  it('add, backfill, then SET NOT NULL in a later file: adding-required-field on the SET NOT NULL', async () => {
    const findings = await pg([
      'ALTER TABLE orders ADD COLUMN region text;',
      "UPDATE orders SET region = 'eu' WHERE region IS NULL;",
      'ALTER TABLE orders ALTER COLUMN region SET NOT NULL;',
    ]);
    expect(summary(findings)).toEqual([
      'warn data-change orders',
      'fail adding-required-field orders.region',
    ]);
    expect(findings[1]).toMatchObject({
      migration: '003.sql',
      statement: 'ALTER TABLE orders ALTER COLUMN region SET NOT NULL',
      message:
        "orders.region is NOT NULL without a default; the candidate's INSERTs do not set it",
    });
  });

  it('the same within one file', async () => {
    const findings = await pg(
      "ALTER TABLE orders ADD COLUMN region text;\nUPDATE orders SET region = 'eu';\nALTER TABLE orders ALTER COLUMN region SET NOT NULL;",
    );
    expect(problems(findings)).toEqual([
      'warn data-change orders',
      'fail adding-required-field orders.region',
    ]);
  });

  it('…but a default set later satisfies the candidate’s INSERTs', async () => {
    expect(
      problems(
        await pg([
          'ALTER TABLE orders ADD COLUMN region text NOT NULL;',
          "ALTER TABLE orders ALTER COLUMN region SET DEFAULT 'eu';",
        ]),
      ),
    ).toEqual([]);
  });

  it('a column added then dropped is nothing', async () => {
    expect(
      await pg([
        'ALTER TABLE orders ADD COLUMN tmp text NOT NULL;',
        'ALTER TABLE orders DROP COLUMN tmp;',
      ]),
    ).toEqual([]);
  });

  it('a table created then dropped is nothing, with its indexes and constraints', async () => {
    expect(
      await pg([
        'CREATE TABLE scratch (id int PRIMARY KEY, v text); CREATE UNIQUE INDEX scratch_v ON scratch (v);',
        "ALTER TABLE scratch ADD CONSTRAINT v_ck CHECK (v <> ''); UPDATE scratch SET v = 'x';",
        'DROP TABLE scratch;',
      ]),
    ).toEqual([]);
  });

  it('a table renamed and a view created under its old name is a warning, not a failure', async () => {
    const findings = await pg([
      'ALTER TABLE orders RENAME TO purchase_orders;',
      'CREATE VIEW orders AS SELECT * FROM purchase_orders;',
    ]);
    expect(summary(findings)).toEqual(['warn renaming-table orders']);
    expect(findings[0].blocking).toBeUndefined();
    expect(findings[0].message).toMatch(/view named orders stands in/);
  });

  it('DROP NOT NULL then SET NOT NULL back is nothing', async () => {
    expect(
      await pg(
        [
          'ALTER TABLE orders ALTER COLUMN qty DROP NOT NULL;',
          'ALTER TABLE orders ALTER COLUMN qty SET NOT NULL;',
        ],
        BASE,
      ),
    ).toEqual([]);
  });

  it('a column renamed and renamed back is nothing; so is a table', async () => {
    expect(
      await pg([
        'ALTER TABLE orders RENAME COLUMN note TO remark;',
        'ALTER TABLE orders RENAME TO o; ALTER TABLE o RENAME remark TO note;',
        'ALTER TABLE o RENAME TO orders;',
      ]),
    ).toEqual([]);
  });

  it('a default dropped and set again is nothing; a type changed and changed back is nothing', async () => {
    expect(
      await pg(
        [
          'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT, ALTER COLUMN code TYPE varchar(5);',
          "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending', ALTER COLUMN code TYPE varchar(10);",
        ],
        BASE,
      ),
    ).toEqual([]);
  });

  it('a constraint or index added then dropped is nothing', async () => {
    expect(
      await pg([
        'ALTER TABLE orders ADD CONSTRAINT code_uk UNIQUE (code); CREATE UNIQUE INDEX orders_qty ON orders (qty);',
        'ALTER TABLE orders DROP CONSTRAINT code_uk; DROP INDEX orders_qty;',
      ]),
    ).toEqual([]);
  });

  it('a renamed column whose old name is taken by a new column: the candidate meets the new one', async () => {
    const findings = await pg(
      [
        'ALTER TABLE orders RENAME COLUMN code TO code_old;',
        'ALTER TABLE orders ADD COLUMN code varchar(10);',
      ],
      BASE,
    );
    // The candidate's code was NOT NULL varchar(10); now it is a nullable one without its values.
    expect(problems(findings)).toEqual([
      'warn ban-drop-column orders.code',
      'warn ban-drop-not-null orders.code',
    ]);
  });

  it('a column dropped and added again keeps failing if the candidate cannot write it', async () => {
    expect(
      problems(
        await pg(
          [
            'ALTER TABLE orders DROP COLUMN note;',
            'ALTER TABLE orders ADD COLUMN note integer NOT NULL;',
          ],
          BASE,
        ),
      ),
    ).toEqual([
      'warn ban-drop-column orders.note',
      'fail changing-column-type orders.note',
      'fail adding-not-nullable-field orders.note',
    ]);
  });

  it('a table dropped and recreated: compared column by column against the baseline', async () => {
    const same = await pg(
      [
        'ALTER TABLE orders RENAME TO orders_old;',
        "CREATE TABLE orders (id bigserial PRIMARY KEY, note varchar(100), code varchar(10) NOT NULL, status text NOT NULL DEFAULT 'new', qty integer NOT NULL, extra text);",
        'INSERT INTO orders SELECT *, NULL FROM orders_old; DROP TABLE orders_old;',
      ],
      BASE,
    );
    // The candidate's table went away (renamed, then dropped); the new one
    // has every column it knew, with the same types and defaults.
    expect(problems(same)).toEqual([
      'warn ban-drop-table orders',
      'warn data-change orders',
    ]);
    const lacking = await pg(
      [
        'DROP TABLE orders;',
        'CREATE TABLE orders (id bigserial PRIMARY KEY, code varchar(10) NOT NULL, qty integer NOT NULL, status text NOT NULL);',
      ],
      BASE,
    );
    expect(problems(lacking)).toEqual([
      'warn ban-drop-table orders',
      'fail ban-drop-column orders.note',
      'fail ban-drop-default orders.status',
    ]);
  });

  it('without a baseline, a recreated table cannot be compared: it fails', async () => {
    expect(
      problems(
        await pg(['DROP TABLE orders;', 'CREATE TABLE orders (id int);']),
      ),
    ).toEqual(['fail ban-drop-table orders']);
  });

  it('IF EXISTS on what the baseline never had is nothing; without a baseline it is assumed to exist', async () => {
    expect(
      await pg(
        'DROP TABLE IF EXISTS ghosts; ALTER TABLE orders DROP COLUMN IF EXISTS ghost;',
        BASE,
      ),
    ).toEqual([]);
    expect(summary(await pg('DROP TABLE IF EXISTS ghosts;'))).toEqual([
      'fail ban-drop-table ghosts',
    ]);
  });

  it('an enum value renamed and renamed back is nothing', async () => {
    expect(
      await pg(
        [
          "ALTER TYPE s RENAME VALUE 'a' TO 'b';",
          "ALTER TYPE s RENAME VALUE 'b' TO 'a';",
        ],
        "CREATE TYPE s AS ENUM ('a');",
      ),
    ).toEqual([]);
  });

  it('findings come in apply order across files', async () => {
    const findings = await pg([
      'DROP TABLE a;',
      'ALTER TABLE b DROP COLUMN c;',
      'ALTER TABLE a2 RENAME TO a3;',
    ]);
    expect(findings.map(f => f.migration)).toEqual([
      '001.sql',
      '002.sql',
      '003.sql',
    ]);
  });

  it('MySQL: add nullable, backfill, MODIFY … NOT NULL', async () => {
    const findings = await my([
      'ALTER TABLE orders ADD COLUMN region VARCHAR(10) NULL;',
      "UPDATE orders SET region = 'eu';",
      'ALTER TABLE orders MODIFY region VARCHAR(10) NOT NULL;',
    ]);
    expect(summary(findings)).toEqual([
      'warn data-change orders',
      'fail adding-required-field orders.region',
    ]);
    expect(findings[1].migration).toBe('003.sql');
  });

  it('MySQL: CHANGE away and back is nothing; add then drop is nothing', async () => {
    expect(
      await my(
        [
          'ALTER TABLE orders CHANGE note remark VARCHAR(100) NULL;',
          'ALTER TABLE orders CHANGE remark note VARCHAR(100) NULL, ADD COLUMN tmp INT NOT NULL;',
          'ALTER TABLE orders DROP COLUMN tmp;',
        ],
        'CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(100) NULL);',
      ),
    ).toEqual([]);
  });
});

describe('baseline-informed type changes', () => {
  const baseline =
    'CREATE TABLE t (a varchar(10) NOT NULL, b varchar(100) NOT NULL, c int NOT NULL, d numeric(12,2), e bigint);';

  it('widenings warn, narrowings fail, in one statement', async () => {
    const findings = await pg(
      'ALTER TABLE t ALTER COLUMN a TYPE varchar(100), ALTER COLUMN b TYPE varchar(10), ALTER COLUMN c TYPE bigint, ALTER COLUMN d TYPE numeric(8,2), ALTER COLUMN e TYPE numeric(30,0);',
      baseline,
    );
    expect(summary(findings)).toEqual([
      'warn changing-column-type t.a',
      'fail changing-column-type t.b',
      'warn changing-column-type t.c',
      'fail changing-column-type t.d',
      'warn changing-column-type t.e',
    ]);
    expect(findings[1].message).toBe(
      't.b changed type from varchar(100) to varchar(10): values longer than 10 characters no longer fit',
    );
  });

  it('net type: widened then narrowed below the original fails once, on the last change', async () => {
    const findings = await pg(
      [
        'ALTER TABLE t ALTER COLUMN b TYPE text;',
        'ALTER TABLE t ALTER COLUMN b TYPE varchar(50);',
      ],
      baseline,
    );
    expect(summary(findings)).toEqual(['fail changing-column-type t.b']);
    expect(findings[0].migration).toBe('002.sql');
    expect(fails(findings)).toHaveLength(1);
  });
});
