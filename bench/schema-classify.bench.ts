/*
 * Schema classification benchmark: 1,000 mixed DDL and data statements over
 * 100 migration files (a deterministic generator), classified as PostgreSQL
 * and as MySQL; the median of several runs after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { percentile, print } from './util';
import {
  classifyMigrations,
  SchemaDialect,
} from '../plugins/rollback-guard-backend-module-schema-compatibility/src/classify';

const FILES = 100;
const PER_FILE = 10;
const RUNS = 7;
const AIM_MS = 1000;

/** A small linear congruential generator: the same migrations every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

type Templates = Record<string, (t: string, c: string, i: number) => string>;

const POSTGRES: Templates = {
  createTable: (t, _c, i) =>
    `CREATE TABLE IF NOT EXISTS ${t}_${i} (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL DEFAULT now())`,
  addNullable: (t, c, i) => `ALTER TABLE ${t} ADD COLUMN ${c}_${i} text`,
  addDefault: (t, c, i) =>
    `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c}_${i} integer NOT NULL DEFAULT 0`,
  addRequired: (t, c, i) =>
    `ALTER TABLE ONLY public.${t} ADD COLUMN ${c}_${i} uuid NOT NULL`,
  dropColumn: (t, c) => `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${c}`,
  renameColumn: (t, c, i) => `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${c}_${i}`,
  alterType: (t, c) =>
    `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE varchar(50) USING ${c}::varchar(50)`,
  setNotNull: (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`,
  dropDefault: (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`,
  multi: (t, c, i) =>
    `ALTER TABLE ${t} ADD COLUMN ${c}_m${i} text, ALTER COLUMN ${c} DROP NOT NULL, ALTER COLUMN ${c} SET DEFAULT 'x'`,
  unique: (t, c, i) =>
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_${i}_key UNIQUE (${c})`,
  check: (t, c, i) =>
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${i}_check CHECK (${c} IS NOT NULL) NOT VALID`,
  foreignKey: (t, c, i) =>
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${i}_fkey FOREIGN KEY (${c}) REFERENCES customers (id)`,
  index: (t, c, i) =>
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_${i}_idx ON ${t} (${c})`,
  uniqueIndex: (t, c, i) =>
    `CREATE UNIQUE INDEX ${t}_${c}_${i}_uidx ON ${t} (${c}) WHERE ${c} IS NOT NULL`,
  dropIndex: (t, c, i) => `DROP INDEX IF EXISTS ${t}_${c}_${i}_idx`,
  renameTable: (t, _c, i) =>
    `ALTER TABLE IF EXISTS ${t}_${i} RENAME TO ${t}_${i}_renamed`,
  dropTable: (t, _c, i) => `DROP TABLE IF EXISTS ${t}_${i} CASCADE`,
  view: (t, _c, i) => `CREATE OR REPLACE VIEW ${t}_v${i} AS SELECT * FROM ${t}`,
  enumType: (t, _c, i) => `CREATE TYPE ${t}_kind_${i} AS ENUM ('a', 'b', 'c')`,
  update: (t, c) => `UPDATE ${t} SET ${c} = 'backfilled' WHERE ${c} IS NULL`,
  insert: (t, _c, i) => `INSERT INTO ${t} (id) VALUES (${i})`,
  comment: (t, c) =>
    `COMMENT ON COLUMN ${t}.${c} IS 'checked -- by the bench; really'`,
  doBlock: (t, _c, i) =>
    `DO $$ BEGIN PERFORM ${i}; EXECUTE 'SELECT 1 FROM ${t}'; END $$`,
};

const MYSQL: Templates = {
  createTable: (t, _c, i) =>
    `CREATE TABLE IF NOT EXISTS \`${t}_${i}\` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(12,2), created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  addNullable: (t, c, i) => `ALTER TABLE ${t} ADD COLUMN ${c}_${i} TEXT NULL`,
  addDefault: (t, c, i) =>
    `ALTER TABLE ${t} ADD COLUMN ${c}_${i} INT NOT NULL DEFAULT 0 AFTER id`,
  addRequired: (t, c, i) =>
    `ALTER TABLE \`${t}\` ADD COLUMN ${c}_${i} CHAR(36) NOT NULL`,
  dropColumn: (t, c) => `ALTER TABLE ${t} DROP COLUMN ${c}`,
  renameColumn: (t, c, i) => `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${c}_${i}`,
  alterType: (t, c) => `ALTER TABLE ${t} MODIFY ${c} VARCHAR(50) NULL`,
  setNotNull: (t, c) =>
    `ALTER TABLE ${t} MODIFY COLUMN ${c} VARCHAR(255) NOT NULL`,
  dropDefault: (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`,
  multi: (t, c, i) =>
    `ALTER TABLE ${t} ADD COLUMN ${c}_m${i} TEXT, CHANGE ${c} ${c}_c${i} VARCHAR(20) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE`,
  unique: (t, c, i) =>
    `ALTER TABLE ${t} ADD UNIQUE KEY ${t}_${c}_${i}_uk (${c})`,
  check: (t, c, i) =>
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${i}_chk CHECK (${c} <> '')`,
  foreignKey: (t, c, i) =>
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${i}_fk FOREIGN KEY (${c}) REFERENCES customers (id) ON DELETE CASCADE`,
  index: (t, c, i) => `CREATE INDEX ${t}_${c}_${i}_idx ON ${t} (${c})`,
  uniqueIndex: (t, c, i) =>
    `CREATE UNIQUE INDEX ${t}_${c}_${i}_uidx ON ${t} (${c})`,
  dropIndex: (t, c, i) => `DROP INDEX ${t}_${c}_${i}_idx ON ${t}`,
  renameTable: (t, _c, i) => `RENAME TABLE ${t}_${i} TO ${t}_${i}_renamed`,
  dropTable: (t, _c, i) => `DROP TABLE IF EXISTS ${t}_${i}`,
  view: (t, _c, i) => `CREATE OR REPLACE VIEW ${t}_v${i} AS SELECT * FROM ${t}`,
  enumType: (t, c, i) =>
    `ALTER TABLE ${t} MODIFY ${c}_e${i} ENUM('a','b') NOT NULL DEFAULT 'a'`,
  update: (t, c) => `UPDATE ${t} SET ${c} = 'backfilled' WHERE ${c} IS NULL`,
  insert: (t, _c, i) => `INSERT INTO ${t} (id) VALUES (${i})`,
  comment: (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT 'a;b'`,
  doBlock: t =>
    `CREATE TRIGGER ${t}_bi BEFORE INSERT ON ${t} FOR EACH ROW BEGIN SET NEW.id = NEW.id; END`,
};

const TABLES = [
  'orders',
  'customers',
  'invoices',
  'payments',
  'shipments',
  'users',
  'accounts',
  'events',
];
const COLUMNS = [
  'note',
  'status',
  'code',
  'region',
  'legacy_ref',
  'email',
  'label',
  'source',
];

/** 100 files of 10 statements each: 1,000 statements in all. */
function migrations(templates: Templates) {
  const next = random(42);
  const kinds = Object.keys(templates);
  return Array.from({ length: FILES }, (_, f) => {
    const statements = Array.from({ length: PER_FILE }, (_unused, s) => {
      const i = f * PER_FILE + s;
      const kind = kinds[next(kinds.length)];
      return `-- ${kind}\n${templates[kind](
        TABLES[next(TABLES.length)],
        COLUMNS[next(COLUMNS.length)],
        i,
      )};`;
    });
    return {
      name: `V${String(f + 1).padStart(3, '0')}__generated.sql`,
      sql: statements.join('\n\n'),
    };
  });
}

async function measure(dialect: SchemaDialect): Promise<number> {
  const input = {
    dialect,
    migrations: migrations(dialect === 'mysql' ? MYSQL : POSTGRES),
  };
  const warm = await classifyMigrations(input);
  if (warm.length === 0) throw new Error(`${dialect}: no findings`);
  const timings: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    await classifyMigrations(input);
    timings.push(performance.now() - t0);
  }
  return percentile(timings, 50);
}

async function main() {
  const pgMs = await measure('postgresql');
  print('schema.classify_1k_statements_ms', pgMs, 'ms');
  print(
    'schema.classify_1k_statements_ratio_to_aim',
    pgMs / AIM_MS,
    'ratio (aim <= 1)',
  );
  const myMs = await measure('mysql');
  print('schema.classify_1k_statements_mysql_ms', myMs, 'ms');
  print(
    'schema.classify_1k_statements_mysql_ratio_to_aim',
    myMs / AIM_MS,
    'ratio (aim <= 1)',
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
