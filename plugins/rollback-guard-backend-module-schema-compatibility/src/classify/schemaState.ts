/**
 * The schema as the migrations leave it, with every object's identity kept
 * across renames, and a snapshot of what the candidate knew, so that the net
 * effect (not each statement) is what gets judged.
 */
import { ColumnType } from './columnType';
import {
  ColumnSpec,
  ConstraintKind,
  ConstraintSpec,
  Op,
  QName,
  RelationKind,
} from './ops';
import { SchemaDialect, SchemaFinding } from './types';

/**
 * Where an operation happened: its place in apply order and its statement.
 *
 * @internal
 */
export type OpRef = { seq: number; migration: string; statement: string };

/** @internal */
export type ColumnFacts = {
  /** Undefined: not known (the column predates what we were shown). */
  type?: ColumnType;
  notNull?: boolean;
  hasDefault?: boolean;
  alwaysGenerated?: boolean;
};

/** @internal */
export class Column {
  alive = true;
  facts: ColumnFacts;
  /** What the candidate knew, if the column existed then. */
  candidate?: ColumnFacts & { name: string };
  addedAt?: OpRef;
  droppedAt?: OpRef;
  renamedAwayAt?: OpRef;
  typeAt?: OpRef;
  notNullAt?: OpRef;
  /**
   * How the last nullability change came: SET/DROP NOT NULL, a whole
   * redefinition (MySQL MODIFY), or implied by a primary key.
   */
  notNullSource?: 'explicit' | 'redefined' | 'implied';
  defaultAt?: OpRef;
  defaultExplicit = false;
  identityAt?: OpRef;
  constructor(readonly id: number, public name: string, facts: ColumnFacts) {
    this.facts = facts;
  }
}

/** @internal */
export class Constraint {
  removed = false;
  constructor(
    readonly kind: ConstraintKind,
    public name: string | undefined,
    readonly columns: string[],
    /** Undefined for what the candidate already had. */
    public addedAt: OpRef | undefined,
    readonly notValid: boolean,
  ) {}
}

/** @internal */
export class Index {
  removed = false;
  constructor(
    public name: string,
    readonly relation: Relation,
    readonly unique: boolean,
    readonly columns: string[],
    /** Undefined for what the candidate already had. */
    public addedAt: OpRef | undefined,
  ) {}
}

/** @internal */
export class Relation {
  alive = true;
  columns = new Map<string, Column>();
  allColumns: Column[] = [];
  /** Column names whose holder changed since the candidate (dropped, renamed, added). */
  touchedColumns = new Set<string>();
  constraints = new Map<string, Constraint>();
  candidate?: { schema: string; name: string; kind: RelationKind };
  createdAt?: OpRef;
  droppedAt?: OpRef;
  renamedAwayAt?: OpRef;
  /** Gone or moved together with its schema: the schema's finding says it. */
  bySchema?: 'dropped' | 'renamed';
  constructor(
    readonly id: number,
    public kind: RelationKind,
    public schema: string,
    public name: string,
    public columnsKnown: boolean,
  ) {}
}

/** @internal */
export class EnumValue {
  renamedAt?: OpRef;
  constructor(
    public name: string,
    readonly candidateName: string | undefined,
    readonly addedAt: OpRef | undefined,
  ) {}
}

/** @internal */
export class TypeObject {
  alive = true;
  values: EnumValue[] = [];
  candidate?: { schema: string; name: string; values?: string[] };
  createdAt?: OpRef;
  droppedAt?: OpRef;
  renamedAwayAt?: OpRef;
  constructor(
    readonly id: number,
    public kind: 'enum' | 'other',
    public schema: string,
    public name: string,
    /** False for an enum the candidate had whose values we were not shown. */
    public valuesKnown: boolean,
  ) {}
}

/** @internal */
export class SchemaObject {
  alive = true;
  /** Its name at the candidate, if the candidate had it. */
  candidateName?: string;
  createdAt?: OpRef;
  droppedAt?: OpRef;
  renamedAwayAt?: OpRef;
  constructor(readonly id: number, public name: string) {}
}

/** @internal */
export class SequenceObject {
  alive = true;
  candidate = false;
  createdAt?: OpRef;
  droppedAt?: OpRef;
  constructor(
    readonly id: number,
    public schema: string,
    public name: string,
  ) {}
}

/**
 * Something to report at the end, once the net effect is known.
 *
 * @internal
 */
export type PendingEvent = {
  at: OpRef;
  resolve: (facing: Set<Relation>) => SchemaFinding | undefined;
};

const key = (q: { schema: string; name: string }) => `${q.schema}.${q.name}`;

/**
 * The schema state. `phase` is `baseline` while the candidate's own
 * migrations are replayed (nothing reported), then `migrations`.
 *
 * @internal
 */
