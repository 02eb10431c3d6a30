/**
 * Column types reduced to what matters for the candidate: which values the
 * old type held and whether the new one still holds them all.
 */

/** @internal */
export type TypeFamily =
  | 'integer'
  | 'numeric'
  | 'float'
  | 'string'
  | 'binary'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'time'
  | 'timetz'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'jsonb'
  | 'enum'
  | 'set'
  | 'year'
  | 'bit'
  | 'network'
  | 'other';

/** @internal */
export type ColumnType = {
  /** The type as one would write it, e.g. `varchar(10)`, `numeric(12,2)`. */
  display: string;
  family: TypeFamily;
  /** Base name, compared for the `other`/`network` families. */
  name: string;
  /**
   * integer/float: bytes; string/binary/bit: maximum length (undefined: no
   * limit); date/time families: fractional-second digits (undefined: the default).
   */
  size?: number;
  /** numeric: total digits (undefined: unbounded) and digits after the point. */
  precision?: number;
  scale?: number;
  unsigned?: boolean;
  /** Blank-padded `char(n)`. */
  fixed?: boolean;
  /** Range class within a family: MySQL TIMESTAMP (1970–2038) under DATETIME. */
  rank?: number;
  /** enum/set members, where known. */
  values?: string[];
  /** PostgreSQL user-defined type: its `schema.name`, for the schema state to resolve. */
  ref?: string;
  /** PostgreSQL user-defined type: its identity in the schema state. */
  userTypeId?: number;
  /** Array dimensions. */
  array?: number;
};

/** @internal */
export type TypeVerdict = 'same' | 'widening' | 'narrowing';

/** @internal */
export type TypeChange = {
  verdict: TypeVerdict;
  /** Why, in a few words, e.g. `values longer than 10 characters no longer fit`. */
  reason?: string;
  lostValues?: string[];
  addedValues?: string[];
};

const INT_DIGITS: Record<number, number> = { 1: 3, 2: 5, 3: 7, 4: 10, 8: 19 };
// Longest text form of a value, for conversions into bounded strings.
const INT_TEXT: Record<number, number> = { 1: 4, 2: 6, 3: 8, 4: 11, 8: 20 };

function intDigits(t: ColumnType): number {
  const base = INT_DIGITS[t.size ?? 4] ?? 19;
  return t.unsigned && t.size === 8 ? 20 : base;
}

/** Longest text an old value can print as, where bounded and known. */
function maxTextLength(t: ColumnType): number | undefined {
  switch (t.family) {
    case 'integer':
      return INT_TEXT[t.size ?? 4];
    case 'numeric':
      return t.precision === undefined ? undefined : t.precision + 2;
    case 'string':
    case 'binary':
    case 'bit':
      return t.size;
    case 'boolean':
      return 5;
    case 'uuid':
      return 36;
    case 'date':
      return 10;
    case 'year':
      return 4;
    case 'enum':
      return t.values ? Math.max(0, ...t.values.map(v => v.length)) : undefined;
    default:
      return undefined;
  }
}

function compareSize(
  oldSize: number | undefined,
  newSize: number | undefined,
  what: string,
): TypeChange {
  if (oldSize === newSize) return { verdict: 'same' };
  if (newSize === undefined) return { verdict: 'widening' };
  if (oldSize === undefined || newSize < oldSize) {
    return {
      verdict: 'narrowing',
      reason: `${what} longer than ${newSize} no longer fit`,
    };
  }
  return { verdict: 'widening' };
}

function compareMembers(oldT: ColumnType, newT: ColumnType): TypeChange {
  const oldValues = oldT.values ?? [];
  const newValues = newT.values ?? [];
  const lost = oldValues.filter(v => !newValues.includes(v));
  const added = newValues.filter(v => !oldValues.includes(v));
  if (lost.length) {
    return {
      verdict: 'narrowing',
      reason: `${lost.map(v => `'${v}'`).join(', ')} no longer allowed`,
      lostValues: lost,
      addedValues: added,
    };
  }
  if (added.length) return { verdict: 'widening', addedValues: added };
  return { verdict: 'same' };
}

