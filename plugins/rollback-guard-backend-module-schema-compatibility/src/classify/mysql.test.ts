import { classifyMigrations } from './classify';
import { classifier, problems, summary } from './__testUtils__/run';

const my = classifier('mysql');

const BASE = `
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  note VARCHAR(100) NULL,
  code VARCHAR(10) NOT NULL,
  legacy_ref TEXT,
  status VARCHAR(10) NOT NULL DEFAULT 'new',
  state ENUM('new','shipped','done') NOT NULL DEFAULT 'new',
  qty INT NOT NULL,
  paid BOOLEAN NOT NULL DEFAULT FALSE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE customers (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL);
`;

describe('MySQL rules, each alone', () => {
  it('ban-drop-table', async () => {
    const [f] = await my('DROP TABLE IF EXISTS `orders`;');
    expect(f).toMatchObject({
      rule: 'ban-drop-table',
      status: 'fail',
      blocking: true,
      atlas: 'DS102',
      message: 'orders was dropped',
      statement: 'DROP TABLE IF EXISTS `orders`',
    });
  });

  it('ban-drop-table for a view the candidate knew', async () => {
    expect((await my('DROP VIEW order_totals;'))[0].message).toBe(
      'view order_totals was dropped',
    );
  });

  it('ban-drop-column', async () => {
    const [f] = await my('ALTER TABLE orders DROP COLUMN legacy_ref;');
    expect(f).toMatchObject({
      rule: 'ban-drop-column',
      status: 'fail',
      blocking: true,
      atlas: 'DS103',
      message: 'orders.legacy_ref was dropped',
    });
  });

  it('renaming-table: RENAME TABLE and ALTER TABLE … RENAME TO', async () => {
    expect(
      summary(
        await my([
          'RENAME TABLE orders TO purchase_orders, customers TO clients;',
          'ALTER TABLE items RENAME TO line_items;',
        ]),
      ),
    ).toEqual([
      'fail renaming-table orders',
      'fail renaming-table customers',
      'fail renaming-table items',
    ]);
  });

  it('renaming-column: RENAME COLUMN, and CHANGE with a new name', async () => {
    const findings = await my(
      [
        'ALTER TABLE orders RENAME COLUMN note TO remark;',
        'ALTER TABLE customers CHANGE name full_name VARCHAR(255) NOT NULL;',
      ],
      BASE,
    );
    expect(summary(findings)).toEqual([
      'fail renaming-column orders.note',
      'fail renaming-column customers.name',
    ]);
    expect(findings[1].message).toBe('customers.name was renamed to full_name');
  });

  it('CHANGE keeping the name is a redefinition, not a rename', async () => {
    expect(
      summary(
        await my(
          'ALTER TABLE orders CHANGE code code VARCHAR(20) NOT NULL;',
          BASE,
        ),
      ),
    ).toEqual(['warn changing-column-type orders.code']);
  });

  it('ban-drop-schema: DROP DATABASE and DROP SCHEMA', async () => {
    expect(
      summary(
        await my(['DROP DATABASE legacy;', 'DROP SCHEMA IF EXISTS archive;']),
      ),
    ).toEqual([
      'fail ban-drop-schema schema legacy',
      'fail ban-drop-schema schema archive',
    ]);
  });

  it('ban-drop-enum-value: MODIFY … ENUM losing a value', async () => {
    const [f] = await my(
      "ALTER TABLE orders MODIFY state ENUM('new','done') NOT NULL DEFAULT 'new';",
      BASE,
    );
    expect(f).toMatchObject({
      rule: 'ban-drop-enum-value',
      status: 'fail',
      blocking: true,
      object: 'orders.state',
    });
    expect(f.message).toMatch(/'shipped' no longer allowed/);
  });

  it('adding-enum-value: MODIFY … ENUM gaining a value', async () => {
    expect(
      summary(
        await my(
          "ALTER TABLE orders MODIFY state ENUM('new','shipped','done','refunded') NOT NULL DEFAULT 'new';",
          BASE,
        ),
      ),
    ).toEqual(['warn adding-enum-value orders.state']);
  });

  it('adding-required-field', async () => {
    const [f] = await my(
      'ALTER TABLE orders ADD COLUMN region VARCHAR(10) NOT NULL AFTER code;',
    );
    expect(f).toMatchObject({
      rule: 'adding-required-field',
      status: 'fail',
      atlas: 'MF103',
      message:
        "orders.region is NOT NULL without a default; the candidate's INSERTs do not set it",
    });
  });

  it('adding-not-nullable-field: MODIFY … NOT NULL on a nullable column', async () => {
    expect(
      summary(
        await my('ALTER TABLE orders MODIFY note VARCHAR(100) NOT NULL;', BASE),
      ),
    ).toEqual(['fail adding-not-nullable-field orders.note']);
  });

  it.each([
    ['VARCHAR(100) → VARCHAR(10)', 'MODIFY note VARCHAR(10) NULL', 'fail'],
    ['BIGINT → INT', 'MODIFY customer_id INT NOT NULL', 'fail'],
    [
      'DECIMAL(12,2) → DECIMAL(8,2)',
      'MODIFY amount DECIMAL(8,2) NOT NULL',
      'fail',
    ],
    ['TEXT → INT', 'MODIFY COLUMN legacy_ref INT', 'fail'],
    ['VARCHAR(10) → VARCHAR(100)', 'MODIFY code VARCHAR(100) NOT NULL', 'warn'],
    ['VARCHAR(10) → TEXT', 'MODIFY code TEXT NOT NULL', 'warn'],
    ['INT → BIGINT', 'MODIFY qty BIGINT NOT NULL', 'warn'],
  ])(
    'changing-column-type with a baseline: %s is %s',
    async (_name, change, status) => {
      expect(summary(await my(`ALTER TABLE orders ${change};`, BASE))).toEqual([
        expect.stringMatching(
          new RegExp(`^${status} changing-column-type orders\\.`),
        ),
      ]);
    },
  );

  it('changing-column-type without a baseline fails and says so', async () => {
    const [f] = await my('ALTER TABLE orders MODIFY code VARCHAR(100) NULL;');
    expect(f).toMatchObject({ rule: 'changing-column-type', status: 'fail' });
    expect(f.message).toMatch(/old type is not known/);
  });

  it('ban-drop-default: ALTER COLUMN … DROP DEFAULT (beyond the grammar) and MODIFY without DEFAULT', async () => {
    expect(
      summary(
        await my('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;', BASE),
      ),
    ).toEqual(['fail ban-drop-default orders.status']);
    expect(
      summary(
        await my(
          'ALTER TABLE orders MODIFY status VARCHAR(10) NOT NULL;',
          BASE,
        ),
      ),
    ).toEqual(['fail ban-drop-default orders.status']);
    // Setting a default harms nobody.
    expect(
      await my(
        "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'n/a', ALGORITHM=INSTANT;",
        BASE,
      ),
    ).toEqual([]);
  });

  it('ban-drop-not-null: MODIFY making the column nullable', async () => {
    expect(
      summary(
        await my('ALTER TABLE orders MODIFY code VARCHAR(10) NULL;', BASE),
      ),
    ).toEqual(['warn ban-drop-not-null orders.code']);
  });

  it('adding-unique-constraint, adding-check-constraint, adding-foreign-key-constraint', async () => {
    const findings = await my(`
      ALTER TABLE orders ADD UNIQUE KEY orders_code_uk (code);
      CREATE UNIQUE INDEX customers_name_uk ON customers (name);
      ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0);
      ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);`);
    expect(summary(findings)).toEqual([
      'warn adding-unique-constraint orders',
      'warn adding-unique-constraint customers',
      'warn adding-check-constraint orders',
      'warn adding-foreign-key-constraint orders',
    ]);
  });

  it('data-change', async () => {
    expect(
      summary(
        await my(
          "UPDATE orders SET status = 'done'; DELETE FROM orders; INSERT INTO orders (qty) SELECT 1 FROM dual; TRUNCATE TABLE customers; INSERT INTO customers VALUES (1, 'a');",
        ),
      ),
    ).toEqual([
      'warn data-change orders',
      'warn data-change orders',
      'warn data-change orders',
      'warn data-change customers',
      'pass data-change customers',
    ]);
  });

  it('passes for additive changes', async () => {
    const findings = await my(`
      CREATE TABLE audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, ok BOOL NOT NULL DEFAULT TRUE);
      ALTER TABLE orders ADD COLUMN region VARCHAR(10) NULL, ADD COLUMN source VARCHAR(10) NOT NULL DEFAULT 'web';
      CREATE INDEX orders_region_idx ON orders (region);
      ALTER TABLE orders ADD INDEX orders_source_idx (source);
      CREATE OR REPLACE ALGORITHM=MERGE VIEW open_orders AS SELECT * FROM orders;
      CREATE DATABASE IF NOT EXISTS reporting;`);
    expect(summary(findings)).toEqual([
      'pass adding-table audit',
      'pass adding-nullable-field orders.region',
      'pass adding-field-with-default orders.source',
      'pass adding-index orders',
      'pass adding-index orders',
      'pass adding-view open_orders',
      'pass adding-schema schema reporting',
    ]);
  });
});

