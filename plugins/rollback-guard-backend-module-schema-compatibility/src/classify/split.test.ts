import { splitStatements, stripLeadingComments } from './split';

const texts = (sql: string, dialect: 'postgresql' | 'mysql' = 'postgresql') =>
  splitStatements(sql, dialect).map(s => s.text);

describe('splitStatements (PostgreSQL)', () => {
  it('splits on semicolons and trims, dropping leading comments', () => {
    expect(
      texts(
        '-- first\nCREATE TABLE a (id int);\n\n/* second */ DROP TABLE b ;  ',
      ),
    ).toEqual(['CREATE TABLE a (id int)', 'DROP TABLE b']);
  });

  it('keeps semicolons inside quotes, identifiers and comments', () => {
    expect(
      texts(`INSERT INTO t VALUES ('a;b', 'it''s;'); ALTER TABLE "we;ird" ADD COLUMN x int -- not; here
; SELECT 1 /* a; /* nested; */ still; */ ;`),
    ).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;')",
      'ALTER TABLE "we;ird" ADD COLUMN x int -- not; here',
      'SELECT 1 /* a; /* nested; */ still; */',
    ]);
  });

  it('keeps dollar-quoted bodies whole, tagged or not', () => {
    const sql = `CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
DO $body$ BEGIN EXECUTE 'ALTER TABLE t DROP COLUMN x; '; PERFORM $$;$$; END $body$;
SELECT $1;`;
    const out = texts(sql);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^CREATE FUNCTION .*LANGUAGE plpgsql$/s);
    expect(out[1]).toMatch(/^DO \$body\$.*\$body\$$/s);
    expect(out[2]).toBe('SELECT $1');
  });

  it('respects E-strings with backslash escapes', () => {
    expect(texts(`SELECT E'a\\';b'; SELECT 2`)).toEqual([
      `SELECT E'a\\';b'`,
      'SELECT 2',
    ]);
  });

  it('does not split inside parentheses or SQL-standard routine bodies', () => {
    expect(
      texts(
        `CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b); CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT 3`,
      ),
    ).toHaveLength(3);
  });

  it('skips the inline data of COPY … FROM stdin', () => {
    expect(
      texts('COPY t (a, b) FROM stdin;\n1\t;x\n2\t;y\n\\.\nDROP TABLE t;'),
    ).toEqual(['COPY t (a, b) FROM stdin', 'DROP TABLE t']);
  });

  it('never throws on an unterminated quote', () => {
    expect(texts("SELECT 'oops; DROP TABLE x")).toEqual([
      "SELECT 'oops; DROP TABLE x",
    ]);
  });
});

describe('splitStatements (MySQL)', () => {
  it('honours DELIMITER and routine bodies', () => {
    const sql = `DELIMITER //
CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END//
DELIMITER ;
DROP TABLE a;`;
    expect(texts(sql, 'mysql')).toEqual([
      'CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END',
      'DROP TABLE a',
    ]);
  });

  it('keeps BEGIN … END bodies whole without a DELIMITER change', () => {
    const sql = `CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT CASE WHEN 1 THEN 2 END; END; DROP TABLE b;`;
    expect(texts(sql, 'mysql')).toHaveLength(2);
  });

  it('knows # and -- comments, backslash escapes and backticks', () => {
    expect(
      texts(
        "# a; comment\nINSERT INTO `t;x` VALUES ('a\\';b', \"c;d\"); -- x;y\nSELECT 1--2;",
        'mysql',
      ),
    ).toEqual(["INSERT INTO `t;x` VALUES ('a\\';b', \"c;d\")", 'SELECT 1--2']);
  });

  it('runs executable comments', () => {
    const [stmt] = splitStatements('/*!40101 SET NAMES utf8 */;', 'mysql');
    expect(stmt.code.trim()).toBe('SET NAMES utf8');
  });
});

describe('stripLeadingComments', () => {
  it('removes only what comes before the statement', () => {
    expect(
      stripLeadingComments('  -- a\n/* b */ SELECT 1 -- c', 'postgresql'),
    ).toBe('SELECT 1 -- c');
    expect(stripLeadingComments('# a\nSELECT 1', 'mysql')).toBe('SELECT 1');
  });
});