export class SchemaState {
  phase: 'baseline' | 'migrations' = 'migrations';
  /** A baseline was given, so an `IF EXISTS` on an unknown object is a no-op. */
  baselineKnown = false;

  readonly relations = new Map<string, Relation>();
  readonly allRelations: Relation[] = [];
  readonly types = new Map<string, TypeObject>();
  readonly allTypes: TypeObject[] = [];
  readonly schemas = new Map<string, SchemaObject>();
  readonly allSchemas: SchemaObject[] = [];
  readonly sequences = new Map<string, SequenceObject>();
  readonly allSequences: SequenceObject[] = [];
  readonly indexes = new Map<string, Index>();
  readonly events: PendingEvent[] = [];

  // Names whose holder changed in this phase: an object no longer found
  // under such a name is gone, not "assumed to have existed".
  private readonly touchedRelations = new Set<string>();
  private readonly touchedTypes = new Set<string>();
  private readonly touchedSchemas = new Set<string>();
  private readonly touchedSequences = new Set<string>();
  private nextId = 1;

  constructor(readonly dialect: SchemaDialect) {}

  /** How a name reads in a message: the default schema is left out. */
  display(q: { schema: string; name: string }): string {
    const defaultSchema = this.dialect === 'postgresql' ? 'public' : '';
    return q.schema === defaultSchema || !q.schema
      ? q.name
      : `${q.schema}.${q.name}`;
  }

  /** Ends the baseline: everything now known becomes what the candidate knew. */
  freezeCandidate() {
    this.phase = 'migrations';
    this.baselineKnown = true;
    const keep = <T extends { alive: boolean }>(list: T[]) => {
      const alive = list.filter(o => o.alive);
      list.length = 0;
      list.push(...alive);
    };
    keep(this.allRelations);
    keep(this.allTypes);
    keep(this.allSchemas);
    keep(this.allSequences);
    for (const rel of this.allRelations) {
      rel.candidate = { schema: rel.schema, name: rel.name, kind: rel.kind };
      rel.createdAt = undefined;
      rel.allColumns = rel.allColumns.filter(c => c.alive);
      rel.touchedColumns.clear();
      for (const col of rel.allColumns) {
        col.candidate = { name: col.name, ...col.facts };
        col.addedAt = undefined;
        col.typeAt = undefined;
        col.notNullAt = undefined;
        col.defaultAt = undefined;
        col.identityAt = undefined;
        col.notNullSource = undefined;
        col.defaultExplicit = false;
      }
      for (const [name, c] of rel.constraints) {
        if (c.removed) rel.constraints.delete(name);
        c.addedAt = undefined;
      }
    }
    for (const idx of this.indexes.values()) idx.addedAt = undefined;
    for (const t of this.allTypes) {
      t.candidate = {
        schema: t.schema,
        name: t.name,
        values: t.valuesKnown ? t.values.map(v => v.name) : undefined,
      };
      t.createdAt = undefined;
      t.values = t.values.map(v => new EnumValue(v.name, v.name, undefined));
    }
    for (const s of this.allSchemas) {
      s.candidateName = s.name;
      s.createdAt = undefined;
    }
    for (const s of this.allSequences) {
      s.candidate = true;
      s.createdAt = undefined;
    }
    this.touchedRelations.clear();
    this.touchedTypes.clear();
    this.touchedSchemas.clear();
    this.touchedSequences.clear();
    this.events.length = 0;
  }

  private get reporting() {
    return this.phase === 'migrations';
  }

  private event(at: OpRef, resolve: PendingEvent['resolve']) {
    if (this.reporting) this.events.push({ at, resolve });
  }

  // ---- lookups that materialise what the candidate is assumed to have had

  schema(name: string, ifExists = false): SchemaObject | undefined {
    const live = this.schemas.get(name);
    if (live) return live;
    if (this.touchedSchemas.has(name)) return undefined;
    if (ifExists && (this.baselineKnown || !this.reporting)) return undefined;
    const s = new SchemaObject(this.nextId++, name);
    if (this.reporting) s.candidateName = name;
    this.schemas.set(name, s);
    this.allSchemas.push(s);
    return s;
  }

  relation(
    q: QName,
    ifExists = false,
    kind: RelationKind = 'table',
  ): Relation | undefined {
    const k = key(q);
    const live = this.relations.get(k);
    if (live) return live;
    if (this.touchedRelations.has(k)) return undefined;
    if (ifExists && (this.baselineKnown || !this.reporting)) return undefined;
    if (!this.schema(q.schema)) return undefined;
    const rel = new Relation(this.nextId++, kind, q.schema, q.name, false);
    if (this.reporting)
      rel.candidate = { schema: q.schema, name: q.name, kind };
    this.relations.set(k, rel);
    this.allRelations.push(rel);
    return rel;
  }

