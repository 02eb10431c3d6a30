/**
 * PostgreSQL statements into schema operations, read with the real
 * PostgreSQL parser (libpg-query, WASM).
 */
import { loadModule, parseSync } from 'libpg-query';
import type {
  AlterTableCmd,
  ColumnDef,
  Constraint,
  Node,
  RangeVar,
  RawStmt,
  TypeName,
} from 'libpg-query';
import { ColumnType, PG_SERIAL_TYPES, pgColumnType } from './columnType';
import {
  ColumnSpec,
  ConstraintSpec,
  Op,
  QName,
  ReadStatement,
  RelationKind,
} from './ops';
import { splitStatements, stripLeadingComments } from './split';

let loading: Promise<void> | undefined;

// psql meta-commands that only set the client's variables or output.
const PSQL_HARMLESS =
  /^\\(?:set|unset|echo|qecho|warn|timing|pset|encoding|conninfo|if|elif|else|endif|o|out|x|a|t|f|h|\?)(?:\s|$)/;

/**
 * Loads the WASM parser once per process.
 *
 * @internal
 */
export function loadPostgresParser(): Promise<void> {
  if (!loading) {
    loading = loadModule().catch(error => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

type Ctx = { schema: string };

// Statements that cannot change what the candidate's queries meet.
const IGNORED = new Set([
  'TransactionStmt',
  'VariableShowStmt',
  'SelectStmt',
  'CommentStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'VacuumStmt',
  'ExplainStmt',
  'LockStmt',
  'CheckPointStmt',
  'NotifyStmt',
  'ListenStmt',
  'UnlistenStmt',
  'DiscardStmt',
  'AlterDefaultPrivilegesStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'AlterOwnerStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CreateExtensionStmt',
  'AlterExtensionStmt',
  'RefreshMatViewStmt',
  'ClusterStmt',
  'ReindexStmt',
  'SecLabelStmt',
  'CreateStatsStmt',
  'AlterStatsStmt',
  'CreatePublicationStmt',
  'AlterPublicationStmt',
  'CreateSubscriptionStmt',
  'AlterSubscriptionStmt',
  'DropSubscriptionStmt',
  'ConstraintsSetStmt',
  'DeallocateStmt',
  'CreateTableSpaceStmt',
  'AlterTableSpaceOptionsStmt',
  'AlterDatabaseSetStmt',
  'AlterDatabaseStmt',
  'AlterSeqStmt',
  'AlterFunctionStmt',
  'AlterTypeStmt',
  'AlterTSConfigurationStmt',
  'AlterTSDictionaryStmt',
  'CreateCastStmt',
  'CreateOpClassStmt',
  'CreateOpFamilyStmt',
  'AlterOpFamilyStmt',
  'CreateConversionStmt',
  'CreateFdwStmt',
  'CreateForeignServerStmt',
  'CreateUserMappingStmt',
  'CreateTransformStmt',
  'CreatePLangStmt',
  'CreateAmStmt',
  'AlterCollationStmt',
  'AlterSystemStmt',
  'ReassignOwnedStmt',
  'DropOwnedStmt',
  'LoadStmt',
  'ClosePortalStmt',
  'FetchStmt',
  'DeclareCursorStmt',
]);

// What the classifier cannot see into: routines, triggers, rules, dynamic SQL.
const OPAQUE: Record<string, string> = {
  DoStmt: 'a DO block',
  CreateFunctionStmt: 'a function or procedure definition',
  CreateTrigStmt: 'a trigger',
  CreateEventTrigStmt: 'an event trigger',
  AlterEventTrigStmt: 'an event trigger change',
  RuleStmt: 'a rule',
  CallStmt: 'a procedure call',
  ExecuteStmt: 'a prepared statement execution',
  PrepareStmt: 'a prepared statement',
  AlterDomainStmt: 'a domain change',
  ImportForeignSchemaStmt: 'a foreign schema import',
  CreatedbStmt: 'a database creation',
  DropdbStmt: 'a database drop',
  AlterObjectDependsStmt: 'an extension dependency',
  AlterExtensionContentsStmt: 'an extension content change',
};

const HARMLESS_SUBCOMMANDS = new Set([
  'AT_ValidateConstraint',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_ChangeOwner',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetLogged',
  'AT_SetUnLogged',
  'AT_SetAccessMethod',
  'AT_SetTableSpace',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ReplaceRelOptions',
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_EnableRule',
  'AT_EnableAlwaysRule',
  'AT_EnableReplicaRule',
  'AT_DisableRule',
  'AT_ReplicaIdentity',
  'AT_DisableRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_GenericOptions',
  'AT_AlterColumnGenericOptions',
  'AT_AlterConstraint',
  'AT_SetIdentity',
  'AT_DropExpression',
  'AT_SetExpression',
  'AT_DropOids',
]);

const str = (n: Node | undefined): string | undefined =>
  n && 'String' in n ? n.String.sval ?? '' : undefined;

const strings = (list: Node[] | undefined): string[] =>
  (list ?? []).map(str).filter((s): s is string => s !== undefined);

const displayName = (q: QName) =>
  q.schema === 'public' ? q.name : `${q.schema}.${q.name}`;

function qname(rv: RangeVar | undefined, ctx: Ctx): QName {
  return { schema: rv?.schemaname ?? ctx.schema, name: rv?.relname ?? '' };
}

function qnameOf(names: string[], ctx: Ctx): QName {
  return names.length > 1
    ? { schema: names[names.length - 2], name: names[names.length - 1] }
    : { schema: ctx.schema, name: names[0] ?? '' };
}

function intOf(n: Node): number | undefined {
  if ('A_Const' in n) {
    const c = n.A_Const;
    if (c.ival) return c.ival.ival ?? 0;
    if (c.sval?.sval && /^\d+$/.test(c.sval.sval)) return Number(c.sval.sval);
  }
  return undefined;
}

function columnType(
  tn: TypeName | undefined,
  ctx: Ctx,
): ColumnType | undefined {
  if (!tn) return undefined;
  const names = strings(tn.names);
  const mods = (tn.typmods ?? [])
    .map(intOf)
    .filter((v): v is number => v !== undefined);
  const dims = tn.arrayBounds?.length ?? 0;
  const base = names[names.length - 1] ?? '';
  const t = pgColumnType(names, base === 'interval' ? [] : mods, dims);
  if (t.family === 'other') {
    const q = qnameOf(
      names.filter(n => n !== 'pg_catalog'),
      ctx,
    );
    t.ref = `${q.schema}.${q.name}`;
  }
  return t;
}

function isNullConstant(n: Node | undefined): boolean {
  if (!n) return true;
  if ('A_Const' in n) return !!n.A_Const.isnull;
  if ('TypeCast' in n) return isNullConstant(n.TypeCast.arg);
  return false;
}

/** Column names an expression reads (for CHECK constraints). */
function columnRefs(node: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(node)) {
    for (const n of node) columnRefs(n, out);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const ref = record.ColumnRef as { fields?: Node[] } | undefined;
    if (ref?.fields) {
      const names = strings(ref.fields);
      if (names.length) out.add(names[names.length - 1]);
    }
    for (const value of Object.values(record)) {
      if (value && typeof value === 'object') columnRefs(value, out);
    }
  }
  return [...out];
}

function constraintSpec(
  c: Constraint,
  column?: string,
): ConstraintSpec | undefined {
  // An inline constraint without a column list is about its own column.
  const own = column ? [column] : [];
  const cols = (list: Node[] | undefined) => {
    const names = strings(list);
    return names.length ? names : own;
  };
  switch (c.contype) {
    case 'CONSTR_PRIMARY':
      return {
        kind: 'primary',
        name: c.conname,
        columns: cols(c.keys),
        usingIndex: c.indexname,
      };
    case 'CONSTR_UNIQUE':
      return {
        kind: 'unique',
        name: c.conname,
        columns: cols(c.keys),
        usingIndex: c.indexname,
      };
    case 'CONSTR_CHECK': {
      const refs = columnRefs(c.raw_expr);
      return {
        kind: 'check',
        name: c.conname,
        columns: refs.length ? refs : own,
        notValid: c.skip_validation,
      };
    }
    case 'CONSTR_FOREIGN':
      return {
        kind: 'foreign',
        name: c.conname,
        columns: cols(c.fk_attrs),
        notValid: c.skip_validation,
      };
    case 'CONSTR_EXCLUSION':
      return {
        kind: 'exclusion',
        name: c.conname,
        columns: columnRefs(c.exclusions),
      };
    default:
      return undefined;
  }
}

function columnSpec(def: ColumnDef, ctx: Ctx): ColumnSpec {
  const name = def.colname ?? '';
  const type = columnType(def.typeName, ctx);
  const base = strings(def.typeName?.names).pop()?.toLowerCase() ?? '';
  const spec: ColumnSpec = {
    name,
    type,
    notNull: !!def.is_not_null,
    hasDefault:
      PG_SERIAL_TYPES.has(base) ||
      (def.raw_default ? !isNullConstant(def.raw_default) : false),
    constraints: [],
  };
  if (PG_SERIAL_TYPES.has(base)) spec.notNull = true;
  for (const node of def.constraints ?? []) {
    if (!('Constraint' in node)) continue;
    const c = node.Constraint;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        spec.notNull = true;
        break;
      case 'CONSTR_NULL':
        spec.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        spec.hasDefault = !isNullConstant(c.raw_expr);
        break;
      case 'CONSTR_IDENTITY':
        spec.hasDefault = true;
        spec.notNull = true;
        if (c.generated_when === 'a') spec.alwaysGenerated = true;
        break;
      case 'CONSTR_GENERATED':
        spec.hasDefault = true;
        spec.alwaysGenerated = true;
        break;
      case 'CONSTR_PRIMARY':
        spec.notNull = true;
        spec.constraints.push(constraintSpec(c, name)!);
        break;
      default: {
        const cs = constraintSpec(c, name);
        if (cs) spec.constraints.push(cs);
      }
    }
  }
  return spec;
}

function unknown(
  message: string,
  rule:
    | 'unparsed-statement'
    | 'unsupported-statement' = 'unsupported-statement',
): Op {
  return { op: 'unknown', rule, message };
}

function alterTableCmd(
  cmd: AlterTableCmd,
  table: QName,
  ctx: Ctx,
  ifTableExists: boolean,
): Op[] {
  const column = cmd.name ?? '';
  const withTable = <T extends Op>(op: T): T =>
    ifTableExists ? { ...op, ifTableExists } : op;
  const def = cmd.def;
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      if (!def || !('ColumnDef' in def))
        return [unknown('ADD COLUMN without a column definition')];
      return [
        withTable({
          op: 'addColumn',
          table,
          column: columnSpec(def.ColumnDef, ctx),
          ifNotExists: !!cmd.missing_ok,
        }),
      ];
    case 'AT_ColumnDefault':
      return [
        withTable({
          op: 'setDefault',
          table,
          column,
          hasDefault: !isNullConstant(def),
        }),
      ];
    case 'AT_DropNotNull':
      return [withTable({ op: 'setNotNull', table, column, notNull: false })];
    case 'AT_SetNotNull':
      return [withTable({ op: 'setNotNull', table, column, notNull: true })];
    case 'AT_DropColumn':
      return [
        withTable({
          op: 'dropColumn',
          table,
          column,
          ifExists: !!cmd.missing_ok,
        }),
      ];
    case 'AT_AlterColumnType': {
      const type =
        def && 'ColumnDef' in def
          ? columnType(def.ColumnDef.typeName, ctx)
          : undefined;
      if (!type) return [unknown('ALTER COLUMN TYPE without a type')];
      return [withTable({ op: 'alterColumnType', table, column, type })];
    }
    case 'AT_AddConstraint': {
      if (!def || !('Constraint' in def))
        return [unknown('ADD CONSTRAINT without a definition')];
      const c = def.Constraint;
      if (c.contype === 'CONSTR_NOTNULL') {
        return strings(c.keys).map(col =>
          withTable({ op: 'setNotNull', table, column: col, notNull: true }),
        );
      }
      const spec = constraintSpec(c);
      if (!spec)
        return [unknown(`ADD CONSTRAINT of kind ${c.contype ?? 'unknown'}`)];
      return [withTable({ op: 'addConstraint', table, constraint: spec })];
    }
    case 'AT_DropConstraint':
      return [
        withTable({
          op: 'dropConstraint',
          table,
          name: cmd.name,
          ifExists: !!cmd.missing_ok,
        }),
      ];
    case 'AT_AddIdentity': {
      const c = def && 'Constraint' in def ? def.Constraint : undefined;
      return [
        withTable({
          op: 'setIdentity',
          table,
          column,
          always: c?.generated_when === 'a',
        }),
      ];
    }
    case 'AT_DropIdentity':
      return [withTable({ op: 'dropIdentity', table, column })];
    case 'AT_EnableRowSecurity':
    case 'AT_ForceRowSecurity':
      return [
        {
          op: 'note',
          status: 'warn',
          rule: 'row-level-security',
          message: `row-level security is enforced on ${displayName(
            table,
          )}; the candidate's queries only see and write the rows its policies allow`,
          object: displayName(table),
        },
      ];
    case 'AT_AttachPartition':
    case 'AT_DetachPartition':
    case 'AT_DetachPartitionFinalize':
      return [
        {
          op: 'note',
          status: 'warn',
          rule: 'data-change',
          message: `a partition was ${
            cmd.subtype === 'AT_AttachPartition'
              ? 'attached to'
              : 'detached from'
          } ${displayName(table)}; the candidate reads a different set of rows`,
          object: displayName(table),
        },
      ];
    default:
      if (cmd.subtype && HARMLESS_SUBCOMMANDS.has(cmd.subtype)) return [];
      return [
        unknown(
          `ALTER TABLE subcommand ${
            cmd.subtype ?? 'unknown'
          } is not understood`,
        ),
      ];
  }
}

