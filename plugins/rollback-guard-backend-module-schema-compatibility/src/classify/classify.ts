/**
 * The classifier: replays the candidate's migrations (if given) to learn what
 * it knew, applies the migrations since, and reports the net effect.
 */
import { evaluate, PlacedFinding } from './evaluate';
import { loadPostgresParser, readPostgres } from './postgres';
import { readMysql } from './mysql';
import { Op, ReadStatement } from './ops';
import { makeFinding } from './rules';
import { OpRef, SchemaState } from './schemaState';
import { splitStatements } from './split';
import {
  ClassifyMigrationsInput,
  SchemaDialect,
  SchemaFinding,
  SchemaMigration,
} from './types';

type Reader = (sql: string) => ReadStatement[];

function unreadable(dialect: SchemaDialect, reason: string): Reader {
  return sql =>
    splitStatements(sql, dialect).map(piece => ({
      text: piece.text,
      ops: [
        { op: 'unknown', rule: 'unparsed-statement', message: reason } as Op,
      ],
    }));
}

async function readerFor(dialect: SchemaDialect): Promise<Reader> {
  if (dialect === 'mysql') return readMysql;
  try {
    await loadPostgresParser();
    return readPostgres;
  } catch (error) {
    return unreadable(
      dialect,
      `the PostgreSQL parser could not be loaded (${String(error)})`,
    );
  }
}

function safeRead(
  read: Reader,
  dialect: SchemaDialect,
  sql: unknown,
): ReadStatement[] {
  const text = typeof sql === 'string' ? sql : '';
  try {
    return read(text);
  } catch (error) {
    return unreadable(
      dialect,
      `the statement could not be read (${String(error)})`,
    )(text);
  }
}

function unknownMessage(message: string): string {
  return /^could not/.test(message) ? `the statement ${message}` : message;
}

function migrationsOf(list: unknown): SchemaMigration[] {
  return Array.isArray(list)
    ? list.filter((m): m is SchemaMigration => !!m && typeof m === 'object')
    : [];
}

/**
 * Classifies the migrations applied since a rollback candidate: what the
 * candidate's (older) code meets on the schema they leave behind, judged by
 * net effect across all of them. Never throws on bad SQL: what it cannot read
 * or does not understand is reported with status `unknown`.
 *
 * @public
 */
export async function classifyMigrations(
  input: ClassifyMigrationsInput,
): Promise<SchemaFinding[]> {
  const dialect: SchemaDialect =
    input?.dialect === 'mysql' ? 'mysql' : 'postgresql';
  const read = await readerFor(dialect);
  const state = new SchemaState(dialect);
  const placed: PlacedFinding[] = [];
  let seq = 0;

  const baseline = migrationsOf(input?.baseline);
  if (input?.baseline) {
    state.phase = 'baseline';
    for (const m of baseline) {
      for (const stmt of safeRead(read, dialect, m.sql)) {
        for (const op of stmt.ops) {
          const at: OpRef = {
            seq: seq++,
            migration: String(m.name),
            statement: stmt.text,
          };
          try {
            state.apply(op, at, () => undefined);
          } catch {
            // The candidate's own history only informs; a slip here is not reported.
          }
        }
      }
    }
    state.freezeCandidate();
  }

  for (const m of migrationsOf(input?.migrations)) {
    const migration = String(m.name);
    for (const stmt of safeRead(read, dialect, m.sql)) {
      for (const op of stmt.ops) {
        const at: OpRef = { seq: seq++, migration, statement: stmt.text };
        if (op.op === 'unknown') {
          placed.push({
            at,
            finding: makeFinding(op.rule, at, unknownMessage(op.message)),
          });
          continue;
        }
        if (op.op === 'note') {
          placed.push({
            at,
            finding: makeFinding(op.rule, at, op.message, op.object, {
              status: op.status,
            }),
          });
          continue;
        }
        try {
          state.apply(op, at, finding => placed.push({ at, finding }));
        } catch (error) {
          placed.push({
            at,
            finding: makeFinding(
              'unsupported-statement',
              at,
              `the classifier failed on this statement (${String(error)})`,
            ),
          });
        }
      }
    }
  }

  try {
    placed.push(...evaluate(state));
  } catch (error) {
    const at: OpRef = { seq, migration: '', statement: '' };
    placed.push({
      at,
      finding: makeFinding(
        'unsupported-statement',
        at,
        `the classifier failed to judge the net effect (${String(error)})`,
      ),
    });
  }
  placed.sort((a, b) => a.at.seq - b.at.seq);
  return placed.map(p => p.finding);
}