function sameFamily(oldT: ColumnType, newT: ColumnType): TypeChange {
  switch (oldT.family) {
    case 'integer': {
      const oldSize = oldT.size ?? 4;
      const newSize = newT.size ?? 4;
      const oldUnsigned = !!oldT.unsigned;
      const newUnsigned = !!newT.unsigned;
      if (oldSize === newSize && oldUnsigned === newUnsigned) {
        return { verdict: 'same' };
      }
      if (!oldUnsigned && newUnsigned) {
        return {
          verdict: 'narrowing',
          reason: 'negative values no longer fit',
        };
      }
      // Same signedness, or unsigned into a strictly larger signed type.
      if (
        newSize > oldSize ||
        (newSize === oldSize && oldUnsigned === newUnsigned)
      ) {
        return { verdict: 'widening' };
      }
      return { verdict: 'narrowing', reason: 'large values no longer fit' };
    }
    case 'numeric': {
      if (oldT.precision === newT.precision && oldT.scale === newT.scale) {
        return { verdict: 'same' };
      }
      if (newT.precision === undefined) return { verdict: 'widening' };
      if (oldT.precision === undefined) {
        return {
          verdict: 'narrowing',
          reason: 'unbounded numbers no longer fit',
        };
      }
      const oldInt = oldT.precision - (oldT.scale ?? 0);
      const newInt = newT.precision - (newT.scale ?? 0);
      if (newInt < oldInt) {
        return {
          verdict: 'narrowing',
          reason: `numbers of more than ${newInt} integer digits no longer fit`,
        };
      }
      if ((newT.scale ?? 0) < (oldT.scale ?? 0)) {
        return {
          verdict: 'narrowing',
          reason: `decimals beyond ${newT.scale ?? 0} places are rounded away`,
        };
      }
      return { verdict: 'widening' };
    }
    case 'float':
      if ((newT.size ?? 8) === (oldT.size ?? 8)) return { verdict: 'same' };
      return (newT.size ?? 8) > (oldT.size ?? 8)
        ? { verdict: 'widening' }
        : { verdict: 'narrowing', reason: 'precision and range shrink' };
    case 'string':
    case 'binary':
    case 'bit': {
      const change = compareSize(oldT.size, newT.size, 'values');
      if (change.verdict === 'narrowing') {
        change.reason = `values longer than ${newT.size} ${
          oldT.family === 'string' ? 'characters' : 'units'
        } no longer fit`;
        return change;
      }
      if (change.verdict === 'same' && !!oldT.fixed !== !!newT.fixed) {
        // Same length, padded vs not: nothing is rejected, reads differ.
        return { verdict: 'widening' };
      }
      return change;
    }
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz': {
      if ((newT.rank ?? 0) < (oldT.rank ?? 0)) {
        return { verdict: 'narrowing', reason: 'its range is smaller' };
      }
      const oldP = oldT.size ?? 6;
      const newP = newT.size ?? 6;
      if (newP < oldP) {
        return {
          verdict: 'narrowing',
          reason: `fractional seconds beyond ${newP} digits are rounded away`,
        };
      }
      if (newP === oldP && (newT.rank ?? 0) === (oldT.rank ?? 0)) {
        return { verdict: 'same' };
      }
      return { verdict: 'widening' };
    }
    case 'enum':
    case 'set':
      if (oldT.userTypeId !== undefined || newT.userTypeId !== undefined) {
        if (oldT.userTypeId === newT.userTypeId) return { verdict: 'same' };
        if (!oldT.values || !newT.values) {
          return {
            verdict: 'narrowing',
            reason: 'the enum values it allowed are not known',
          };
        }
      }
      return compareMembers(oldT, newT);
    case 'network':
      if (oldT.name === newT.name) return { verdict: 'same' };
      return oldT.name === 'cidr' && newT.name === 'inet'
        ? { verdict: 'widening' }
        : { verdict: 'narrowing', reason: 'not every address fits' };
    case 'other':
      if (oldT.name !== newT.name) {
        return { verdict: 'narrowing', reason: 'the types are unrelated' };
      }
      return compareSize(oldT.size, newT.size, 'values');
    default:
      return { verdict: 'same' };
  }
}