describe('MySQL syntax coverage', () => {
  it('several actions in one ALTER TABLE, backticks and database-qualified names', async () => {
    const findings = await my(
      "ALTER TABLE `shop`.`Orders` ADD COLUMN `region` VARCHAR(10) NOT NULL DEFAULT 'eu', DROP COLUMN `legacy_ref`, MODIFY `note` VARCHAR(10), DROP INDEX `idx_note`, ADD INDEX idx_region (region);",
    );
    expect(summary(findings)).toEqual([
      'pass adding-field-with-default shop.orders.region',
      'fail ban-drop-column shop.orders.legacy_ref',
      'fail changing-column-type shop.orders.note',
      'pass dropping-index shop.orders',
      'pass adding-index shop.orders',
    ]);
  });

  it('reads ALTER TABLE parts the grammar lacks, one by one', async () => {
    const findings = await my(
      'ALTER TABLE orders ALTER status DROP DEFAULT, RENAME INDEX a TO b, DROP COLUMN legacy_ref, LOCK=NONE;',
      BASE,
    );
    expect(problems(findings)).toEqual([
      'fail ban-drop-default orders.status',
      'fail ban-drop-column orders.legacy_ref',
    ]);
  });

  it('ignores session settings, reads, locks, grants and executable-comment settings', async () => {
    expect(
      await my(
        "/*!40101 SET NAMES utf8mb4 */; SET FOREIGN_KEY_CHECKS=0; USE shop; START TRANSACTION; SELECT 1; LOCK TABLES orders WRITE; UNLOCK TABLES; GRANT SELECT ON shop.* TO 'app'@'%'; ANALYZE TABLE orders; COMMIT;",
      ),
    ).toEqual([]);
  });
});

