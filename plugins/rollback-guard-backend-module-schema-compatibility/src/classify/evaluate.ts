/**
 * The net effect: compares what the candidate knew with what the migrations
 * leave, name by name (the candidate's queries use names), and attributes each
 * difference to the statement that made it so.
 */
import { ColumnType, compareTypes } from './columnType';
import { RuleName, makeFinding } from './rules';
import {
  Column,
  ColumnFacts,
  OpRef,
  Relation,
  SchemaState,
  TypeObject,
} from './schemaState';
import { SchemaFinding } from './types';

/** @internal */
export type PlacedFinding = { at: OpRef; finding: SchemaFinding };

const key = (q: { schema: string; name: string }) => `${q.schema}.${q.name}`;

function latest(...refs: Array<OpRef | undefined>): OpRef | undefined {
  let best: OpRef | undefined;
  for (const r of refs) if (r && (!best || r.seq > best.seq)) best = r;
  return best;
}

class Evaluator {
  readonly out: PlacedFinding[] = [];
  private readonly typesById = new Map<number, TypeObject>();
  /** Types created since under the name of one the candidate had. */
  private readonly replacingTypes = new Set<number>();

  constructor(private readonly state: SchemaState) {
    for (const t of state.allTypes) {
      this.typesById.set(t.id, t);
      const live = t.candidate && state.types.get(key(t.candidate));
      if (live && live !== t) this.replacingTypes.add(live.id);
    }
  }

  private add(
    rule: RuleName,
    at: OpRef | undefined,
    message: string,
    object?: string,
    overrides?: Partial<Pick<SchemaFinding, 'status' | 'blocking'>>,
  ) {
    if (!at) return;
    this.out.push({
      at,
      finding: makeFinding(rule, at, message, object, overrides),
    });
  }

  run(): PlacedFinding[] {
    const facing = this.relations();
    this.schemas();
    this.types();
    this.sequences();
    for (const e of this.state.events) {
      const f = e.resolve(facing);
      if (f) this.out.push({ at: e.at, finding: f });
    }
    return this.out;
  }

  /** Relations and their columns; returns the relations the candidate meets. */
  private relations(): Set<Relation> {
    const { state } = this;
    const facing = new Set<Relation>();
    for (const rel of state.allRelations) {
      if (!rel.candidate) continue;
      const cand = rel.candidate;
      const name = state.display(cand);
      const live = state.relations.get(key(cand));
      const what = cand.kind === 'table' ? name : `${cand.kind} ${name}`;
      if (live) facing.add(live);
      if (!live) {
        if (rel.bySchema) continue; // the schema's own finding says it
        if (rel.alive) {
          const moved = rel.schema !== cand.schema && rel.name === cand.name;
          this.add(
            'renaming-table',
            rel.renamedAwayAt,
            moved
              ? `${what} was moved to schema ${rel.schema}; the candidate looks for it in ${cand.schema}`
              : `${what} was renamed to ${state.display(rel)}`,
            name,
          );
        } else {
          this.add(
            'ban-drop-table',
            rel.droppedAt,
            `${what} was dropped`,
            name,
          );
        }
        continue;
      }
      if (live === rel) {
        if (rel.kind === 'table') this.columns(rel, rel, name);
        continue;
      }
      // Another relation holds the candidate's name now.
      const rule: RuleName = rel.alive ? 'renaming-table' : 'ban-drop-table';
      const at = rel.alive ? rel.renamedAwayAt : rel.droppedAt;
      const how = rel.alive
        ? `was renamed to ${state.display(rel)}`
        : 'was dropped';
      if (live.kind !== 'table') {
        if (cand.kind === 'table') {
          this.add(
            rule,
            latest(at, live.createdAt),
            `${what} ${how}; a ${live.kind} named ${name} stands in for it: the candidate's reads work if it keeps the columns, its writes only if the view is updatable`,
            name,
            { status: 'warn', blocking: false },
          );
        } else {
          this.add(
            'adding-view',
            live.createdAt,
            `${what} was recreated`,
            name,
          );
        }
        continue;
      }
      if (cand.kind !== 'table') {
        this.add(
          'adding-table',
          live.createdAt,
          `${what} was replaced by a table of the same name`,
          name,
        );
        continue;
      }
      if (rel.columnsKnown) {
        this.add(
          rule,
          live.createdAt,
          `${name} ${how} and a new table ${name} was created in its place; rows not copied over are gone`,
          name,
          { status: 'warn', blocking: false },
        );
      } else {
        this.add(
          rule,
          live.createdAt,
          `${name} ${how} and a new table ${name} was created in its place; without the candidate's schema its columns cannot be compared`,
          name,
          { blocking: false },
        );
      }
      this.columns(rel, live, name);
    }
    for (const rel of state.allRelations) {
      if (rel.candidate || !rel.alive || facing.has(rel)) continue;
      const name = state.display(rel);
      if (rel.kind === 'table') {
        this.add(
          'adding-table',
          rel.createdAt,
          `table ${name} was created`,
          name,
        );
      } else {
        this.add(
          'adding-view',
          rel.createdAt,
          `${rel.kind} ${name} was created`,
          name,
        );
      }
    }
    return facing;
  }

