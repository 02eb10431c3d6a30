import { JsonObject, JsonValue } from './document';
import {
  bodyRuleId,
  SchemaComparator,
  SchemaDirection,
  SchemaFinding,
} from './jsonSchema';
import { RefResolver } from './refs';
import { SchemaViews } from './schemaView';

/** Compares two schemas (with their components) as a body flowing `direction`. */
function compare(
  from: JsonValue,
  to: JsonValue,
  direction: SchemaDirection,
  options: { components?: JsonObject; stronglyTyped?: boolean } = {},
): string[] {
  const root = (schema: JsonValue) => ({
    schema,
    components: { schemas: options.components ?? {} },
  });
  const fromRoot = root(from);
  const toRoot = root(to);
  const comparator = new SchemaComparator(
    new SchemaViews(new RefResolver(fromRoot)),
    new SchemaViews(new RefResolver(toRoot)),
  );
  return comparator
    .compare(fromRoot.schema, toRoot.schema, {
      direction,
      stronglyTyped: options.stronglyTyped ?? true,
    })
    .map(
      (f: SchemaFinding) =>
        `${f.level} ${bodyRuleId(direction, f)}${
          f.path.length ? ` ${f.path.join('/')}` : ''
        }`,
    );
}

const obj = (properties: JsonObject, required: string[] = []): JsonObject => ({
  type: 'object',
  properties,
  required,
});

describe('types', () => {
  it('judges a type change by which way data flows', () => {
    const int = obj({ n: { type: 'integer' } });
    const num = obj({ n: { type: 'number' } });
    expect(compare(int, num, 'request')).toEqual([
      'info request-property-type-generalized n',
    ]);
    expect(compare(num, int, 'request')).toEqual([
      'error request-property-type-changed n',
    ]);
    expect(compare(int, num, 'response')).toEqual([
      'error response-property-type-generalized n',
    ]);
    expect(compare(num, int, 'response')).toEqual([
      'info response-property-type-specialized n',
    ]);
  });

  it('lets anything become a string where the media type is text', () => {
    expect(
      compare({ type: 'integer' }, { type: 'string' }, 'request', {
        stronglyTyped: false,
      }),
    ).toEqual(['info request-body-type-compatible']);
    expect(compare({ type: 'integer' }, { type: 'string' }, 'request')).toEqual(
      ['error request-body-type-changed'],
    );
  });

  it('judges formats: wider in a request is fine, in a response it is not', () => {
    const f = (format: string) => ({ type: 'integer', format });
    expect(compare(f('int32'), f('int64'), 'request')).toEqual([
      'info request-body-type-generalized',
    ]);
    expect(compare(f('int32'), f('int64'), 'response')).toEqual([
      'error response-body-type-changed',
    ]);
    expect(compare(f('int64'), f('int32'), 'response')).toEqual([
      'info response-body-type-specialized',
    ]);
    expect(
      compare({ type: 'string', format: '' }, { type: 'string' }, 'response'),
    ).toEqual([]);
  });

  it("reads oasdiff's list of types (oneOf of plain types)", () => {
    const list = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(compare({ type: 'string' }, list, 'response')).toEqual([
      'error response-body-list-of-types-widened',
    ]);
    expect(compare(list, { type: 'string' }, 'response')).toEqual([
      'info response-body-list-of-types-narrowed',
    ]);
    expect(compare(list, { type: 'string' }, 'request')).toEqual([
      'error request-body-list-of-types-narrowed',
    ]);
    expect(compare({ type: 'string' }, list, 'request')).toEqual([
      'info request-body-list-of-types-widened',
    ]);
  });

  it('does not count saying `type: object` where properties already said it', () => {
    expect(
      compare(
        { properties: { a: { type: 'string' } } },
        obj({ a: { type: 'string' } }),
        'request',
      ),
    ).toEqual([]);
  });

  it('says only the type changed when an object became something else', () => {
    expect(
      compare(
        obj({ a: { type: 'string' } }, ['a']),
        { type: 'string' },
        'response',
      ),
    ).toEqual(['error response-body-type-changed']);
  });
});

