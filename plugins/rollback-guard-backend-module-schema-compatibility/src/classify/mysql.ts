/**
 * MySQL statements into schema operations, read with node-sql-parser's MySQL
 * grammar, with regular-expression fallbacks for what that grammar lacks
 * (`ALTER COLUMN … SET/DROP DEFAULT`, `RENAME INDEX`, table options).
 */
import { Parser } from 'node-sql-parser/build/mysql';
import { mysqlColumnType } from './columnType';
import { ColumnSpec, ConstraintSpec, Op, QName, ReadStatement } from './ops';
import { splitStatements } from './split';

type Rec = Record<string, unknown>;

let parser: Parser | undefined;
const getParser = () => (parser ??= new Parser());

const rec = (v: unknown): Rec | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const lower = (v: string) => v.toLowerCase();

/** A name from the parser: a string, or a quoted-string node. */
function ident(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const r = rec(v);
  if (!r) return undefined;
  if (typeof r.value === 'string') return r.value;
  if (r.expr !== undefined) return ident(r.expr);
  if (r.column !== undefined) return ident(r.column);
  return undefined;
}

const columnName = (ref: unknown) => lower(ident(ref) ?? '');

function tableName(v: unknown): QName {
  if (typeof v === 'string') return { schema: '', name: lower(v) };
  const r = rec(v) ?? {};
  return {
    schema: lower(ident(r.db) ?? ''),
    name: lower(ident(r.table) ?? ident(r.view) ?? ''),
  };
}

// An identifier as written: `quoted`, "quoted" or bare.
const ID = '(?:`(?:[^`]|``)+`|"[^"]+"|[\\w$]+)';
const QID = `${ID}(?:\\s*\\.\\s*${ID})?`;

function unquote(id: string): string {
  const t = id.trim();
  if (t.startsWith('`')) return t.slice(1, -1).replace(/``/g, '`');
  if (t.startsWith('"')) return t.slice(1, -1);
  return t;
}

function parseQName(text: string): QName {
  const parts = text.match(new RegExp(ID, 'g')) ?? [];
  const names = parts.map(p => lower(unquote(p)));
  return names.length > 1
    ? { schema: names[0], name: names[1] }
    : { schema: '', name: names[0] ?? '' };
}

const IGNORED =
  /^(?:set|use|begin|start\s+transaction|commit|rollback|savepoint|release|select|lock\s+tables?|unlock\s+tables?|grant|revoke|analyze|optimize|check\s+table|checksum|flush|show|describe|desc|explain|do|help|kill|purge|reset|handler|xa|load\s+index|cache\s+index|deallocate|(?:create|alter|drop|rename)\s+user|(?:create|drop|set)\s+role|install|uninstall|drop\s+trigger|alter\s+event|drop\s+event)\b/i;
const OPAQUE =
  /^(?:(?:create|alter)\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:aggregate\s+)?(?:procedure|function|trigger|event)|drop\s+(?:procedure|function)|call|prepare|execute)\b/i;
const CREATE_VIEW = new RegExp(
  `^create\\s+(or\\s+replace\\s+)?(?:algorithm\\s*=\\s*\\w+\\s+)?(?:definer\\s*=\\s*\\S+\\s+)?(?:sql\\s+security\\s+\\w+\\s+)?view\\s+(${QID})`,
  'i',
);
const ALTER_TABLE = new RegExp(
  `^alter\\s+(?:online\\s+|ignore\\s+)*table\\s+(${QID})\\s+([\\s\\S]*)$`,
  'i',
);

function unknown(
  message: string,
  rule:
    | 'unparsed-statement'
    | 'unsupported-statement' = 'unsupported-statement',
): Op {
  return { op: 'unknown', rule, message };
}