  /** The candidate's columns of `cand` against what `live` has now. */
  private columns(cand: Relation, live: Relation, table: string) {
    const candidateNames = new Set<string>();
    for (const col of cand.allColumns) {
      if (!col.candidate) continue;
      const name = col.candidate.name;
      candidateNames.add(name);
      const object = `${table}.${name}`;
      const cur = live.columns.get(name);
      if (!cur) {
        if (live === cand && col.alive) {
          this.add(
            'renaming-column',
            col.renamedAwayAt,
            `${object} was renamed to ${col.name}`,
            object,
          );
        } else if (live === cand) {
          this.add(
            'ban-drop-column',
            col.droppedAt,
            `${object} was dropped`,
            object,
          );
        } else {
          this.add(
            'ban-drop-column',
            live.createdAt,
            `${object} is missing from the new ${table}`,
            object,
          );
        }
        continue;
      }
      const same = cur === col;
      if (!same && live === cand) {
        this.add(
          'ban-drop-column',
          cur.addedAt,
          `${object} was dropped and added again; its old values are gone`,
          object,
          { status: 'warn', blocking: false },
        );
      }
      this.attributes(col.candidate, cur, same, object);
    }
    // A table recreated in place of one whose columns we were not shown:
    // which of its columns are new to the candidate cannot be told.
    if (live !== cand && !cand.columnsKnown) return;
    for (const col of live.columns.values()) {
      if (col.candidate || candidateNames.has(col.name)) continue;
      this.newColumn(col, `${table}.${col.name}`);
    }
  }

  private newColumn(col: Column, object: string) {
    const f = col.facts;
    if (f.notNull === true && f.hasDefault !== true) {
      this.add(
        'adding-required-field',
        latest(col.addedAt, col.notNullAt, col.defaultAt),
        `${object} is NOT NULL without a default; the candidate's INSERTs do not set it`,
        object,
      );
      return;
    }
    if (f.hasDefault) {
      this.add(
        'adding-field-with-default',
        col.addedAt,
        `${object} was added with a default; the candidate's INSERTs get it`,
        object,
      );
    } else {
      this.add(
        'adding-nullable-field',
        col.addedAt,
        `${object} was added as a nullable column`,
        object,
      );
    }
  }

  private enriched(t: ColumnType, when: 'candidate' | 'final'): ColumnType {
    if (t.userTypeId === undefined) return t;
    const type = this.typesById.get(t.userTypeId);
    if (!type) return t;
    // Named as it is now (or was, for the candidate), not as first written.
    const named =
      when === 'candidate' && type.candidate ? type.candidate : type;
    const display = `${this.state.display(named)}${'[]'.repeat(t.array ?? 0)}`;
    if (type.kind !== 'enum') return { ...t, display };
    // A type created since has all its values in view; one the candidate
    // had, only if we were shown them.
    const current =
      type.valuesKnown || type.createdAt
        ? type.values.map(v => v.name)
        : undefined;
    const values =
      when === 'candidate'
        ? type.candidate?.values ?? (type.createdAt ? current : undefined)
        : current;
    return { ...t, display, family: 'enum', values };
  }