  column(rel: Relation, name: string, ifExists = false): Column | undefined {
    const live = rel.columns.get(name);
    if (live) return live;
    if (rel.touchedColumns.has(name)) return undefined;
    const knownToCandidate = !!rel.candidate && rel.createdAt === undefined;
    if (!knownToCandidate && rel.columnsKnown) return undefined;
    if (
      ifExists &&
      (rel.columnsKnown || this.baselineKnown || !this.reporting)
    ) {
      return undefined;
    }
    const col = new Column(this.nextId++, name, {});
    if (this.reporting) col.candidate = { name };
    rel.columns.set(name, col);
    rel.allColumns.push(col);
    return col;
  }

  type(q: QName, ifExists = false): TypeObject | undefined {
    const k = key(q);
    const live = this.types.get(k);
    if (live) return live;
    if (this.touchedTypes.has(k)) return undefined;
    if (ifExists && (this.baselineKnown || !this.reporting)) return undefined;
    const t = new TypeObject(this.nextId++, 'enum', q.schema, q.name, false);
    if (this.reporting) t.candidate = { schema: q.schema, name: q.name };
    this.types.set(k, t);
    this.allTypes.push(t);
    return t;
  }

  /** A column type with its user-defined type (an enum, say) resolved. */
  private resolveType(type: ColumnType | undefined): ColumnType | undefined {
    if (!type || type.ref === undefined) return type;
    const t = this.types.get(type.ref);
    if (!t) return type;
    return {
      ...type,
      userTypeId: t.id,
      family: t.kind === 'enum' ? 'enum' : type.family,
    };
  }

  private indexKey(name: QName, table?: QName): string {
    // MySQL scopes index names to their table, PostgreSQL to the schema.
    return this.dialect === 'mysql' && table
      ? `${key(table)}#${name.name}`
      : key(name);
  }

  // ---- applying operations

