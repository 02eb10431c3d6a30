import { parseStructuredDocument, positionOf } from './document';
import { ApiDefinitionParseError } from './types';

describe('parseStructuredDocument', () => {
  it('reads JSON and YAML alike', () => {
    expect(parseStructuredDocument('{"a": [1, {"b": null}]}', 'from')).toEqual({
      a: [1, { b: null }],
    });
    expect(parseStructuredDocument('a:\n  - 1\n  - b: null\n', 'from')).toEqual(
      { a: [1, { b: null }] },
    );
    // Numeric keys (status codes) stay strings.
    expect(parseStructuredDocument('200:\n  description: ok\n', 'to')).toEqual({
      '200': { description: 'ok' },
    });
  });

  it('gives the line and column of a JSON error', () => {
    const error = (() => {
      try {
        parseStructuredDocument('{\n  "a": 1,\n  "b" 2\n}', 'to');
      } catch (e) {
        return e as ApiDefinitionParseError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error?.side).toBe('to');
    expect([error?.line, error?.column]).toEqual([3, 7]);
    expect(error?.message).toMatch(
      /^The 'to' API definition could not be parsed at 3:7: /,
    );
  });

  it('gives the end of a truncated JSON document', () => {
    expect(() => parseStructuredDocument('{\n  "a": [1,\n', 'from')).toThrow(
      /at 3:1/,
    );
  });

  it('gives the line and column of a YAML error', () => {
    expect(() =>
      parseStructuredDocument('a: 1\nb:\n  c: [1, 2\nd: 3\n', 'from'),
    ).toThrow(/^The 'from' API definition could not be parsed at \d+:\d+: /);
    expect(() => parseStructuredDocument('a: 1\nb:\n\t- x\n', 'from')).toThrow(
      "The 'from' API definition could not be parsed at 3:1: Tabs are not allowed as indentation",
    );
  });

  it('accepts repeated keys, the last one winning', () => {
    expect(parseStructuredDocument('a: 1\na: 2\n', 'from')).toEqual({ a: 2 });
  });

  it('wants an object at the top', () => {
    expect(() => parseStructuredDocument('- 1\n- 2\n', 'from')).toThrow(
      /not an object/,
    );
    expect(() => parseStructuredDocument('"text"', 'from')).toThrow(
      ApiDefinitionParseError,
    );
  });

  it('counts lines and columns from 1', () => {
    expect(positionOf('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