function columnSpec(d: Rec, name = columnName(d.column)): ColumnSpec {
  const def = rec(d.definition) ?? {};
  const dataType = String(def.dataType ?? 'unknown');
  const suffix = arr(def.suffix).map(x => String(x).toUpperCase());
  const values = arr(rec(def.expr)?.value)
    .map(v => ident(v))
    .filter((v): v is string => v !== undefined);
  const length = typeof def.length === 'number' ? def.length : undefined;
  const scale = typeof def.scale === 'number' ? def.scale : undefined;
  const type = mysqlColumnType(
    dataType,
    length,
    scale,
    suffix.includes('UNSIGNED'),
    values,
  );
  const nullable = String(rec(d.nullable)?.type ?? '').toLowerCase();
  const defaultValue = rec(rec(d.default_val)?.value);
  const spec: ColumnSpec = {
    name,
    type,
    notNull: nullable === 'not null' || !!d.primary_key,
    hasDefault: !!defaultValue && defaultValue.type !== 'null',
    constraints: [],
  };
  if (d.auto_increment) spec.hasDefault = true;
  if (d.generated) {
    spec.hasDefault = true;
    spec.alwaysGenerated = true;
  }
  if (d.primary_key)
    spec.constraints.push({ kind: 'primary', columns: [name] });
  if (d.unique || d.unique_or_primary === 'unique') {
    spec.constraints.push({ kind: 'unique', columns: [name] });
  }
  if (d.reference_definition)
    spec.constraints.push({ kind: 'foreign', columns: [name] });
  if (d.check) spec.constraints.push({ kind: 'check', columns: [name] });
  return spec;
}

function definitionColumns(def: unknown): string[] {
  return arr(def)
    .map(c => (rec(c)?.type === 'column_ref' ? columnName(c) : undefined))
    .filter((c): c is string => !!c);
}

/** Columns an expression reads (CHECK constraints). */
function exprColumns(node: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(node)) node.forEach(n => exprColumns(n, out));
  const r = rec(node);
  if (r) {
    if (r.type === 'column_ref') out.add(columnName(r));
    else Object.values(r).forEach(v => exprColumns(v, out));
  }
  return [...out];
}

/** A table-level constraint or index definition, as an operation on `table`. */
function tableElement(d: Rec, table: QName): Op | undefined {
  if (d.resource === 'index') {
    return {
      op: 'createIndex',
      table,
      name: d.index
        ? { schema: table.schema, name: lower(String(ident(d.index))) }
        : undefined,
      unique: false,
      columns: definitionColumns(d.definition),
      ifNotExists: false,
    };
  }
  const type = String(d.constraint_type ?? '').toLowerCase();
  const name = ident(d.constraint) ?? ident(d.index);
  const named = name ? { name: lower(name) } : {};
  let spec: ConstraintSpec | undefined;
  if (type === 'primary key')
    spec = {
      kind: 'primary',
      columns: definitionColumns(d.definition),
      ...named,
    };
  else if (type.startsWith('unique'))
    spec = {
      kind: 'unique',
      columns: definitionColumns(d.definition),
      ...named,
    };
  else if (type === 'foreign key')
    spec = {
      kind: 'foreign',
      columns: definitionColumns(d.definition),
      ...named,
    };
  else if (type === 'check')
    spec = { kind: 'check', columns: exprColumns(d.definition), ...named };
  if (!spec) return undefined;
  return { op: 'addConstraint', table, constraint: spec };
}

function alterAction(a: Rec, table: QName): Op[] {
  const action = String(a.action ?? '').toLowerCase();
  const resource = String(a.resource ?? '').toLowerCase();
  const keyword = String(a.keyword ?? '').toLowerCase();
  if (!action) {
    // Table options: ALGORITHM=, LOCK=, ENGINE=, AUTO_INCREMENT=, CHARSET=, COMMENT=.
    return [];
  }
  if (action === 'add') {
    if (resource === 'column') {
      return [
        {
          op: 'addColumn',
          table,
          column: columnSpec(a),
          ifNotExists: !!a.if_not_exists,
        },
      ];
    }
    if (resource === 'index') {
      const op = tableElement(a, table);
      return op ? [op] : [];
    }
    if (resource === 'constraint') {
      const op = tableElement(rec(a.create_definitions) ?? {}, table);
      return op
        ? [op]
        : [unknown('ADD of a kind of constraint the classifier does not know')];
    }
  }
  if (action === 'drop') {
    if (resource === 'column') {
      return [
        {
          op: 'dropColumn',
          table,
          column: columnName(a.column),
          ifExists: !!a.if_exists,
        },
      ];
    }
    if (
      resource === 'index' ||
      (resource === 'key' && keyword === 'key') ||
      keyword === 'index'
    ) {
      const name = lower(ident(a.index) ?? ident(a.key) ?? '');
      return [
        {
          op: 'dropIndex',
          name: { schema: table.schema, name },
          table,
          ifExists: false,
        },
      ];
    }
    if (keyword === 'primary key') {
      return [
        { op: 'dropConstraint', table, kind: 'primary', ifExists: false },
      ];
    }
    if (keyword === 'foreign key') {
      return [
        {
          op: 'dropConstraint',
          table,
          name: lower(ident(a.key) ?? ''),
          kind: 'foreign',
          ifExists: false,
        },
      ];
    }
    if (resource === 'constraint') {
      return [
        {
          op: 'dropConstraint',
          table,
          name: lower(ident(a.constraint) ?? ''),
          kind: keyword === 'check' ? 'check' : undefined,
          ifExists: false,
        },
      ];
    }
  }
  if (action === 'modify') {
    const spec = columnSpec(a);
    return [{ op: 'redefineColumn', table, from: spec.name, column: spec }];
  }
  if (action === 'change') {
    const spec = columnSpec(a);
    return [
      {
        op: 'redefineColumn',
        table,
        from: columnName(a.old_column),
        column: spec,
      },
    ];
  }
  if (action === 'rename') {
    if (resource === 'column') {
      return [
        {
          op: 'renameColumn',
          table,
          from: columnName(a.old_column),
          to: columnName(a.column),
        },
      ];
    }
    if (resource === 'table') {
      const to = tableName(a.table);
      return [
        {
          op: 'renameRelation',
          from: table,
          to: { schema: to.schema || table.schema, name: to.name },
          ifExists: false,
        },
      ];
    }
  }
  if (action === 'algorithm' || action === 'lock') return [];
  return [
    unknown(
      `ALTER TABLE ${action.toUpperCase()} ${resource} is not understood`,
    ),
  ];
}