  apply(op: Op, at: OpRef, report: (f: SchemaFinding) => void): void {
    switch (op.op) {
      case 'createTable':
        return this.createTable(op, at);
      case 'createView':
        return this.createView(op, at);
      case 'dropRelations':
        for (const name of op.names) {
          const rel = this.relation(name, op.ifExists, op.kind);
          if (rel) this.dropRelation(rel, at);
        }
        return undefined;
      case 'renameRelation': {
        const rel = this.relation(op.from, op.ifExists);
        if (!rel) return undefined;
        this.moveRelation(rel, op.to, at);
        return undefined;
      }
      case 'addColumn': {
        const rel = this.relation(op.table, !!op.ifTableExists);
        if (!rel) return undefined;
        if (rel.columns.has(op.column.name)) return undefined;
        this.addColumn(rel, op.column, at);
        return undefined;
      }
      case 'dropColumn': {
        const rel = this.relation(op.table, !!op.ifTableExists);
        const col = rel && this.column(rel, op.column, op.ifExists);
        if (!rel || !col) return undefined;
        this.dropColumn(rel, col, at);
        return undefined;
      }
      case 'renameColumn': {
        const rel = this.relation(op.table, !!op.ifTableExists);
        const col = rel && this.column(rel, op.from);
        if (!rel || !col || op.from === op.to) return undefined;
        this.renameColumn(rel, col, op.to, at);
        return undefined;
      }
      case 'alterColumnType': {
        const col = this.findColumn(op.table, op.column, !!op.ifTableExists);
        if (col) this.setType(col, this.resolveType(op.type), at);
        return undefined;
      }
      case 'setNotNull': {
        const col = this.findColumn(op.table, op.column, !!op.ifTableExists);
        if (col) this.setNotNull(col, op.notNull, at, 'explicit');
        return undefined;
      }
      case 'setDefault': {
        const col = this.findColumn(op.table, op.column, !!op.ifTableExists);
        if (col) this.setDefault(col, op.hasDefault, at, true);
        return undefined;
      }
      case 'setIdentity': {
        const col = this.findColumn(op.table, op.column, !!op.ifTableExists);
        if (!col) return undefined;
        this.setDefault(col, true, at, true);
        if (op.always && !col.facts.alwaysGenerated) {
          col.facts.alwaysGenerated = true;
          col.identityAt = at;
        }
        return undefined;
      }
      case 'dropIdentity': {
        const col = this.findColumn(op.table, op.column, !!op.ifTableExists);
        if (!col) return undefined;
        this.setDefault(col, false, at, true);
        if (col.facts.alwaysGenerated) {
          col.facts.alwaysGenerated = false;
          col.identityAt = at;
        }
        return undefined;
      }
      case 'redefineColumn':
        return this.redefineColumn(
          op.table,
          !!op.ifTableExists,
          op.from,
          op.column,
          at,
        );
      case 'addConstraint': {
        const rel = this.relation(op.table, !!op.ifTableExists);
        if (rel) this.addConstraint(rel, op.constraint, at);
        return undefined;
      }
      case 'dropConstraint': {
        const rel = this.relation(op.table, !!op.ifTableExists);
        if (rel)
          this.dropConstraint(rel, op.name, op.kind, op.ifExists, at, report);
        return undefined;
      }
      case 'createIndex':
        return this.createIndex(op, at);
      case 'dropIndex':
        return this.dropIndex(op.name, op.table, op.ifExists, at, report);
      case 'renameIndex': {
        const k = this.indexKey(op.from, op.from);
        const idx = this.indexes.get(k);
        if (idx) {
          this.indexes.delete(k);
          idx.name = op.to.name;
          this.indexes.set(this.indexKey(op.to, op.from), idx);
        }
        return undefined;
      }
      case 'createSchema': {
        if (this.schemas.has(op.name)) return undefined;
        const s = new SchemaObject(this.nextId++, op.name);
        s.createdAt = at;
        this.schemas.set(op.name, s);
        this.allSchemas.push(s);
        this.touchedSchemas.add(op.name);
        return undefined;
      }
      case 'dropSchema':
        return this.dropSchema(op.name, op.ifExists, at);
      case 'renameSchema':
        return this.renameSchema(op.from, op.to, at);
      case 'createEnum':
      case 'createType': {
        const k = key(op.type);
        if (this.types.has(k)) return undefined;
        const t = new TypeObject(
          this.nextId++,
          op.op === 'createEnum' ? 'enum' : 'other',
          op.type.schema,
          op.type.name,
          true,
        );
        if (op.op === 'createEnum') {
          t.values = op.values.map(v => new EnumValue(v, undefined, at));
        }
        t.createdAt = at;
        this.types.set(k, t);
        this.allTypes.push(t);
        this.touchedTypes.add(k);
        return undefined;
      }
      case 'addEnumValue': {
        const t = this.type(op.type);
        if (!t || t.values.some(v => v.name === op.value)) return undefined;
        t.values.push(new EnumValue(op.value, undefined, at));
        return undefined;
      }
      case 'renameEnumValue': {
        const t = this.type(op.type);
        if (!t) return undefined;
        let value = t.values.find(v => v.name === op.from);
        if (!value && !t.valuesKnown && t.createdAt === undefined) {
          value = new EnumValue(
            op.from,
            this.reporting ? op.from : undefined,
            undefined,
          );
          t.values.push(value);
        }
        if (!value) return undefined;
        value.name = op.to;
        value.renamedAt = at;
        return undefined;
      }
      case 'dropType':
        return this.dropType(op.name, op.ifExists, op.cascade, at);
      case 'renameType': {
        const t = this.type(op.from);
        if (!t) return undefined;
        const from = key(op.from);
        this.types.delete(from);
        this.touchedTypes.add(from);
        if (t.candidate && key(t.candidate) === from) t.renamedAwayAt = at;
        t.schema = op.to.schema;
        t.name = op.to.name;
        this.types.set(key(op.to), t);
        this.touchedTypes.add(key(op.to));
        return undefined;
      }
      case 'createSequence': {
        const k = key(op.name);
        if (this.sequences.has(k)) return undefined;
        const s = new SequenceObject(
          this.nextId++,
          op.name.schema,
          op.name.name,
        );
        s.createdAt = at;
        this.sequences.set(k, s);
        this.allSequences.push(s);
        this.touchedSequences.add(k);
        return undefined;
      }
      case 'dropSequence': {
        const k = key(op.name);
        let s = this.sequences.get(k);
        if (!s && !this.touchedSequences.has(k)) {
          if (op.ifExists && (this.baselineKnown || !this.reporting))
            return undefined;
          s = new SequenceObject(this.nextId++, op.name.schema, op.name.name);
          s.candidate = this.reporting;
          this.allSequences.push(s);
        }
        if (!s) return undefined;
        s.alive = false;
        s.droppedAt = at;
        this.sequences.delete(k);
        this.touchedSequences.add(k);
        return undefined;
      }
      case 'dataChange':
        return this.dataChange(op, at);
      case 'note':
      case 'unknown':
        // Decided by the reader; the caller reports these directly.
        return undefined;
      default:
        return undefined;
    }
  }

  private findColumn(
    table: QName,
    name: string,
    ifTableExists: boolean,
  ): Column | undefined {
    const rel = this.relation(table, ifTableExists);
    return rel && this.column(rel, name);
  }

  private createTable(op: Extract<Op, { op: 'createTable' }>, at: OpRef) {
    const k = key(op.table);
    if (this.relations.has(k)) return;
    if (!this.schema(op.table.schema)) return;
    const rel = new Relation(
      this.nextId++,
      'table',
      op.table.schema,
      op.table.name,
      op.columnsKnown,
    );
    rel.createdAt = at;
    this.relations.set(k, rel);
    this.allRelations.push(rel);
    this.touchedRelations.add(k);
    for (const spec of op.columns) this.addColumn(rel, spec, at, false);
    for (const c of op.constraints) this.addConstraint(rel, c, at, false);
  }