  private attributes(
    cand: ColumnFacts,
    cur: Column,
    sameIdentity: boolean,
    object: string,
  ) {
    const f = cur.facts;
    const fallback = cur.addedAt;

    // Type.
    if (f.type && (cur.typeAt || !sameIdentity)) {
      const at = cur.typeAt ?? fallback;
      const replacing =
        f.type.userTypeId !== undefined &&
        this.replacingTypes.has(f.type.userTypeId);
      if (!cand.type) {
        // Moved onto an enum recreated under an old name: almost surely the
        // type it had, and the type's own finding reports the values.
        if (sameIdentity && !replacing) {
          this.add(
            'changing-column-type',
            at,
            `${object} changed type to ${
              this.enriched(f.type, 'final').display
            }; its old type is not known, so the candidate's reads and writes may no longer fit`,
            object,
          );
        }
      } else {
        this.typeChange(cand.type, f.type, at, object);
      }
    }

    // Nullability.
    if (f.notNull === true && cand.notNull !== true) {
      const at = cur.notNullAt ?? fallback;
      if (cand.notNull === false) {
        this.add(
          'adding-not-nullable-field',
          at,
          `${object} became NOT NULL; the candidate's writes that leave it NULL fail`,
          object,
        );
      } else if (
        cur.notNullAt &&
        // Old nullability unknown: an explicit SET NOT NULL says it was
        // nullable; a redefinition counts only without a default to fall
        // back on; a primary key's implied NOT NULL says nothing.
        (cur.notNullSource === 'explicit' ||
          (cur.notNullSource === 'redefined' && f.hasDefault !== true))
      ) {
        this.add(
          'adding-not-nullable-field',
          at,
          `${object} became NOT NULL (its old nullability is not known); the candidate's writes that leave it NULL fail`,
          object,
        );
      }
    } else if (f.notNull === false && cand.notNull !== false) {
      const at = cur.notNullAt ?? fallback;
      if (
        cand.notNull === true ||
        (cur.notNullAt && cur.notNullSource === 'explicit')
      ) {
        this.add(
          'ban-drop-not-null',
          at,
          `${object} is no longer NOT NULL; the candidate may read NULLs it never expected`,
          object,
        );
      }
    }

    // Default.
    if (f.hasDefault === false && cand.hasDefault !== false) {
      const at = cur.defaultAt ?? fallback;
      if (cand.hasDefault === true || (cur.defaultAt && cur.defaultExplicit)) {
        const known =
          cand.hasDefault === true
            ? 'lost its default'
            : 'lost its default (if it had one)';
        if (f.notNull === true) {
          this.add(
            'ban-drop-default',
            latest(at, cur.notNullAt),
            `${object} ${known} while NOT NULL; the candidate's INSERTs that relied on the default fail`,
            object,
          );
        } else if (f.notNull === undefined) {
          this.add(
            'ban-drop-default',
            at,
            `${object} ${known}; if it is NOT NULL, the candidate's INSERTs that relied on the default fail`,
            object,
            { status: 'warn' },
          );
        } else {
          this.add(
            'ban-drop-default',
            at,
            `${object} ${known}; the candidate's INSERTs now store NULL there`,
            object,
            { status: 'warn' },
          );
        }
      }
    }

    // Generated always: the candidate's writes to it are refused.
    if (f.alwaysGenerated && !cand.alwaysGenerated && cur.identityAt) {
      this.add(
        'ban-alter-identity',
        cur.identityAt,
        `${object} became GENERATED ALWAYS; the candidate's INSERTs and UPDATEs that set it fail`,
        object,
      );
    }
  }

  private typeChange(
    oldT: ColumnType,
    newT: ColumnType,
    at: OpRef | undefined,
    object: string,
  ) {
    const o = this.enriched(oldT, 'candidate');
    const n = this.enriched(newT, 'final');
    if (
      o.userTypeId !== undefined &&
      n.userTypeId !== undefined &&
      o.userTypeId !== n.userTypeId
    ) {
      // A PostgreSQL enum recreated under the candidate's type name: the
      // type's own finding reports the values, once.
      const oldType = this.typesById.get(o.userTypeId);
      const newType = this.typesById.get(n.userTypeId);
      if (
        oldType?.candidate &&
        newType &&
        key(oldType.candidate) === key(newType)
      )
        return;
    }
    const change = compareTypes(o, n);
    if (change.verdict === 'same') return;
    const from = `from ${o.display} to ${n.display}`;
    if (change.lostValues?.length) {
      this.add(
        'ban-drop-enum-value',
        at,
        `${object} changed type ${from}: ${change.lostValues
          .map(v => `'${v}'`)
          .join(', ')} no longer allowed; the candidate's writes of ${
          change.lostValues.length > 1 ? 'them' : 'it'
        } fail`,
        object,
      );
      return;
    }
    if (change.verdict === 'widening') {
      if (change.addedValues?.length) {
        this.add(
          'adding-enum-value',
          at,
          `${object} now also allows ${change.addedValues
            .map(v => `'${v}'`)
            .join(', ')}; the candidate may read values it does not know`,
          object,
        );
        return;
      }
      this.add(
        'changing-column-type',
        at,
        `${object} changed type ${from}, a widening; the candidate may read values it never wrote`,
        object,
        { status: 'warn' },
      );
      return;
    }
    this.add(
      'changing-column-type',
      at,
      `${object} changed type ${from}: ${
        change.reason ?? 'some old values no longer fit'
      }`,
      object,
    );
  }