function crossFamily(oldT: ColumnType, newT: ColumnType): TypeChange {
  const o = oldT.family;
  const n = newT.family;
  if (n === 'string') {
    if (newT.size === undefined) return { verdict: 'widening' };
    const longest = maxTextLength(oldT);
    if (longest !== undefined && longest <= newT.size) {
      return { verdict: 'widening' };
    }
    return {
      verdict: 'narrowing',
      reason: `values longer than ${newT.size} characters no longer fit`,
    };
  }
  if (o === 'integer' && n === 'numeric') {
    if (newT.precision === undefined) return { verdict: 'widening' };
    return newT.precision - (newT.scale ?? 0) >= intDigits(oldT)
      ? { verdict: 'widening' }
      : { verdict: 'narrowing', reason: 'large values no longer fit' };
  }
  if (o === 'integer' && n === 'float') {
    const mantissaDigits = (newT.size ?? 8) === 4 ? 7 : 15;
    return intDigits(oldT) <= mantissaDigits
      ? { verdict: 'widening' }
      : { verdict: 'narrowing', reason: 'large values lose precision' };
  }
  if (o === 'numeric' && n === 'float') {
    return {
      verdict: 'narrowing',
      reason: 'exact decimals become approximate',
    };
  }
  if (o === 'float' && n === 'numeric') {
    return newT.precision === undefined
      ? { verdict: 'widening' }
      : { verdict: 'narrowing', reason: 'large values no longer fit' };
  }
  if (o === 'year' && n === 'integer') {
    return (newT.size ?? 4) >= 2
      ? { verdict: 'widening' }
      : { verdict: 'narrowing', reason: 'years no longer fit' };
  }
  if (o === 'boolean' && n === 'integer') return { verdict: 'widening' };
  if (o === 'date' && (n === 'timestamp' || n === 'timestamptz')) {
    return { verdict: 'widening' };
  }
  if (o === 'timestamp' && n === 'timestamptz') return { verdict: 'widening' };
  if (o === 'time' && n === 'timetz') return { verdict: 'widening' };
  if (o === 'json' && n === 'jsonb') return { verdict: 'widening' };
  if (o === 'jsonb' && n === 'json') return { verdict: 'widening' };
  if (o === 'enum' && n === 'enum') return compareMembers(oldT, newT);
  if (o === 'timestamptz' && n === 'timestamp') {
    return { verdict: 'narrowing', reason: 'the time zone offset is lost' };
  }
  if ((o === 'timestamp' || o === 'timestamptz') && n === 'date') {
    return { verdict: 'narrowing', reason: 'the time of day is lost' };
  }
  return {
    verdict: 'narrowing',
    reason: `${describeFamily(o)} values do not convert to ${describeFamily(
      n,
    )}`,
  };
}

function describeFamily(family: TypeFamily): string {
  return family === 'other' ? 'its' : family;
}

/**
 * How a column's values fare when its type changes from `oldT` to `newT`:
 * `widening` keeps every old value (the candidate may read forms it did not
 * expect), `narrowing` loses or rejects some.
 *
 * @internal
 */
export function compareTypes(oldT: ColumnType, newT: ColumnType): TypeChange {
  if ((oldT.array ?? 0) !== (newT.array ?? 0)) {
    return {
      verdict: 'narrowing',
      reason:
        (oldT.array ?? 0) > (newT.array ?? 0)
          ? 'arrays no longer fit'
          : 'single values no longer fit',
    };
  }
  if (oldT.family === newT.family) return sameFamily(oldT, newT);
  return crossFamily(oldT, newT);
}

const PG_BUILTINS: Record<string, Omit<ColumnType, 'display'>> = {
  int2: { family: 'integer', name: 'smallint', size: 2 },
  smallint: { family: 'integer', name: 'smallint', size: 2 },
  int4: { family: 'integer', name: 'integer', size: 4 },
  int: { family: 'integer', name: 'integer', size: 4 },
  integer: { family: 'integer', name: 'integer', size: 4 },
  int8: { family: 'integer', name: 'bigint', size: 8 },
  bigint: { family: 'integer', name: 'bigint', size: 8 },
  serial: { family: 'integer', name: 'integer', size: 4 },
  serial4: { family: 'integer', name: 'integer', size: 4 },
  bigserial: { family: 'integer', name: 'bigint', size: 8 },
  serial8: { family: 'integer', name: 'bigint', size: 8 },
  smallserial: { family: 'integer', name: 'smallint', size: 2 },
  serial2: { family: 'integer', name: 'smallint', size: 2 },
  numeric: { family: 'numeric', name: 'numeric' },
  decimal: { family: 'numeric', name: 'numeric' },
  float4: { family: 'float', name: 'real', size: 4 },
  real: { family: 'float', name: 'real', size: 4 },
  float8: { family: 'float', name: 'double precision', size: 8 },
  text: { family: 'string', name: 'text' },
  varchar: { family: 'string', name: 'varchar' },
  bpchar: { family: 'string', name: 'char', fixed: true },
  char: { family: 'string', name: 'char', fixed: true },
  name: { family: 'string', name: 'name', size: 63 },
  bytea: { family: 'binary', name: 'bytea' },
  bool: { family: 'boolean', name: 'boolean' },
  boolean: { family: 'boolean', name: 'boolean' },
  date: { family: 'date', name: 'date' },
  timestamp: { family: 'timestamp', name: 'timestamp' },
  timestamptz: { family: 'timestamptz', name: 'timestamptz' },
  time: { family: 'time', name: 'time' },
  timetz: { family: 'timetz', name: 'timetz' },
  interval: { family: 'interval', name: 'interval' },
  uuid: { family: 'uuid', name: 'uuid' },
  json: { family: 'json', name: 'json' },
  jsonb: { family: 'jsonb', name: 'jsonb' },
  inet: { family: 'network', name: 'inet' },
  cidr: { family: 'network', name: 'cidr' },
  bit: { family: 'bit', name: 'bit' },
  varbit: { family: 'bit', name: 'varbit' },
};