describe('properties', () => {
  it('ignores read-only properties in requests and write-only ones in responses', () => {
    const withId = (flag: JsonObject) =>
      obj({ id: { type: 'string', ...flag }, a: { type: 'string' } }, ['id']);
    const without = obj({ a: { type: 'string' } });
    expect(compare(without, withId({ readOnly: true }), 'request')).toEqual([]);
    expect(compare(without, withId({}), 'request')).toEqual([
      'error new-required-request-property id',
    ]);
    expect(compare(withId({ writeOnly: true }), without, 'response')).toEqual(
      [],
    );
    expect(compare(withId({}), without, 'response')).toEqual([
      'error response-required-property-removed id',
    ]);
  });

  it('tells a new required property with a default apart, as oasdiff does', () => {
    const to = obj({ a: { type: 'string', default: 'x' } }, ['a']);
    expect(compare(obj({}), to, 'request')).toEqual([
      'error new-required-request-property-with-default a',
    ]);
    expect(
      compare(obj({ a: { type: 'string', default: 'x' } }), to, 'request'),
    ).toEqual(['error request-property-became-required-with-default a']);
  });

  it('walks items, additionalProperties and nested objects', () => {
    const from = obj({
      lines: {
        type: 'array',
        items: obj({ qty: { type: 'integer' } }, ['qty']),
      },
      meta: { type: 'object', additionalProperties: { type: 'string' } },
    });
    const to = obj({
      lines: { type: 'array', items: obj({ qty: { type: 'integer' } }) },
      meta: { type: 'object', additionalProperties: { type: 'integer' } },
    });
    expect(compare(from, to, 'response')).toEqual([
      'error response-property-became-optional lines/items/qty',
      'error response-property-type-changed meta/additionalProperties',
    ]);
  });

  it('merges allOf parts, also when two parts describe the same property', () => {
    const from = {
      allOf: [
        obj({ a: { type: 'string' } }),
        obj({ a: { maxLength: 10 } }, ['a']),
      ],
    };
    const to = obj({ a: { type: 'string', maxLength: 5 } }, ['a']);
    expect(compare(from, to, 'request')).toEqual([
      'error request-property-max-length-decreased a',
    ]);
  });
});

describe('values and bounds', () => {
  it('handles enums, const and x-extensible-enum', () => {
    expect(
      compare({ type: 'string' }, { type: 'string', enum: ['a'] }, 'request'),
    ).toEqual(['error request-body-became-enum']);
    expect(
      compare(
        { type: 'string', enum: ['a', 'b'] },
        { type: 'string', enum: ['a'] },
        'request',
      ),
    ).toEqual(['error request-body-enum-value-removed']);
    expect(compare({ const: 'a' }, { const: 'b' }, 'response')).toEqual([
      'error response-body-const-changed',
    ]);
    expect(
      compare(
        { type: 'string', 'x-extensible-enum': ['a', 'b'] },
        { type: 'string', 'x-extensible-enum': ['a'] },
        'request',
      ),
    ).toEqual(['error request-body-x-extensible-enum-value-removed']);
    expect(
      compare(
        { type: 'string', 'x-extensible-enum': ['a'] },
        { type: 'string', 'x-extensible-enum': ['a', 'b'] },
        'response',
      ),
    ).toEqual([]);
  });

  it('reads OpenAPI 3.0 boolean exclusive bounds and 3.1 numeric ones alike', () => {
    const v30 = { type: 'number', maximum: 10, exclusiveMaximum: true };
    const v31 = { type: 'number', exclusiveMaximum: 10 };
    expect(compare(v30, v31, 'request')).toEqual([]);
    expect(
      compare(v30, { type: 'number', exclusiveMaximum: 5 }, 'request'),
    ).toEqual(['error request-body-exclusive-max-decreased']);
  });

  it('judges item counts', () => {
    const arr = (bounds: JsonObject) => ({
      type: 'array',
      items: { type: 'string' },
      ...bounds,
    });
    expect(
      compare(arr({ maxItems: 10 }), arr({ maxItems: 5 }), 'request'),
    ).toEqual(['error request-body-max-items-decreased']);
    expect(
      compare(arr({ minItems: 1 }), arr({ minItems: 2 }), 'request'),
    ).toEqual(['error request-body-min-items-increased']);
    expect(compare(arr({ minItems: 2 }), arr({}), 'response')).toEqual([
      'error response-body-min-items-unset',
    ]);
  });
});