function astOps(ast: Rec, code: string): Op[] {
  const type = String(ast.type ?? '').toLowerCase();
  const keyword = String(ast.keyword ?? '').toLowerCase();
  switch (type) {
    case 'create': {
      if (keyword === 'table') {
        if (ast.temporary) return [];
        const table = tableName(arr(ast.table)[0]);
        const columns: ColumnSpec[] = [];
        const elements: Op[] = [];
        for (const el of arr(ast.create_definitions)) {
          const d = rec(el) ?? {};
          if (d.resource === 'column') columns.push(columnSpec(d));
          else {
            const op = tableElement(d, table);
            if (op) elements.push(op);
          }
        }
        const constraints = elements
          .filter(
            (o): o is Extract<Op, { op: 'addConstraint' }> =>
              o.op === 'addConstraint',
          )
          .map(o => o.constraint);
        for (const c of constraints) {
          if (c.kind !== 'primary') continue;
          for (const col of columns)
            if (c.columns.includes(col.name)) col.notNull = true;
        }
        const columnsKnown = !ast.like && !ast.query_expr;
        return [
          {
            op: 'createTable',
            table,
            ifNotExists: !!ast.if_not_exists,
            columns,
            constraints,
            columnsKnown,
          },
          ...elements.filter(o => o.op === 'createIndex'),
        ];
      }
      if (keyword === 'index') {
        const table = tableName(ast.table);
        const kind = String(ast.index_type ?? '').toLowerCase();
        return [
          {
            op: 'createIndex',
            table,
            name: { schema: table.schema, name: lower(ident(ast.index) ?? '') },
            unique: kind === 'unique',
            columns: definitionColumns(ast.index_columns),
            ifNotExists: false,
          },
        ];
      }
      if (keyword === 'database' || keyword === 'schema') {
        const db = rec(ast.database);
        const name = ident(arr(db?.schema)[0]) ?? ident(ast.database) ?? '';
        return [
          {
            op: 'createSchema',
            name: lower(name),
            ifNotExists: !!ast.if_not_exists,
          },
        ];
      }
      if (keyword === 'view') {
        return [
          {
            op: 'createView',
            view: tableName(ast.view),
            orReplace: !!ast.replace,
            materialized: false,
          },
        ];
      }
      return [
        unknown(
          `CREATE ${keyword.toUpperCase()} is not understood by the classifier`,
        ),
      ];
    }
    case 'alter': {
      const table = tableName(arr(ast.table)[0]);
      return arr(ast.expr).flatMap(a => alterAction(rec(a) ?? {}, table));
    }
    case 'rename':
      return arr(ast.table).map(pair => {
        const [from, to] = arr(pair);
        return {
          op: 'renameRelation',
          from: tableName(from),
          to: tableName(to),
          ifExists: false,
        } as Op;
      });
    case 'drop': {
      const ifExists = String(ast.prefix ?? '')
        .toLowerCase()
        .includes('if exists');
      if (keyword === 'table' || keyword === 'view') {
        return [
          {
            op: 'dropRelations',
            kind: keyword === 'view' ? 'view' : 'table',
            names: arr(ast.name).map(tableName),
            ifExists,
            cascade: false,
          },
        ];
      }
      if (keyword === 'index') {
        const table = tableName(ast.table);
        return [
          {
            op: 'dropIndex',
            name: { schema: table.schema, name: columnName(ast.name) },
            table,
            ifExists,
          },
        ];
      }
      if (keyword === 'database' || keyword === 'schema') {
        const name = ident(ast.name) ?? ident(arr(ast.name)[0]) ?? '';
        return [
          { op: 'dropSchema', name: lower(name), ifExists, cascade: true },
        ];
      }
      return [
        unknown(
          `DROP ${keyword.toUpperCase()} is not understood by the classifier`,
        ),
      ];
    }
    case 'insert':
    case 'replace': {
      const values = rec(ast.values);
      return arr(ast.table).map(
        t =>
          ({
            op: 'dataChange',
            verb: 'INSERT',
            table: tableName(t),
            fromQuery: values?.type === 'select' || /\bselect\b/i.test(code),
          } as Op),
      );
    }
    case 'update':
    case 'delete': {
      const tables =
        type === 'delete' && arr(ast.table).length === 0
          ? arr(ast.from)
          : arr(ast.table);
      return tables.slice(0, 1).map(
        t =>
          ({
            op: 'dataChange',
            verb: type === 'update' ? 'UPDATE' : 'DELETE',
            table: tableName(t),
            fromQuery: true,
          } as Op),
      );
    }
    case 'truncate':
      return arr(ast.name).map(
        t =>
          ({
            op: 'dataChange',
            verb: 'TRUNCATE',
            table: tableName(t),
            fromQuery: true,
          } as Op),
      );
    case 'select':
    case 'set':
    case 'use':
    case 'show':
    case 'desc':
    case 'lock':
    case 'unlock':
    case 'grant':
    case 'transaction':
      return [];
    default:
      return [
        unknown(
          `${type.toUpperCase()} statements are not understood by the classifier`,
        ),
      ];
  }
}