/**
 * Column types that give the column a default of their own (a sequence).
 *
 * @internal
 */
export const PG_SERIAL_TYPES = new Set([
  'serial',
  'serial4',
  'bigserial',
  'serial8',
  'smallserial',
  'serial2',
]);

/**
 * A PostgreSQL type from its (parser-normalised) name, type modifiers and
 * array dimensions; `pg_catalog` names are built-ins, others are user types
 * or extensions' types (family `other` unless the caller knows better).
 *
 * @internal
 */
export function pgColumnType(
  names: string[],
  typmods: number[],
  arrayDims: number,
): ColumnType {
  const base = names[names.length - 1]?.toLowerCase() ?? 'unknown';
  const schema = names.length > 1 ? names[0] : undefined;
  const builtin =
    schema === undefined || schema === 'pg_catalog'
      ? PG_BUILTINS[base]
      : undefined;
  const suffix = arrayDims ? '[]'.repeat(arrayDims) : '';
  if (!builtin) {
    const display = names.filter(n => n !== 'pg_catalog').join('.');
    return {
      display: `${display}${
        typmods.length ? `(${typmods.join(',')})` : ''
      }${suffix}`,
      family: 'other',
      name: display,
      size: typmods[0],
      array: arrayDims || undefined,
    };
  }
  const t: ColumnType = { ...builtin, display: builtin.name };
  switch (t.family) {
    case 'numeric':
      t.precision = typmods[0];
      t.scale = typmods[0] === undefined ? undefined : typmods[1] ?? 0;
      t.display =
        t.precision === undefined
          ? 'numeric'
          : `numeric(${t.precision},${t.scale})`;
      break;
    case 'string':
      if (base === 'char' || base === 'bpchar') {
        // `char` alone is char(1); the parser writes `bpchar` for it with typmod 1.
        t.size = typmods[0];
        t.display = t.size === undefined ? 'bpchar' : `char(${t.size})`;
      } else if (base === 'varchar') {
        t.size = typmods[0];
        t.display = t.size === undefined ? 'varchar' : `varchar(${t.size})`;
      }
      break;
    case 'bit':
      t.size = typmods[0];
      t.display = t.size === undefined ? t.name : `${t.name}(${t.size})`;
      break;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
      t.size = typmods[0];
      t.display = t.size === undefined ? t.name : `${t.name}(${t.size})`;
      break;
    default:
      break;
  }
  if (arrayDims) {
    t.array = arrayDims;
    t.display += suffix;
  }
  return t;
}

const MYSQL_TEXT_SIZES: Record<string, number> = {
  TINYTEXT: 255,
  TEXT: 65535,
  MEDIUMTEXT: 16777215,
  LONGTEXT: 4294967295,
  TINYBLOB: 255,
  BLOB: 65535,
  MEDIUMBLOB: 16777215,
  LONGBLOB: 4294967295,
};
const MYSQL_INT_SIZES: Record<string, number> = {
  TINYINT: 1,
  SMALLINT: 2,
  MEDIUMINT: 3,
  INT: 4,
  INTEGER: 4,
  BIGINT: 8,
};

/**
 * A MySQL type from the parser's data type name, length/scale and flags.
 *
 * @internal
 */