  private createView(op: Extract<Op, { op: 'createView' }>, at: OpRef) {
    const k = key(op.view);
    const existing = this.relations.get(k);
    const kind: RelationKind = op.materialized ? 'materialized view' : 'view';
    if (existing) {
      if (op.orReplace && this.reporting) {
        const name = this.display(op.view);
        this.event(at, () => ({
          rule: 'adding-view',
          status: 'pass',
          migration: at.migration,
          statement: at.statement,
          message: `${kind} ${name} was redefined`,
          object: name,
        }));
      }
      return;
    }
    if (!this.schema(op.view.schema)) return;
    const rel = new Relation(
      this.nextId++,
      kind,
      op.view.schema,
      op.view.name,
      false,
    );
    rel.createdAt = at;
    this.relations.set(k, rel);
    this.allRelations.push(rel);
    this.touchedRelations.add(k);
  }

  private dropRelation(rel: Relation, at: OpRef) {
    const k = key(rel);
    rel.alive = false;
    rel.droppedAt = at;
    this.relations.delete(k);
    this.touchedRelations.add(k);
    for (const c of rel.constraints.values()) c.removed = true;
    for (const [ik, idx] of this.indexes) {
      if (idx.relation === rel) {
        idx.removed = true;
        this.indexes.delete(ik);
      }
    }
  }

  private moveRelation(rel: Relation, to: QName, at: OpRef) {
    const from = key(rel);
    const toKey = key(to);
    if (from === toKey || this.relations.has(toKey)) return;
    if (!this.schema(to.schema)) return;
    this.relations.delete(from);
    this.touchedRelations.add(from);
    if (rel.candidate && key(rel.candidate) === from) rel.renamedAwayAt = at;
    rel.schema = to.schema;
    rel.name = to.name;
    this.relations.set(toKey, rel);
    this.touchedRelations.add(toKey);
  }

  private addColumn(rel: Relation, spec: ColumnSpec, at: OpRef, report = true) {
    const col = new Column(this.nextId++, spec.name, {
      type: this.resolveType(spec.type),
      notNull: spec.notNull,
      hasDefault: spec.hasDefault,
      alwaysGenerated: spec.alwaysGenerated,
    });
    col.addedAt = at;
    rel.columns.set(spec.name, col);
    rel.allColumns.push(col);
    rel.touchedColumns.add(spec.name);
    for (const c of spec.constraints) {
      this.addConstraint(
        rel,
        { ...c, columns: c.columns.length ? c.columns : [spec.name] },
        at,
        report,
      );
    }
  }

  private dropColumn(rel: Relation, col: Column, at: OpRef) {
    col.alive = false;
    col.droppedAt = at;
    rel.columns.delete(col.name);
    rel.touchedColumns.add(col.name);
    // PostgreSQL drops the indexes and constraints that used the column.
    for (const c of rel.constraints.values()) {
      if (c.columns.includes(col.name)) c.removed = true;
    }
    for (const [ik, idx] of this.indexes) {
      if (idx.relation === rel && idx.columns.includes(col.name)) {
        idx.removed = true;
        this.indexes.delete(ik);
      }
    }
  }

  private renameColumn(rel: Relation, col: Column, to: string, at: OpRef) {
    if (rel.columns.has(to)) return;
    rel.columns.delete(col.name);
    rel.touchedColumns.add(col.name);
    if (col.candidate && col.candidate.name === col.name)
      col.renamedAwayAt = at;
    col.name = to;
    rel.columns.set(to, col);
    rel.touchedColumns.add(to);
  }

  private setType(col: Column, type: ColumnType | undefined, at: OpRef) {
    if (!type) return;
    if (col.facts.type && sameType(col.facts.type, type)) return;
    col.facts.type = type;
    col.typeAt = at;
  }

  private setNotNull(
    col: Column,
    notNull: boolean,
    at: OpRef,
    source: Column['notNullSource'],
  ) {
    if (col.facts.notNull === notNull) return;
    col.facts.notNull = notNull;
    col.notNullAt = at;
    col.notNullSource = source;
  }

  private setDefault(
    col: Column,
    hasDefault: boolean,
    at: OpRef,
    explicit: boolean,
  ) {
    if (col.facts.hasDefault === hasDefault) return;
    col.facts.hasDefault = hasDefault;
    col.defaultAt = at;
    col.defaultExplicit = explicit;
  }

