import { classifyMigrations } from '../classify';
import { SchemaDialect, SchemaFinding } from '../types';

/**
 * Migrations given as SQL strings get names 001.sql, 002.sql, …
 *
 * @internal
 */
export function files(...sqls: string[]) {
  return sqls.map((sql, i) => ({
    name: `${String(i + 1).padStart(3, '0')}.sql`,
    sql,
  }));
}

/** @internal */
export function classifier(dialect: SchemaDialect) {
  return (migrations: string | string[], baseline?: string | string[]) =>
    classifyMigrations({
      dialect,
      migrations: files(
        ...(Array.isArray(migrations) ? migrations : [migrations]),
      ),
      baseline:
        baseline === undefined
          ? undefined
          : files(...(Array.isArray(baseline) ? baseline : [baseline])),
    });
}

/**
 * `status rule object` per finding, the shape most assertions compare.
 *
 * @internal
 */
export function summary(findings: SchemaFinding[]): string[] {
  return findings.map(
    f => `${f.status} ${f.rule}${f.object ? ` ${f.object}` : ''}`,
  );
}

/**
 * The findings that are not passes.
 *
 * @internal
 */
export function problems(findings: SchemaFinding[]): string[] {
  return summary(findings.filter(f => f.status !== 'pass'));
}

/** @internal */
export const fails = (findings: SchemaFinding[]) =>
  findings.filter(f => f.status === 'fail');
