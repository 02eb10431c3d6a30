import { SchemaDialect } from './types';

/**
 * One statement cut out of a migration file.
 *
 * @internal
 */
export type SplitStatement = {
  /** The statement as written, trimmed, leading comments removed, no terminator. */
  text: string;
  /**
   * What to hand the parser: `text` with MySQL's executable comment markers
   * (`/*!40101 … *\/`) blanked, since MySQL runs their content.
   */
  code: string;
};

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const WORD_START = /[A-Za-z_]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

// Routine bodies written without quoting (PostgreSQL's BEGIN ATOMIC, MySQL's
// BEGIN … END without a DELIMITER change) hold semicolons that do not end the
// statement, so inside such statements BEGIN/CASE … END nesting is tracked.
const PG_ROUTINE = /^create\s+(?:or\s+replace\s+)?(?:function|procedure)\b/i;
const MYSQL_ROUTINE =
  /^create\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:aggregate\s+)?(?:procedure|function|trigger|event)\b/i;
const COPY_FROM_STDIN = /^copy\b[\s\S]*\bfrom\s+stdin\b/i;
const MYSQL_DELIMITER = /^delimiter[ \t]+(\S+)[ \t]*(?:\r?\n|$)/i;

/**
 * Removes the whitespace and comments in front of a statement, so that a
 * finding shows the statement rather than the file's commentary before it.
 *
 * @internal
 */
export function stripLeadingComments(
  text: string,
  dialect: SchemaDialect,
): string {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('--', i) || (dialect === 'mysql' && text[i] === '#')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (
      text.startsWith('/*', i) &&
      !isExecutableComment(text, i, dialect)
    ) {
      i = skipBlockComment(text, i, dialect);
    } else {
      break;
    }
  }
  return text.slice(i).trim();
}

function isExecutableComment(text: string, i: number, dialect: SchemaDialect) {
  return (
    dialect === 'mysql' &&
    (text.startsWith('/*!', i) || text.startsWith('/*M!', i))
  );
}

/** Index just past the comment opened at `i`; PostgreSQL nests block comments. */
function skipBlockComment(text: string, i: number, dialect: SchemaDialect) {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    if (text.startsWith('/*', j)) {
      depth++;
      j += 2;
      if (dialect === 'mysql') {
        const end = text.indexOf('*/', j);
        return end < 0 ? text.length : end + 2;
      }
    } else if (text.startsWith('*/', j)) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return text.length;
}

/** Index just past a quoted string or identifier opened at `i` with `quote`. */
function skipQuoted(
  text: string,
  i: number,
  quote: string,
  backslashEscapes: boolean,
): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (backslashEscapes && c === '\\') {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return text.length;
}

function readWord(text: string, i: number): string {
  let j = i;
  while (j < text.length && IDENT_CHAR.test(text[j])) j++;
  return text.slice(i, j);
}

function nextWord(text: string, i: number): string {
  let j = i;
  while (j < text.length && /\s/.test(text[j])) j++;
  return readWord(text, j).toLowerCase();
}

/**
 * Splits a migration file into statements the way the database's own client
 * would: semicolons inside quotes, dollar quotes, comments, parentheses and
 * unquoted routine bodies do not end a statement; MySQL's `DELIMITER` changes
 * the terminator. Never throws; an unterminated quote runs to the end.
 *
 * @internal
 */