  private redefineColumn(
    table: QName,
    ifTableExists: boolean,
    from: string,
    spec: ColumnSpec,
    at: OpRef,
  ) {
    const rel = this.relation(table, ifTableExists);
    const col = rel && this.column(rel, from);
    if (!rel || !col) return;
    if (spec.name !== from) this.renameColumn(rel, col, spec.name, at);
    const type = this.resolveType(spec.type);
    if (type && !(col.facts.type && sameType(col.facts.type, type))) {
      col.facts.type = type;
      col.typeAt = at;
    }
    this.setNotNull(col, spec.notNull, at, 'redefined');
    this.setDefault(col, spec.hasDefault, at, false);
    const always = !!spec.alwaysGenerated;
    if (!!col.facts.alwaysGenerated !== always) {
      col.facts.alwaysGenerated = always;
      col.identityAt = at;
    }
    for (const c of spec.constraints) {
      this.addConstraint(
        rel,
        { ...c, columns: c.columns.length ? c.columns : [spec.name] },
        at,
      );
    }
  }

  /** PostgreSQL's names for unnamed constraints, so a later DROP finds them. */
  private constraintName(rel: Relation, c: ConstraintSpec): string {
    if (c.name) return c.name;
    const cols = c.columns.join('_');
    if (this.dialect === 'mysql') {
      if (c.kind === 'primary') return 'PRIMARY';
      if (c.kind === 'foreign')
        return `${rel.name}_ibfk_${rel.constraints.size + 1}`;
      return c.columns[0] ?? `${rel.name}_chk_${rel.constraints.size + 1}`;
    }
    switch (c.kind) {
      case 'primary':
        return `${rel.name}_pkey`;
      case 'unique':
        return `${rel.name}_${cols}_key`;
      case 'foreign':
        return `${rel.name}_${cols}_fkey`;
      case 'check':
        return `${rel.name}_${c.columns[0] ?? ''}_check`.replace('__', '_');
      default:
        return `${rel.name}_${cols}_excl`;
    }
  }

  private addConstraint(
    rel: Relation,
    spec: ConstraintSpec,
    at: OpRef,
    report = true,
  ) {
    const name = this.constraintName(rel, spec);
    let constraint: Constraint;
    let adopted: Index | undefined;
    if (spec.usingIndex) {
      // Adopting an index: the uniqueness was already there.
      const ik = this.indexKey(
        { schema: rel.schema, name: spec.usingIndex },
        rel,
      );
      adopted = this.indexes.get(ik);
      if (adopted) {
        this.indexes.delete(ik);
        adopted.removed = true;
      }
      constraint = new Constraint(
        spec.kind,
        name,
        adopted?.columns ?? spec.columns,
        at,
        false,
      );
    } else {
      constraint = new Constraint(
        spec.kind,
        name,
        spec.columns,
        at,
        !!spec.notValid,
      );
    }
    rel.constraints.set(name, constraint);
    if (spec.kind === 'primary') {
      for (const colName of constraint.columns) {
        const col = this.column(rel, colName);
        if (col) this.setNotNull(col, true, at, 'implied');
      }
    }
    if (!report || !this.reporting) return;
    if (adopted && !adopted.addedAt && adopted.unique) return;
    const display = this.display(rel);
    this.event(at, facing => {
      if (constraint.removed || (!rel.alive && !facing.has(rel)))
        return undefined;
      return constraintFinding(
        spec.kind,
        constraint,
        rel,
        facing.has(rel),
        display,
        at,
        spec.kind === 'primary' ? 'primary key' : undefined,
      );
    });
  }

  private dropConstraint(
    rel: Relation,
    name: string | undefined,
    kind: ConstraintKind | undefined,
    ifExists: boolean,
    at: OpRef,
    report: (f: SchemaFinding) => void,
  ) {
    let found: Constraint | undefined;
    if (name !== undefined) {
      found = rel.constraints.get(name);
    } else if (kind) {
      found = [...rel.constraints.values()].find(
        c => c.kind === kind && !c.removed,
      );
    }
    if (found) {
      found.removed = true;
      rel.constraints.delete(found.name ?? '');
      if (found.addedAt) return; // added since the candidate: nothing net
    } else if (ifExists && (this.baselineKnown || !this.reporting)) {
      return;
    }
    if (!this.reporting || (rel.createdAt && !rel.candidate)) return;
    const what = found?.kind ?? kind;
    const label = `${this.display(rel)}${name ? ` constraint ${name}` : ''}`;
    if (what === 'unique' || what === 'primary') {
      report(
        finding(
          'ban-drop-constraint',
          'warn',
          at,
          `${label} (${
            what === 'primary' ? 'primary key' : 'unique'
          }) was dropped; the candidate's ON CONFLICT clauses on it fail and duplicates it never saw can appear`,
          this.display(rel),
        ),
      );
    } else if (what === undefined) {
      report(
        finding(
          'ban-drop-constraint',
          'warn',
          at,
          `${label} was dropped; if it was a primary key or unique constraint, the candidate's ON CONFLICT clauses on it fail`,
          this.display(rel),
        ),
      );
    } else {
      report(
        finding(
          'ban-drop-constraint',
          'pass',
          at,
          `${label} (${
            what === 'foreign' ? 'foreign key' : what
          }) was dropped; the candidate's writes are only checked less`,
          this.display(rel),
        ),
      );
    }
  }