describe('MySQL: what is not understood is unknown, never a throw', () => {
  it('triggers and procedures, with and without DELIMITER, CALL and PREPARE', async () => {
    const findings = await my(`DELIMITER $$
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW
BEGIN
  IF NEW.qty < 0 THEN SET NEW.qty = 0; END IF;
END$$
DELIMITER ;
CREATE PROCEDURE cleanup() BEGIN DELETE FROM orders; ALTER TABLE orders DROP COLUMN x; END;
CALL cleanup();
PREPARE s FROM 'ALTER TABLE orders DROP COLUMN y';
EXECUTE s;
DROP TABLE customers;`);
    expect(summary(findings)).toEqual([
      'unknown unsupported-statement',
      'unknown unsupported-statement',
      'unknown unsupported-statement',
      'unknown unsupported-statement',
      'unknown unsupported-statement',
      'fail ban-drop-table customers',
    ]);
  });

  it('an unparseable statement is unknown with its migration; the others are classified', async () => {
    const findings = await classifyMigrations({
      dialect: 'mysql',
      migrations: [
        {
          name: 'V2__broken.sql',
          sql: 'ALTER TABLE orders DROP COLUMN a; FROB THE TABLE; ALTER TABLE orders DROP COLUMN b;',
        },
      ],
    });
    expect(summary(findings)).toEqual([
      'fail ban-drop-column orders.a',
      'unknown unparsed-statement',
      'fail ban-drop-column orders.b',
    ]);
    expect(findings[1]).toMatchObject({
      migration: 'V2__broken.sql',
      statement: 'FROB THE TABLE',
    });
  });
});