function astifyAs(code: string): Rec[] {
  const result = getParser().astify(code, { database: 'MySQL' }) as unknown;
  return (Array.isArray(result) ? result : [result]).map(r => rec(r) ?? {});
}

// Spellings MySQL accepts that the grammar does not, with equivalents it does.
const SPELLINGS: Array<[RegExp, string]> = [
  [/\bboolean\b|\bbool\b/gi, 'TINYINT(1)'],
  [/\bdouble\s+precision\b|\breal\b/gi, 'DOUBLE'],
  [/\bnational\s+(char|varchar)\b|\bn(char|varchar)\b/gi, '$1$2'],
  [/\b(?:dec|fixed)\b(?=\s*\()/gi, 'DECIMAL'],
  [
    /\bserial\b(?!\s+default)/gi,
    'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE',
  ],
  [/\b(?:in)?visible\b/gi, ''],
  [/(\b(?:var)?char\s*\(\s*\d+\s*\)|\btext)\s+binary\b/gi, '$1'],
  [/\bcharset\b/gi, 'CHARACTER SET'],
];

/** Applies `SPELLINGS` outside quoted strings and identifiers. */
function respell(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      out += code.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    let j = i;
    while (
      j < code.length &&
      code[j] !== "'" &&
      code[j] !== '"' &&
      code[j] !== '`'
    )
      j++;
    let chunk = code.slice(i, j);
    for (const [pattern, replacement] of SPELLINGS)
      chunk = chunk.replace(pattern, replacement);
    out += chunk;
    i = j;
  }
  return out;
}

/** Parses with the grammar; on failure, once more with MySQL's other spellings. */
function astify(code: string): Rec[] {
  try {
    return astifyAs(code);
  } catch (error) {
    const respelled = respell(code);
    if (respelled === code) throw error;
    try {
      return astifyAs(respelled);
    } catch {
      throw error;
    }
  }
}