const RELATION_KINDS: Record<string, RelationKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
};

function listNames(list: Node[] | undefined, ctx: Ctx): QName[] {
  return (list ?? []).map(n => {
    if ('List' in n) return qnameOf(strings(n.List.items), ctx);
    if ('TypeName' in n) return qnameOf(strings(n.TypeName.names), ctx);
    return qnameOf([str(n) ?? ''], ctx);
  });
}

/** The operations of one parsed statement. */
function statementOps(node: Node, ctx: Ctx): Op[] {
  const [kind] = Object.keys(node);
  if (IGNORED.has(kind)) return [];
  if (OPAQUE[kind]) {
    return [
      unknown(
        `${OPAQUE[kind]} can change anything; the classifier does not look inside it`,
      ),
    ];
  }
  if ('VariableSetStmt' in node) {
    const v = node.VariableSetStmt;
    if (v.name === 'search_path' && v.kind === 'VAR_SET_VALUE') {
      const first = v.args?.[0];
      const value =
        first && 'A_Const' in first ? first.A_Const.sval?.sval : undefined;
      if (value) ctx.schema = value.replace(/^"|"$/g, '');
    } else if (v.name === 'search_path') {
      ctx.schema = 'public';
    }
    return [];
  }
  if ('CreateStmt' in node) {
    const s = node.CreateStmt;
    if (s.relation?.relpersistence === 't') return [];
    const table = qname(s.relation, ctx);
    const columns: ColumnSpec[] = [];
    const constraints: ConstraintSpec[] = [];
    let columnsKnown = !s.inhRelations?.length && !s.ofTypename && !s.partbound;
    for (const el of s.tableElts ?? []) {
      if ('ColumnDef' in el) columns.push(columnSpec(el.ColumnDef, ctx));
      else if ('Constraint' in el) {
        const c = constraintSpec(el.Constraint);
        if (c) constraints.push(c);
        if (el.Constraint.contype === 'CONSTR_NOTNULL') {
          for (const col of strings(el.Constraint.keys)) {
            const spec = columns.find(x => x.name === col);
            if (spec) spec.notNull = true;
          }
        }
      } else if ('TableLikeClause' in el) columnsKnown = false;
    }
    for (const c of constraints) {
      if (c.kind !== 'primary') continue;
      for (const col of c.columns) {
        const spec = columns.find(x => x.name === col);
        if (spec) spec.notNull = true;
      }
    }
    return [
      {
        op: 'createTable',
        table,
        ifNotExists: !!s.if_not_exists,
        columns,
        constraints,
        columnsKnown,
      },
    ];
  }
  if ('CreateTableAsStmt' in node) {
    const s = node.CreateTableAsStmt;
    const rel = s.into?.rel;
    if (rel?.relpersistence === 't') return [];
    const name = qname(rel, ctx);
    if (s.objtype === 'OBJECT_MATVIEW') {
      return [
        {
          op: 'createView',
          view: name,
          orReplace: false,
          materialized: true,
          ifNotExists: !!s.if_not_exists,
        },
      ];
    }
    return [
      {
        op: 'createTable',
        table: name,
        ifNotExists: !!s.if_not_exists,
        columns: [],
        constraints: [],
        columnsKnown: false,
      },
    ];
  }
  if ('ViewStmt' in node) {
    const s = node.ViewStmt;
    if (s.view?.relpersistence === 't') return [];
    return [
      {
        op: 'createView',
        view: qname(s.view, ctx),
        orReplace: !!s.replace,
        materialized: false,
      },
    ];
  }
  if ('IndexStmt' in node) {
    const s = node.IndexStmt;
    const table = qname(s.relation, ctx);
    const columns = (s.indexParams ?? [])
      .map(p => ('IndexElem' in p ? p.IndexElem.name : undefined))
      .filter((n): n is string => !!n);
    return [
      {
        op: 'createIndex',
        table,
        name: s.idxname ? { schema: table.schema, name: s.idxname } : undefined,
        unique: !!s.unique || !!s.primary,
        columns,
        ifNotExists: !!s.if_not_exists,
      },
    ];
  }
  if ('AlterTableStmt' in node) {
    const s = node.AlterTableStmt;
    if (s.objtype !== 'OBJECT_TABLE' && s.objtype !== 'OBJECT_FOREIGN_TABLE')
      return [];
    const table = qname(s.relation, ctx);
    const ops: Op[] = [];
    for (const c of s.cmds ?? []) {
      if ('AlterTableCmd' in c)
        ops.push(...alterTableCmd(c.AlterTableCmd, table, ctx, !!s.missing_ok));
    }
    return ops;
  }
  if ('RenameStmt' in node) {
    const s = node.RenameStmt;
    const newname = s.newname ?? '';
    switch (s.renameType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_FOREIGN_TABLE': {
        const from = qname(s.relation, ctx);
        return [
          {
            op: 'renameRelation',
            from,
            to: { schema: from.schema, name: newname },
            ifExists: !!s.missing_ok,
          },
        ];
      }
      case 'OBJECT_COLUMN':
        return [
          {
            op: 'renameColumn',
            table: qname(s.relation, ctx),
            from: s.subname ?? '',
            to: newname,
            ...(s.missing_ok ? { ifTableExists: true } : {}),
          },
        ];
      case 'OBJECT_SCHEMA':
        return [{ op: 'renameSchema', from: s.subname ?? '', to: newname }];
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const obj = s.object;
        const names =
          obj && 'List' in obj
            ? strings(obj.List.items)
            : strings(obj ? [obj] : []);
        const from = qnameOf(names, ctx);
        return [
          {
            op: 'renameType',
            from,
            to: { schema: from.schema, name: newname },
          },
        ];
      }
      case 'OBJECT_INDEX': {
        const from = qname(s.relation, ctx);
        return [
          {
            op: 'renameIndex',
            from,
            to: { schema: from.schema, name: newname },
          },
        ];
      }
      default:
        return [];
    }
  }
  if ('AlterObjectSchemaStmt' in node) {
    const s = node.AlterObjectSchemaStmt;
    const to = s.newschema ?? ctx.schema;
    if (s.objectType && RELATION_KINDS[s.objectType]) {
      const from = qname(s.relation, ctx);
      return [
        {
          op: 'renameRelation',
          from,
          to: { schema: to, name: from.name },
          ifExists: !!s.missing_ok,
        },
      ];
    }
    if (s.objectType === 'OBJECT_TYPE' || s.objectType === 'OBJECT_DOMAIN') {
      const obj = s.object;
      const names = obj && 'List' in obj ? strings(obj.List.items) : [];
      const from = qnameOf(names, ctx);
      return [{ op: 'renameType', from, to: { schema: to, name: from.name } }];
    }
    return [];
  }
  if ('DropStmt' in node) {
    const s = node.DropStmt;
    const ifExists = !!s.missing_ok;
    const cascade = s.behavior === 'DROP_CASCADE';
    const type = s.removeType ?? '';
    if (RELATION_KINDS[type]) {
      return [
        {
          op: 'dropRelations',
          kind: RELATION_KINDS[type],
          names: listNames(s.objects, ctx),
          ifExists,
          cascade,
        },
      ];
    }
    switch (type) {
      case 'OBJECT_INDEX':
        return listNames(s.objects, ctx).map(name => ({
          op: 'dropIndex',
          name,
          ifExists,
        }));
      case 'OBJECT_SEQUENCE':
        return listNames(s.objects, ctx).map(name => ({
          op: 'dropSequence',
          name,
          ifExists,
        }));
      case 'OBJECT_SCHEMA':
        return strings(s.objects).map(name => ({
          op: 'dropSchema',
          name,
          ifExists,
          cascade,
        }));
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        return listNames(s.objects, ctx).map(name => ({
          op: 'dropType',
          name,
          ifExists,
          cascade,
        }));
      case 'OBJECT_EXTENSION':
        return [
          unknown(
            'dropping an extension can drop the types, functions and columns that depend on it',
          ),
        ];
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE':
      case 'OBJECT_AGGREGATE':
        return [
          unknown(
            'dropping a routine: whether the candidate calls it is not known',
          ),
        ];
      default:
        return [];
    }
  }
  if ('CreateSchemaStmt' in node) {
    const s = node.CreateSchemaStmt;
    const name = s.schemaname ?? '';
    const inner: Ctx = { schema: name };
    return [
      { op: 'createSchema', name, ifNotExists: !!s.if_not_exists },
      ...(s.schemaElts ?? []).flatMap(el => statementOps(el, inner)),
    ];
  }
  if ('CreateEnumStmt' in node) {
    const s = node.CreateEnumStmt;
    return [
      {
        op: 'createEnum',
        type: qnameOf(strings(s.typeName), ctx),
        values: strings(s.vals),
      },
    ];
  }
  if ('CompositeTypeStmt' in node) {
    return [
      {
        op: 'createType',
        type: qname(node.CompositeTypeStmt.typevar, ctx),
        what: 'composite type',
      },
    ];
  }
  if ('CreateDomainStmt' in node) {
    return [
      {
        op: 'createType',
        type: qnameOf(strings(node.CreateDomainStmt.domainname), ctx),
        what: 'domain',
      },
    ];
  }
  if ('CreateRangeStmt' in node) {
    return [
      {
        op: 'createType',
        type: qnameOf(strings(node.CreateRangeStmt.typeName), ctx),
        what: 'range type',
      },
    ];
  }
  if ('DefineStmt' in node) {
    const s = node.DefineStmt;
    if (s.kind === 'OBJECT_TYPE') {
      return [
        {
          op: 'createType',
          type: qnameOf(strings(s.defnames), ctx),
          what: 'type',
        },
      ];
    }
    if (s.kind === 'OBJECT_AGGREGATE')
      return [unknown('an aggregate definition')];
    return [];
  }
  if ('AlterEnumStmt' in node) {
    const s = node.AlterEnumStmt;
    const type = qnameOf(strings(s.typeName), ctx);
    if (s.oldVal !== undefined) {
      return [
        { op: 'renameEnumValue', type, from: s.oldVal, to: s.newVal ?? '' },
      ];
    }
    return [
      {
        op: 'addEnumValue',
        type,
        value: s.newVal ?? '',
        ifNotExists: !!s.skipIfNewValExists,
      },
    ];
  }
  if ('CreateSeqStmt' in node) {
    const s = node.CreateSeqStmt;
    if (s.sequence?.relpersistence === 't') return [];
    return [
      {
        op: 'createSequence',
        name: qname(s.sequence, ctx),
        ifNotExists: !!s.if_not_exists,
      },
    ];
  }
  if ('InsertStmt' in node) {
    const s = node.InsertStmt;
    const select =
      s.selectStmt && 'SelectStmt' in s.selectStmt
        ? s.selectStmt.SelectStmt
        : undefined;
    return [
      {
        op: 'dataChange',
        verb: 'INSERT',
        table: qname(s.relation, ctx),
        fromQuery: !!select && !select.valuesLists?.length,
      },
    ];
  }
  if ('UpdateStmt' in node) {
    return [
      {
        op: 'dataChange',
        verb: 'UPDATE',
        table: qname(node.UpdateStmt.relation, ctx),
        fromQuery: true,
      },
    ];
  }
  if ('DeleteStmt' in node) {
    return [
      {
        op: 'dataChange',
        verb: 'DELETE',
        table: qname(node.DeleteStmt.relation, ctx),
        fromQuery: true,
      },
    ];
  }
  if ('MergeStmt' in node) {
    return [
      {
        op: 'dataChange',
        verb: 'MERGE',
        table: qname(node.MergeStmt.relation, ctx),
        fromQuery: true,
      },
    ];
  }
  if ('TruncateStmt' in node) {
    return (node.TruncateStmt.relations ?? [])
      .map(r => ('RangeVar' in r ? qname(r.RangeVar, ctx) : undefined))
      .filter((q): q is QName => !!q)
      .map(table => ({
        op: 'dataChange',
        verb: 'TRUNCATE',
        table,
        fromQuery: true,
      }));
  }
  if ('CopyStmt' in node) {
    const s = node.CopyStmt;
    if (!s.is_from || !s.relation) return [];
    return [
      {
        op: 'dataChange',
        verb: 'COPY',
        table: qname(s.relation, ctx),
        fromQuery: true,
      },
    ];
  }
  return [
    unknown(
      `${kind.replace(
        /Stmt$/,
        '',
      )} statements are not understood by the classifier`,
    ),
  ];
}

