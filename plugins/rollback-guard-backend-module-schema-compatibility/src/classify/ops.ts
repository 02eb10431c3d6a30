/**
 * Schema operations in a dialect-neutral form: the PostgreSQL and MySQL
 * readers turn statements into these, the schema state applies them.
 */
import { ColumnType } from './columnType';
import { RuleName } from './rules';
import { SchemaFinding } from './types';

/**
 * A schema-qualified name, already normalised for comparison.
 *
 * @internal
 */
export type QName = { schema: string; name: string };

/** @internal */
export type RelationKind = 'table' | 'view' | 'materialized view';

/** @internal */
export type ColumnSpec = {
  name: string;
  /** Undefined when not known (e.g. columns of `CREATE TABLE … AS`). */
  type?: ColumnType;
  notNull: boolean;
  /** A default, sequence, identity or generation: INSERTs may leave it out. */
  hasDefault: boolean;
  /** Values the candidate cannot write: GENERATED ALWAYS (identity or expression). */
  alwaysGenerated?: boolean;
  /** Inline constraints other than NOT NULL/DEFAULT. */
  constraints: ConstraintSpec[];
};

/** @internal */
export type ConstraintKind =
  | 'primary'
  | 'unique'
  | 'check'
  | 'foreign'
  | 'exclusion';

/** @internal */
export type ConstraintSpec = {
  kind: ConstraintKind;
  name?: string;
  /** Columns it involves (for CHECK: the columns its expression reads). */
  columns: string[];
  notValid?: boolean;
  /** `… USING INDEX name`: the constraint adopts an existing index. */
  usingIndex?: string;
};

/** Operations on a table; `ALTER TABLE IF EXISTS` makes a missing table a no-op. */
type OnTable = { table: QName; ifTableExists?: boolean };

/** @internal */
export type Op =
  | {
      op: 'createTable';
      table: QName;
      ifNotExists: boolean;
      columns: ColumnSpec[];
      constraints: ConstraintSpec[];
      /** False for `CREATE TABLE … AS` and `LIKE`/inheritance we cannot see. */
      columnsKnown: boolean;
    }
  | {
      op: 'createView';
      view: QName;
      orReplace: boolean;
      materialized: boolean;
      ifNotExists?: boolean;
    }
  | {
      op: 'dropRelations';
      kind: RelationKind;
      names: QName[];
      ifExists: boolean;
      cascade: boolean;
    }
  | { op: 'renameRelation'; from: QName; to: QName; ifExists: boolean }
  | (OnTable & { op: 'addColumn'; column: ColumnSpec; ifNotExists: boolean })
  | (OnTable & { op: 'dropColumn'; column: string; ifExists: boolean })
  | (OnTable & { op: 'renameColumn'; from: string; to: string })
  | (OnTable & { op: 'alterColumnType'; column: string; type: ColumnType })
  | (OnTable & { op: 'setNotNull'; column: string; notNull: boolean })
  | (OnTable & { op: 'setDefault'; column: string; hasDefault: boolean })
  | (OnTable & { op: 'setIdentity'; column: string; always: boolean })
  | (OnTable & { op: 'dropIdentity'; column: string })
  /** MySQL MODIFY/CHANGE: the whole definition is replaced. */
  | (OnTable & { op: 'redefineColumn'; from: string; column: ColumnSpec })
  | (OnTable & { op: 'addConstraint'; constraint: ConstraintSpec })
  | (OnTable & {
      op: 'dropConstraint';
      name?: string;
      kind?: ConstraintKind;
      ifExists: boolean;
    })
  | {
      op: 'createIndex';
      table: QName;
      name?: QName;
      unique: boolean;
      columns: string[];
      ifNotExists: boolean;
    }
  | { op: 'dropIndex'; name: QName; table?: QName; ifExists: boolean }
  | { op: 'renameIndex'; from: QName; to: QName }
  | { op: 'createSchema'; name: string; ifNotExists: boolean }
  | { op: 'dropSchema'; name: string; ifExists: boolean; cascade: boolean }
  | { op: 'renameSchema'; from: string; to: string }
  | { op: 'createEnum'; type: QName; values: string[] }
  | { op: 'createType'; type: QName; what: string }
  | { op: 'addEnumValue'; type: QName; value: string; ifNotExists: boolean }
  | { op: 'renameEnumValue'; type: QName; from: string; to: string }
  | { op: 'dropType'; name: QName; ifExists: boolean; cascade: boolean }
  | { op: 'renameType'; from: QName; to: QName }
  | { op: 'createSequence'; name: QName; ifNotExists: boolean }
  | { op: 'dropSequence'; name: QName; ifExists: boolean }
  | (OnTable & {
      op: 'dataChange';
      verb: 'UPDATE' | 'DELETE' | 'INSERT' | 'TRUNCATE' | 'MERGE' | 'COPY';
      /** INSERT … SELECT: rows derived from other data, not fixed seed rows. */
      fromQuery: boolean;
    })
  /** A finding the reader could decide alone (e.g. row-level security). */
  | {
      op: 'note';
      status: SchemaFinding['status'];
      rule: RuleName;
      message: string;
      object?: string;
    }
  | {
      op: 'unknown';
      rule: 'unparsed-statement' | 'unsupported-statement';
      message: string;
    };

/**
 * One statement of a migration and what it does.
 *
 * @internal
 */
export type ReadStatement = { text: string; ops: Op[] };