export function splitStatements(
  sql: string,
  dialect: SchemaDialect,
): SplitStatement[] {
  const out: SplitStatement[] = [];
  const mysql = dialect === 'mysql';
  let delimiter = ';';
  let start = 0;
  let parens = 0;
  let blocks = 0;
  let routine: boolean | undefined;
  // [from, to) ranges of MySQL executable-comment markers to blank out.
  let blanks: Array<[number, number]> = [];
  let inExecutable = false;
  // Whether the current statement has begun (DELIMITER is only a command there).
  let codeSeen = false;
  let i = 0;

  const emit = (end: number) => {
    const raw = sql.slice(start, end);
    let code = raw;
    if (blanks.length) {
      const chars = raw.split('');
      for (const [from, to] of blanks) {
        for (let k = from - start; k < to - start; k++) {
          if (k >= 0 && k < chars.length) chars[k] = ' ';
        }
      }
      code = chars.join('');
    }
    const text = stripLeadingComments(raw, dialect);
    const stripped = stripLeadingComments(code, dialect);
    if (stripped) out.push({ text: text || stripped, code: stripped });
    blanks = [];
    codeSeen = false;
    parens = 0;
    blocks = 0;
    routine = undefined;
  };

  const isRoutine = () => {
    if (routine === undefined) {
      const head = stripLeadingComments(sql.slice(start, i), dialect);
      routine = (mysql ? MYSQL_ROUTINE : PG_ROUTINE).test(head);
    }
    return routine;
  };

  while (i < sql.length) {
    const c = sql[i];

    if (mysql && !codeSeen && (c === 'd' || c === 'D')) {
      const m = MYSQL_DELIMITER.exec(sql.slice(i, i + 200));
      if (m) {
        delimiter = m[1];
        i += m[0].length;
        start = i;
        continue;
      }
    }

    if (
      c === '-' &&
      sql[i + 1] === '-' &&
      (!mysql || /[\s]|^$/.test(sql[i + 2] ?? ''))
    ) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (mysql && c === '#') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      if (isExecutableComment(sql, i, dialect)) {
        const m = /^\/\*M?!\d*/.exec(sql.slice(i, i + 12));
        const len = m ? m[0].length : 3;
        blanks.push([i, i + len]);
        inExecutable = true;
        i += len;
        continue;
      }
      i = skipBlockComment(sql, i, dialect);
      continue;
    }
    if (inExecutable && c === '*' && sql[i + 1] === '/') {
      blanks.push([i, i + 2]);
      inExecutable = false;
      i += 2;
      continue;
    }
    if (!mysql && !codeSeen && c === '\\') {
      // A psql meta-command: it runs to the end of its line.
      const nl = sql.indexOf('\n', i);
      const end = nl < 0 ? sql.length : nl;
      emit(end);
      i = end;
      start = i;
      continue;
    }
    if (!codeSeen && !/\s/.test(c)) codeSeen = true;
    if (c === "'") {
      const prev = sql[i - 1] ?? '';
      const escapeString =
        mysql ||
        ((prev === 'E' || prev === 'e') && !IDENT_CHAR.test(sql[i - 2] ?? ''));
      i = skipQuoted(sql, i, "'", escapeString);
      continue;
    }
    if (c === '"') {
      i = skipQuoted(sql, i, '"', mysql);
      continue;
    }
    if (mysql && c === '`') {
      i = skipQuoted(sql, i, '`', false);
      continue;
    }
    if (!mysql && c === '$' && !IDENT_CHAR.test(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const m = DOLLAR_TAG.exec(sql);
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        i = close < 0 ? sql.length : close + m[0].length;
        continue;
      }
    }

    if (delimiter !== ';') {
      if (sql.startsWith(delimiter, i)) {
        emit(i);
        i += delimiter.length;
        start = i;
        continue;
      }
      i++;
      continue;
    }

    if (c === '(') {
      parens++;
    } else if (c === ')') {
      if (parens > 0) parens--;
    } else if (WORD_START.test(c) && !IDENT_CHAR.test(sql[i - 1] ?? '')) {
      const word = readWord(sql, i);
      const lower = word.toLowerCase();
      if (
        (lower === 'begin' || lower === 'case' || lower === 'end') &&
        isRoutine()
      ) {
        if (lower === 'begin' || lower === 'case') {
          blocks++;
        } else if (blocks > 0) {
          const after = nextWord(sql, i + word.length);
          if (!['if', 'loop', 'while', 'repeat', 'for'].includes(after)) {
            blocks--;
          }
        }
      }
      i += word.length;
      continue;
    } else if (c === ';' && parens === 0 && blocks === 0) {
      const count = out.length;
      emit(i);
      i++;
      if (
        !mysql &&
        out.length > count &&
        COPY_FROM_STDIN.test(out[count].code)
      ) {
        // psql-style inline data follows, up to a line holding only `\.`.
        const end = /^\\\.\r?$/m.exec(sql.slice(i));
        i = end ? i + end.index + end[0].length : sql.length;
      }
      start = i;
      continue;
    }
    i++;
  }
  emit(sql.length);
  return out;
}