function readRaw(raw: RawStmt, text: string, ctx: Ctx): ReadStatement {
  if (!raw.stmt) return { text, ops: [] };
  try {
    return { text, ops: statementOps(raw.stmt, ctx) };
  } catch (error) {
    return { text, ops: [unknown(`could not be read: ${String(error)}`)] };
  }
}

/**
 * Reads a PostgreSQL migration file. The whole file is parsed at once when it
 * can be; otherwise it is split into statements and each is parsed alone, so
 * that one bad statement does not hide the others.
 *
 * @internal
 */
export function readPostgres(source: string): ReadStatement[] {
  // The parser reads a C string: a NUL would silently end the file there.
  const sql = source.split('\u0000').join(' ');
  const ctx: Ctx = { schema: 'public' };
  try {
    const parsed = parseSync(sql);
    const bytes = Buffer.from(sql, 'utf8');
    return (parsed.stmts ?? []).map(raw => {
      const start = raw.stmt_location ?? 0;
      const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
      const text = stripLeadingComments(
        bytes.subarray(start, end).toString('utf8'),
        'postgresql',
      );
      return readRaw(raw, text, ctx);
    });
  } catch {
    // Fall through to statement-by-statement reading.
  }
  const out: ReadStatement[] = [];
  for (const piece of splitStatements(sql, 'postgresql')) {
    if (piece.code.startsWith('\\')) {
      if (!PSQL_HARMLESS.test(piece.code)) {
        out.push({
          text: piece.text,
          ops: [
            unknown(
              'a psql meta-command is not SQL; what it does (include a file, switch database, run generated SQL) is not known',
            ),
          ],
        });
      }
      continue;
    }
    let stmts: RawStmt[];
    try {
      stmts = parseSync(piece.code).stmts ?? [];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      out.push({
        text: piece.text,
        ops: [unknown(`could not be parsed (${reason})`, 'unparsed-statement')],
      });
      continue;
    }
    for (const raw of stmts) out.push(readRaw(raw, piece.text, ctx));
  }
  return out;
}