  private createIndex(op: Extract<Op, { op: 'createIndex' }>, at: OpRef) {
    const rel = this.relation(op.table);
    if (!rel) return;
    const name = op.name ?? {
      schema: rel.schema,
      name:
        this.dialect === 'mysql'
          ? op.columns[0] ?? 'index'
          : `${rel.name}_${op.columns.join('_')}_idx`,
    };
    const k = this.indexKey(name, op.table);
    if (this.indexes.has(k)) return;
    const idx = new Index(name.name, rel, op.unique, op.columns, at);
    this.indexes.set(k, idx);
    if (!this.reporting) return;
    const display = this.display(rel);
    this.event(at, facing => {
      if (idx.removed || !rel.alive) return undefined;
      if (op.unique) {
        return constraintFinding(
          'unique',
          idx,
          rel,
          facing.has(rel),
          display,
          at,
          'unique index',
        );
      }
      return finding(
        'adding-index',
        'pass',
        at,
        `index ${name.name} was added on ${display}${
          op.columns.length ? ` (${op.columns.join(', ')})` : ''
        }`,
        display,
      );
    });
  }

  private dropIndex(
    name: QName,
    table: QName | undefined,
    ifExists: boolean,
    at: OpRef,
    report: (f: SchemaFinding) => void,
  ) {
    const k = this.indexKey(name, table);
    const idx = this.indexes.get(k);
    const rel = table && this.relations.get(key(table));
    if (!idx && rel?.constraints.has(name.name)) {
      // MySQL: unique keys are indexes, dropped with DROP INDEX.
      this.dropConstraint(rel, name.name, undefined, ifExists, at, report);
      return;
    }
    if (idx) {
      this.indexes.delete(k);
      idx.removed = true;
      if (idx.addedAt) return; // created since the candidate: nothing net
    } else if (ifExists && (this.baselineKnown || !this.reporting)) {
      return;
    }
    if (!this.reporting) return;
    const owner = idx?.relation ?? table;
    const ownerName = owner ? this.display(owner) : undefined;
    const on = ownerName ? ` on ${ownerName}` : '';
    if (idx?.unique) {
      report(
        finding(
          'ban-drop-constraint',
          'warn',
          at,
          `unique index ${name.name}${on} was dropped; the candidate's ON CONFLICT clauses on it fail and duplicates it never saw can appear`,
          ownerName,
        ),
      );
    } else {
      report(
        finding(
          'dropping-index',
          'pass',
          at,
          `index ${name.name}${on} was dropped${
            idx
              ? ''
              : " (if it was unique, the candidate's ON CONFLICT clauses on it fail)"
          }`,
          ownerName,
        ),
      );
    }
  }

  private dropSchema(name: string, ifExists: boolean, at: OpRef) {
    const s = this.schema(name, ifExists);
    if (!s) return;
    s.alive = false;
    s.droppedAt = at;
    this.schemas.delete(name);
    this.touchedSchemas.add(name);
    for (const rel of [...this.relations.values()]) {
      if (rel.schema === name) {
        this.dropRelation(rel, at);
        rel.bySchema = 'dropped';
      }
    }
    for (const [k, t] of [...this.types]) {
      if (t.schema === name) {
        t.alive = false;
        t.droppedAt = at;
        this.types.delete(k);
        this.touchedTypes.add(k);
      }
    }
  }

  private renameSchema(from: string, to: string, at: OpRef) {
    const s = this.schema(from);
    if (!s || this.schemas.has(to)) return;
    this.schemas.delete(from);
    this.touchedSchemas.add(from);
    if (s.candidateName === from) s.renamedAwayAt = at;
    s.name = to;
    this.schemas.set(to, s);
    this.touchedSchemas.add(to);
    for (const rel of [...this.relations.values()]) {
      if (rel.schema !== from) continue;
      this.relations.delete(key(rel));
      this.touchedRelations.add(key(rel));
      rel.schema = to;
      rel.bySchema = 'renamed';
      this.relations.set(key(rel), rel);
      this.touchedRelations.add(key(rel));
    }
    for (const t of [...this.types.values()]) {
      if (t.schema !== from) continue;
      this.types.delete(key(t));
      this.touchedTypes.add(key(t));
      t.schema = to;
      this.types.set(key(t), t);
    }
  }