describe('alternatives and JSON Schema 2020-12 keywords', () => {
  const components = {
    Card: obj({ pan: { type: 'string' } }),
    Iban: obj({ iban: { type: 'string' } }),
  };

  it('matches oneOf alternatives by component, and an inline one moved into a component is the same', () => {
    const refs = {
      oneOf: [
        { $ref: '#/components/schemas/Card' },
        { $ref: '#/components/schemas/Iban' },
      ],
    };
    const inline = {
      oneOf: [
        obj({ pan: { type: 'string' } }),
        { $ref: '#/components/schemas/Iban' },
      ],
    };
    expect(compare(inline, refs, 'request', { components })).toEqual([]);
    const reordered = {
      oneOf: [
        { $ref: '#/components/schemas/Iban' },
        { $ref: '#/components/schemas/Card' },
      ],
    };
    expect(compare(refs, reordered, 'response', { components })).toEqual([]);
  });

  it('looks inside matched alternatives', () => {
    // Inline alternatives left over are the same ones, edited, in order.
    const from = {
      anyOf: [{ type: 'string' }, obj({ pan: { type: 'string' } })],
    };
    const to = {
      anyOf: [
        { type: 'string' },
        obj({ pan: { type: 'string', maxLength: 4 } }),
      ],
    };
    expect(compare(from, to, 'request')).toEqual([
      'warning request-property-max-length-set anyOf[#1]/pan',
    ]);
    // A component replaced by another is an alternative lost.
    const cards = { anyOf: [{ $ref: '#/components/schemas/Card' }] };
    const ibans = { anyOf: [{ $ref: '#/components/schemas/Iban' }] };
    expect(compare(cards, ibans, 'request', { components })).toEqual([
      'error request-body-any-of-removed',
      'info request-body-any-of-added',
    ]);
  });

  it('treats added sub-schemas as constraints: errors in requests, info in responses', () => {
    const base = { type: 'object' };
    const withIf = {
      type: 'object',
      if: obj({ a: { const: 1 } }),
      then: obj({}, ['b']),
    };
    expect(compare(base, withIf, 'request')).toEqual([
      'error request-body-if-added',
      'error request-body-then-added',
    ]);
    expect(compare(base, withIf, 'response')).toEqual([
      'info response-body-if-added',
      'info response-body-then-added',
    ]);
    expect(compare(withIf, base, 'response')).toEqual([
      'error response-body-if-removed',
      'error response-body-then-removed',
    ]);
    const tuple = (n: number) => ({
      type: 'array',
      prefixItems: Array.from({ length: n }, () => ({ type: 'string' })),
    });
    expect(compare(tuple(2), tuple(1), 'request')).toEqual([
      'error request-body-prefix-items-removed',
    ]);
    expect(compare(tuple(1), tuple(2), 'response')).toEqual([
      'error response-body-prefix-items-added',
    ]);
    expect(
      compare(
        { type: 'object', dependentRequired: { a: ['b'] } },
        { type: 'object', dependentRequired: { a: ['c'] } },
        'request',
      ),
    ).toEqual(['error request-body-dependent-required-changed']);
  });

  it('reports discriminator changes as info', () => {
    const d = (propertyName: string) => ({
      oneOf: [{ $ref: '#/components/schemas/Card' }],
      discriminator: { propertyName },
    });
    expect(compare(d('kind'), d('type'), 'response', { components })).toEqual([
      'info response-body-discriminator-property-name-changed',
    ]);
  });
});
