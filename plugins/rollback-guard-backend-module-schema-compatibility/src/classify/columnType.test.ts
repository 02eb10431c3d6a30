import { compareTypes, mysqlColumnType, pgColumnType } from './columnType';

const pg = (name: string, ...mods: number[]) =>
  pgColumnType(['pg_catalog', name], mods, 0);
const text = pgColumnType(['text'], [], 0);

describe('compareTypes', () => {
  it.each([
    [
      'varchar(10) → varchar(100)',
      'widening',
      pg('varchar', 10),
      pg('varchar', 100),
    ],
    ['varchar(10) → text', 'widening', pg('varchar', 10), text],
    [
      'varchar(100) → varchar(10)',
      'narrowing',
      pg('varchar', 100),
      pg('varchar', 10),
    ],
    ['text → varchar(20)', 'narrowing', text, pg('varchar', 20)],
    ['int → bigint', 'widening', pg('int4'), pg('int8')],
    ['bigint → int', 'narrowing', pg('int8'), pg('int4')],
    [
      'numeric(8,2) → numeric(12,2)',
      'widening',
      pg('numeric', 8, 2),
      pg('numeric', 12, 2),
    ],
    [
      'numeric(12,2) → numeric(8,2)',
      'narrowing',
      pg('numeric', 12, 2),
      pg('numeric', 8, 2),
    ],
    [
      'numeric(12,4) → numeric(14,2)',
      'narrowing',
      pg('numeric', 12, 4),
      pg('numeric', 14, 2),
    ],
    ['int → numeric(12,0)', 'widening', pg('int4'), pg('numeric', 12, 0)],
    ['bigint → numeric(12,0)', 'narrowing', pg('int8'), pg('numeric', 12, 0)],
    ['text → integer', 'narrowing', text, pg('int4')],
    ['integer → text', 'widening', pg('int4'), text],
    ['timestamptz → date', 'narrowing', pg('timestamptz'), pg('date')],
    ['date → timestamptz', 'widening', pg('date'), pg('timestamptz')],
    ['timestamp → timestamptz', 'widening', pg('timestamp'), pg('timestamptz')],
    [
      'int[] → int',
      'narrowing',
      pgColumnType(['pg_catalog', 'int4'], [], 1),
      pg('int4'),
    ],
    ['int → int', 'same', pg('int4'), pgColumnType(['int4'], [], 0)],
  ])('%s is %s', (_name, verdict, from, to) => {
    expect(compareTypes(from, to).verdict).toBe(verdict);
  });

  it('judges MySQL types, signedness and enums', () => {
    const my = (t: string, len?: number, unsigned = false, values?: string[]) =>
      mysqlColumnType(t, len, undefined, unsigned, values);
    expect(compareTypes(my('INT'), my('INT', undefined, true)).verdict).toBe(
      'narrowing',
    );
    expect(compareTypes(my('INT', undefined, true), my('BIGINT')).verdict).toBe(
      'widening',
    );
    expect(compareTypes(my('INT', undefined, true), my('INT')).verdict).toBe(
      'narrowing',
    );
    expect(compareTypes(my('VARCHAR', 255), my('TEXT')).verdict).toBe(
      'widening',
    );
    expect(compareTypes(my('TEXT'), my('VARCHAR', 255)).verdict).toBe(
      'narrowing',
    );
    expect(compareTypes(my('DATETIME'), my('TIMESTAMP')).verdict).toBe(
      'narrowing',
    );
    expect(compareTypes(my('TIMESTAMP'), my('DATETIME')).verdict).toBe(
      'widening',
    );
    const lost = compareTypes(
      my('ENUM', undefined, false, ['a', 'b']),
      my('ENUM', undefined, false, ['a']),
    );
    expect(lost).toMatchObject({ verdict: 'narrowing', lostValues: ['b'] });
    const added = compareTypes(
      my('ENUM', undefined, false, ['a']),
      my('ENUM', undefined, false, ['a', 'c']),
    );
    expect(added).toMatchObject({ verdict: 'widening', addedValues: ['c'] });
  });
});