  private dropType(
    name: QName,
    ifExists: boolean,
    cascade: boolean,
    at: OpRef,
  ) {
    const t = this.type(name, ifExists);
    if (!t) return;
    const k = key(name);
    t.alive = false;
    t.droppedAt = at;
    this.types.delete(k);
    this.touchedTypes.add(k);
    if (!cascade) return;
    // CASCADE drops the columns of that type.
    for (const rel of this.relations.values()) {
      for (const col of [...rel.columns.values()]) {
        if (col.facts.type?.userTypeId === t.id) this.dropColumn(rel, col, at);
      }
    }
  }

  private dataChange(op: Extract<Op, { op: 'dataChange' }>, at: OpRef) {
    const rel = this.relation(op.table, !!op.ifTableExists);
    if (!rel || !this.reporting) return;
    const display = this.display(rel);
    const seed = op.verb === 'INSERT' && !op.fromQuery;
    this.event(at, facing => {
      const facesCandidate = facing.has(rel);
      if (!facesCandidate && !rel.alive) return undefined;
      const verb =
        op.verb === 'INSERT' && op.fromQuery ? 'INSERT … SELECT' : op.verb;
      if (!facesCandidate) {
        return finding(
          'data-change',
          'pass',
          at,
          `${verb} on ${display}, a table the candidate does not know`,
          display,
        );
      }
      if (seed) {
        return finding(
          'data-change',
          'pass',
          at,
          `rows were inserted into ${display}`,
          display,
        );
      }
      return finding(
        'data-change',
        'warn',
        at,
        `${verb} changes the rows of ${display}; the candidate reads the changed data`,
        display,
      );
    });
  }
}

function sameType(a: ColumnType, b: ColumnType): boolean {
  return (
    a.display === b.display &&
    a.userTypeId === b.userTypeId &&
    (a.values ?? []).join('\u0000') === (b.values ?? []).join('\u0000')
  );
}

/**
 * A finding with a status chosen here rather than the rule's default.
 *
 * @internal
 */
export function finding(
  rule: string,
  status: SchemaFinding['status'],
  at: OpRef,
  message: string,
  object?: string,
  extra?: Partial<SchemaFinding>,
): SchemaFinding {
  const f: SchemaFinding = {
    rule,
    status,
    migration: at.migration,
    statement: at.statement,
    message,
    ...extra,
  };
  if (object !== undefined) f.object = object;
  return f;
}

const DUPLICATES_REJECTED =
  "the candidate's writes of duplicate values are rejected";

const CONSTRAINT_KINDS: Record<
  ConstraintKind,
  { rule: string; what: string; consequence: string }
> = {
  check: {
    rule: 'adding-check-constraint',
    what: 'CHECK constraint',
    consequence: "the candidate's writes that break it are rejected",
  },
  foreign: {
    rule: 'adding-foreign-key-constraint',
    what: 'foreign key',
    consequence:
      "the candidate's writes whose references do not exist are rejected",
  },
  unique: {
    rule: 'adding-unique-constraint',
    what: 'unique constraint',
    consequence: DUPLICATES_REJECTED,
  },
  primary: {
    rule: 'adding-unique-constraint',
    what: 'primary key',
    consequence: DUPLICATES_REJECTED,
  },
  exclusion: {
    rule: 'adding-unique-constraint',
    what: 'exclusion constraint',
    consequence:
      "the candidate's writes that conflict with other rows are rejected",
  },
};

function constraintFinding(
  kind: ConstraintKind,
  c: { columns: string[]; notValid?: boolean },
  rel: Relation,
  facesCandidate: boolean,
  display: string,
  at: OpRef,
  label?: string,
): SchemaFinding {
  const { rule, what: defaultLabel, consequence } = CONSTRAINT_KINDS[kind];
  const what = label ?? defaultLabel;
  const cols = c.columns.length ? ` (${c.columns.join(', ')})` : '';
  const atlas = rule === 'adding-unique-constraint' ? { atlas: 'MF101' } : {};
  if (!facesCandidate) {
    return finding(
      rule,
      'pass',
      at,
      `${what}${cols} added on ${display}, a table the candidate does not know`,
      display,
    );
  }
  // Only columns added since, without a default: the candidate writes NULL
  // there, which unique, check and foreign key constraints all let through.
  const onlyNewNullable =
    c.columns.length > 0 &&
    c.columns.every(name => {
      const col = rel.columns.get(name);
      return (
        col &&
        !col.candidate &&
        col.facts.hasDefault === false &&
        kind !== 'primary'
      );
    });
  if (onlyNewNullable) {
    return finding(
      rule,
      'pass',
      at,
      `${what}${cols} added on ${display} only involves columns the candidate never writes`,
      display,
    );
  }
  return finding(
    rule,
    'warn',
    at,
    `${what}${cols} added on ${display}${
      c.notValid ? ' (NOT VALID: existing rows are not checked)' : ''
    }; ${consequence}`,
    display,
    atlas,
  );
}