export function mysqlColumnType(
  dataType: string,
  length: number | undefined,
  scale: number | undefined,
  unsigned: boolean,
  values: string[] | undefined,
): ColumnType {
  const upper = dataType.toUpperCase().replace(/\s+/g, ' ');
  const lower = upper.toLowerCase();
  const u = unsigned ? ' unsigned' : '';
  if (upper === 'BOOL' || upper === 'BOOLEAN') {
    return {
      display: 'tinyint(1)',
      family: 'integer',
      name: 'tinyint',
      size: 1,
    };
  }
  if (MYSQL_INT_SIZES[upper]) {
    return {
      display: `${lower}${u}`,
      family: 'integer',
      name: lower,
      size: MYSQL_INT_SIZES[upper],
      unsigned: unsigned || undefined,
    };
  }
  if (['DECIMAL', 'NUMERIC', 'DEC', 'FIXED'].includes(upper)) {
    const precision = length ?? 10;
    const s = length === undefined ? 0 : scale ?? 0;
    return {
      display: `decimal(${precision},${s})${u}`,
      family: 'numeric',
      name: 'decimal',
      precision,
      scale: s,
      unsigned: unsigned || undefined,
    };
  }
  if (upper === 'FLOAT') {
    const size = length !== undefined && length > 24 ? 8 : 4;
    return {
      display: size === 8 ? 'double' : 'float',
      family: 'float',
      name: 'float',
      size,
    };
  }
  if (['DOUBLE', 'DOUBLE PRECISION', 'REAL'].includes(upper)) {
    return { display: 'double', family: 'float', name: 'double', size: 8 };
  }
  if (upper === 'CHAR' || upper === 'CHARACTER' || upper === 'NCHAR') {
    const size = length ?? 1;
    return {
      display: `char(${size})`,
      family: 'string',
      name: 'char',
      size,
      fixed: true,
    };
  }
  if (
    upper === 'VARCHAR' ||
    upper === 'NVARCHAR' ||
    upper === 'CHARACTER VARYING'
  ) {
    return {
      display: `varchar(${length ?? ''})`,
      family: 'string',
      name: 'varchar',
      size: length,
    };
  }
  if (upper.endsWith('TEXT')) {
    let size = MYSQL_TEXT_SIZES[upper] ?? 65535;
    if (upper === 'TEXT' && length !== undefined) {
      size = [255, 65535, 16777215, 4294967295].find(s => s >= length) ?? size;
    }
    return { display: lower, family: 'string', name: lower, size };
  }
  if (upper === 'BINARY' || upper === 'VARBINARY') {
    const size = upper === 'BINARY' ? length ?? 1 : length;
    return {
      display: `${lower}(${size ?? ''})`,
      family: 'binary',
      name: lower,
      size,
      fixed: upper === 'BINARY' || undefined,
    };
  }
  if (upper.endsWith('BLOB')) {
    return {
      display: lower,
      family: 'binary',
      name: lower,
      size: MYSQL_TEXT_SIZES[upper],
    };
  }
  if (upper === 'DATE')
    return { display: 'date', family: 'date', name: 'date' };
  if (upper === 'DATETIME' || upper === 'TIMESTAMP') {
    // MySQL defaults to whole seconds; TIMESTAMP only spans 1970–2038.
    const size = length ?? 0;
    return {
      display: `${lower}${size ? `(${size})` : ''}`,
      family: 'timestamp',
      name: lower,
      size,
      rank: upper === 'DATETIME' ? 2 : 1,
    };
  }
  if (upper === 'TIME') {
    const size = length ?? 0;
    return {
      display: `time${size ? `(${size})` : ''}`,
      family: 'time',
      name: 'time',
      size,
    };
  }
  if (upper === 'YEAR')
    return { display: 'year', family: 'year', name: 'year' };
  if (upper === 'JSON')
    return { display: 'json', family: 'json', name: 'json' };
  if (upper === 'ENUM' || upper === 'SET') {
    return {
      display: `${lower}(${(values ?? []).map(v => `'${v}'`).join(',')})`,
      family: upper === 'ENUM' ? 'enum' : 'set',
      name: lower,
      values: values ?? [],
    };
  }
  if (upper === 'BIT') {
    const size = length ?? 1;
    return { display: `bit(${size})`, family: 'bit', name: 'bit', size };
  }
  return {
    display: `${lower}${length !== undefined ? `(${length})` : ''}`,
    family: 'other',
    name: lower,
    size: length,
  };
}