/** Splits an ALTER TABLE's subcommands at top-level commas. */
function subcommands(rest: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(rest.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(rest.slice(start).trim());
  return out.filter(Boolean);
}

const SET_DEFAULT = new RegExp(
  `^alter\\s+(?:column\\s+)?(${ID})\\s+set\\s+default\\s+([\\s\\S]+)$`,
  'i',
);
const DROP_DEFAULT = new RegExp(
  `^alter\\s+(?:column\\s+)?(${ID})\\s+drop\\s+default$`,
  'i',
);
const SET_VISIBILITY = new RegExp(
  `^alter\\s+(?:column\\s+)?(${ID})\\s+set\\s+(?:visible|invisible)$`,
  'i',
);
const RENAME_INDEX = new RegExp(
  `^rename\\s+(?:index|key)\\s+(${ID})\\s+to\\s+(${ID})$`,
  'i',
);
const HARMLESS_OPTION =
  /^(?:algorithm|lock|engine|auto_increment|avg_row_length|checksum|comment|compression|connection|data\s+directory|index\s+directory|delay_key_write|encryption|insert_method|key_block_size|max_rows|min_rows|pack_keys|password|row_format|stats_auto_recalc|stats_persistent|stats_sample_pages|tablespace|(?:default\s+)?(?:character\s+set|charset|collate)|convert\s+to\s+(?:character\s+set|charset)|force|order\s+by|(?:enable|disable)\s+keys|(?:analyze|optimize|check|repair)\s+partition|with(?:out)?\s+validation)\b/i;

/** ALTER TABLE the grammar rejects: each subcommand on its own. */
function alterFallback(table: QName, tableText: string, rest: string): Op[] {
  const ops: Op[] = [];
  for (const sub of subcommands(rest)) {
    let m = SET_DEFAULT.exec(sub);
    if (m) {
      const value = m[2].trim();
      ops.push({
        op: 'setDefault',
        table,
        column: lower(unquote(m[1])),
        hasDefault: !/^null$/i.test(value),
      });
      continue;
    }
    m = DROP_DEFAULT.exec(sub);
    if (m) {
      ops.push({
        op: 'setDefault',
        table,
        column: lower(unquote(m[1])),
        hasDefault: false,
      });
      continue;
    }
    if (SET_VISIBILITY.test(sub) || HARMLESS_OPTION.test(sub)) continue;
    m = RENAME_INDEX.exec(sub);
    if (m) {
      ops.push({
        op: 'renameIndex',
        from: { schema: table.schema, name: lower(unquote(m[1])) },
        to: { schema: table.schema, name: lower(unquote(m[2])) },
      });
      continue;
    }
    try {
      for (const ast of astify(`ALTER TABLE ${tableText} ${sub}`)) {
        ops.push(...astOps(ast, sub));
      }
    } catch {
      ops.push(
        unknown(
          `part of this ALTER TABLE could not be parsed: ${sub.slice(0, 80)}`,
          'unparsed-statement',
        ),
      );
    }
  }
  return ops;
}

/** Statements the grammar rejects but whose shape a pattern recognises. */
function patternFallback(code: string): Op[] | undefined {
  let m = new RegExp(`^rename\\s+tables?\\s+([\\s\\S]+)$`, 'i').exec(code);
  if (m) {
    const pairs = subcommands(m[1]).map(p =>
      new RegExp(`^(${QID})\\s+to\\s+(${QID})$`, 'i').exec(p),
    );
    if (pairs.every(Boolean)) {
      return pairs.map(
        p =>
          ({
            op: 'renameRelation',
            from: parseQName(p![1]),
            to: parseQName(p![2]),
            ifExists: false,
          } as Op),
      );
    }
  }
  m = new RegExp(
    `^drop\\s+(?:temporary\\s+)?tables?\\s+(if\\s+exists\\s+)?([\\s\\S]+?)(?:\\s+(?:restrict|cascade))?$`,
    'i',
  ).exec(code);
  if (m) {
    if (/^drop\s+temporary/i.test(code)) return [];
    return [
      {
        op: 'dropRelations',
        kind: 'table',
        names: subcommands(m[2]).map(parseQName),
        ifExists: !!m[1],
        cascade: false,
      },
    ];
  }
  m = new RegExp(`^drop\\s+index\\s+(${ID})\\s+on\\s+(${QID})`, 'i').exec(code);
  if (m) {
    const table = parseQName(m[2]);
    return [
      {
        op: 'dropIndex',
        name: { schema: table.schema, name: lower(unquote(m[1])) },
        table,
        ifExists: false,
      },
    ];
  }
  m = new RegExp(
    `^create\\s+(unique\\s+|fulltext\\s+|spatial\\s+)?index\\s+(${ID})\\s+(?:using\\s+\\w+\\s+)?on\\s+(${QID})\\s*\\(([^)]*)`,
    'i',
  ).exec(code);
  if (m) {
    const table = parseQName(m[3]);
    return [
      {
        op: 'createIndex',
        table,
        name: { schema: table.schema, name: lower(unquote(m[2])) },
        unique: /unique/i.test(m[1] ?? ''),
        columns: m[4]
          .split(',')
          .map(c => lower(unquote(c.trim().split(/\s|\(/)[0] ?? ''))),
        ifNotExists: false,
      },
    ];
  }
  m = new RegExp(
    `^drop\\s+(?:database|schema)\\s+(if\\s+exists\\s+)?(${ID})`,
    'i',
  ).exec(code);
  if (m)
    return [
      {
        op: 'dropSchema',
        name: lower(unquote(m[2])),
        ifExists: !!m[1],
        cascade: true,
      },
    ];
  m = new RegExp(
    `^create\\s+(?:database|schema)\\s+(if\\s+not\\s+exists\\s+)?(${ID})`,
    'i',
  ).exec(code);
  if (m)
    return [
      { op: 'createSchema', name: lower(unquote(m[2])), ifNotExists: !!m[1] },
    ];
  m = new RegExp(
    `^(?:insert|replace)\\s+(?:(?:low_priority|delayed|high_priority|ignore)\\s+)*(?:into\\s+)?(${QID})([\\s\\S]*)$`,
    'i',
  ).exec(code);
  if (m)
    return [
      {
        op: 'dataChange',
        verb: 'INSERT',
        table: parseQName(m[1]),
        fromQuery: /\bselect\b/i.test(m[2]),
      },
    ];
  m = new RegExp(
    `^update\\s+(?:(?:low_priority|ignore)\\s+)*(${QID})`,
    'i',
  ).exec(code);
  if (m)
    return [
      {
        op: 'dataChange',
        verb: 'UPDATE',
        table: parseQName(m[1]),
        fromQuery: true,
      },
    ];
  m = new RegExp(
    `^delete\\s+(?:(?:low_priority|quick|ignore)\\s+)*from\\s+(${QID})`,
    'i',
  ).exec(code);
  if (m)
    return [
      {
        op: 'dataChange',
        verb: 'DELETE',
        table: parseQName(m[1]),
        fromQuery: true,
      },
    ];
  m = new RegExp(`^truncate\\s+(?:table\\s+)?(${QID})`, 'i').exec(code);
  if (m)
    return [
      {
        op: 'dataChange',
        verb: 'TRUNCATE',
        table: parseQName(m[1]),
        fromQuery: true,
      },
    ];
  return undefined;
}

function readStatement(code: string): Op[] {
  if (IGNORED.test(code)) return [];
  if (OPAQUE.test(code)) {
    return [
      unknown(
        'a routine, trigger, event or dynamic statement can change anything; the classifier does not look inside it',
      ),
    ];
  }
  try {
    return astify(code).flatMap(ast => astOps(ast, code));
  } catch (error) {
    const alter = ALTER_TABLE.exec(code);
    if (alter) return alterFallback(parseQName(alter[1]), alter[1], alter[2]);
    const view = CREATE_VIEW.exec(code);
    if (view) {
      return [
        {
          op: 'createView',
          view: parseQName(view[2]),
          orReplace: !!view[1],
          materialized: false,
        },
      ];
    }
    const ops = patternFallback(code);
    if (ops) return ops;
    const reason =
      error instanceof Error
        ? error.message.split('\n')[0].slice(0, 160)
        : String(error);
    const created = new RegExp(
      `^create\\s+(?:temporary\\s+)?table\\s+(if\\s+not\\s+exists\\s+)?(${QID})`,
      'i',
    ).exec(code);
    if (created && !/^create\s+temporary/i.test(code)) {
      // The table exists afterwards even if its columns cannot be read.
      return [
        {
          op: 'createTable',
          table: parseQName(created[2]),
          ifNotExists: !!created[1],
          columns: [],
          constraints: [],
          columnsKnown: false,
        },
        unknown(
          `its column definitions could not be parsed (${reason})`,
          'unparsed-statement',
        ),
      ];
    }
    return [unknown(`could not be parsed (${reason})`, 'unparsed-statement')];
  }
}

/**
 * Reads a MySQL migration file, statement by statement.
 *
 * @internal
 */
export function readMysql(sql: string): ReadStatement[] {
  return splitStatements(sql, 'mysql').map(piece => {
    try {
      return { text: piece.text, ops: readStatement(piece.code) };
    } catch (error) {
      return {
        text: piece.text,
        ops: [unknown(`could not be read: ${String(error)}`)],
      };
    }
  });
}