  private schemas() {
    const { state } = this;
    for (const s of state.allSchemas) {
      if (s.candidateName === undefined) {
        if (s.alive && state.schemas.get(s.name) === s) {
          this.add(
            'adding-schema',
            s.createdAt,
            `schema ${s.name} was created`,
            `schema ${s.name}`,
          );
        }
        continue;
      }
      const object = `schema ${s.candidateName}`;
      const live = state.schemas.get(s.candidateName);
      if (live === s) continue;
      if (!live && s.alive) {
        this.add(
          'renaming-schema',
          s.renamedAwayAt,
          `schema ${s.candidateName} was renamed to ${s.name}; the candidate's queries of its tables fail`,
          object,
        );
      } else {
        this.add(
          'ban-drop-schema',
          s.droppedAt,
          `schema ${s.candidateName} was dropped${
            live ? ' (and created again)' : ''
          } with what it held`,
          object,
        );
      }
    }
  }

  private types() {
    const { state } = this;
    const faced = new Set<TypeObject>();
    for (const t of state.allTypes) {
      if (!t.candidate) continue;
      const name = state.display(t.candidate);
      const object = `type ${name}`;
      const live = state.types.get(key(t.candidate));
      if (live) faced.add(live);
      if (live === t) {
        for (const v of t.values) {
          if (v.candidateName !== undefined && v.name !== v.candidateName) {
            this.add(
              'renaming-enum-value',
              v.renamedAt,
              `type ${name} value '${v.candidateName}' was renamed to '${v.name}'; the candidate's writes of '${v.candidateName}' fail`,
              object,
            );
          } else if (v.addedAt) {
            this.add(
              'adding-enum-value',
              v.addedAt,
              `type ${name} gained value '${v.name}'; the candidate may read a value it does not know`,
              object,
            );
          }
        }
        continue;
      }
      if (live) {
        const newValues = live.values.map(v => v.name);
        const oldValues = t.candidate.values;
        if (!oldValues) {
          this.add(
            'ban-drop-enum-value',
            live.createdAt,
            `type ${name} was dropped and created again with (${newValues
              .map(v => `'${v}'`)
              .join(
                ', ',
              )}); the values the candidate knew are not known, so some may be gone`,
            object,
            { blocking: false },
          );
          continue;
        }
        const lost = oldValues.filter(v => !newValues.includes(v));
        const added = newValues.filter(v => !oldValues.includes(v));
        if (lost.length) {
          this.add(
            'ban-drop-enum-value',
            live.createdAt,
            `type ${name} was recreated without ${lost
              .map(v => `'${v}'`)
              .join(', ')}; the candidate's writes of ${
              lost.length > 1 ? 'them' : 'it'
            } fail`,
            object,
          );
        }
        if (added.length) {
          this.add(
            'adding-enum-value',
            live.createdAt,
            `type ${name} was recreated with new value${
              added.length > 1 ? 's' : ''
            } ${added
              .map(v => `'${v}'`)
              .join(', ')}; the candidate may read values it does not know`,
            object,
          );
        }
        continue;
      }
      if (t.alive) {
        this.add(
          'renaming-type',
          t.renamedAwayAt,
          `type ${name} was renamed to ${state.display(
            t,
          )}; columns keep it, but the candidate's casts to ${name} fail`,
          object,
        );
      } else {
        this.add(
          'ban-drop-type',
          t.droppedAt,
          `type ${name} was dropped`,
          object,
        );
      }
    }
    for (const t of state.allTypes) {
      if (t.candidate || !t.alive || faced.has(t)) continue;
      const name = state.display(t);
      this.add(
        'adding-type',
        t.createdAt,
        `${t.kind === 'enum' ? 'enum ' : ''}type ${name} was created`,
        `type ${name}`,
      );
    }
  }

  private sequences() {
    const { state } = this;
    for (const s of state.allSequences) {
      const name = state.display(s);
      if (s.candidate && !s.alive) {
        this.add(
          'ban-drop-sequence',
          s.droppedAt,
          `sequence ${name} was dropped; the candidate's nextval() on it fails`,
          `sequence ${name}`,
        );
      } else if (!s.candidate && s.alive) {
        this.add(
          'adding-sequence',
          s.createdAt,
          `sequence ${name} was created`,
          `sequence ${name}`,
        );
      }
    }
  }
}

/**
 * Every finding of the net effect, with where it happened.
 *
 * @internal
 */
export function evaluate(state: SchemaState): PlacedFinding[] {
  return new Evaluator(state).run();
}
