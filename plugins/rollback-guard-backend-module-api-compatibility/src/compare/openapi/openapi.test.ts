/*
 * OpenAPI as a whole: the three versions, YAML and JSON, `$ref`s (chains,
 * cycles, bundled files), path parameter names, direction, parse errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ApiChange, ApiDefinitionParseError, compareApiDefinitions } from '..';
import {
  object,
  oas30,
  requestDoc,
  responseDoc,
} from '../__fixtures__/openapiDocs';

const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', '__fixtures__', 'openapi', name),
    'utf8',
  );

const compare = (from: string, to: string) =>
  compareApiDefinitions({ type: 'openapi', from, to });

/** id, level and operation of each change, for compact expectations. */
const summary = (changes: ApiChange[]) =>
  changes.map(c => `${c.level} ${c.id} ${c.operation ?? c.path ?? ''}`);

describe('OpenAPI 3.0 (YAML, $ref chains and a cyclic schema)', () => {
  it('reports what consumers of the current version lose', async () => {
    const changes = await compare(
      fixture('payments-3.0-from.yaml'),
      fixture('payments-3.0-to.yaml'),
    );
    expect(summary(changes)).toEqual([
      'error response-property-became-optional GET /orders/{orderId}',
      'error request-parameter-became-required GET /refunds',
      'error request-parameter-max-decreased GET /refunds',
      'error response-property-became-optional GET /refunds',
      'error api-removed-without-deprecation POST /refunds',
      'info response-property-enum-value-removed GET /orders/{orderId}',
    ]);
    // Through Order → Money → Amount (a chain of references).
    expect(changes[0].message).toBe(
      "the response property 'total/amount' of GET /orders/{orderId} became optional (200 response, application/json)",
    );
    // Through RefundAlias → Refund → Money → Amount; Refund's cycle
    // (reversedBy) reaches the same change again, told once.
    expect(changes[3].message).toContain("'items/amount/amount'");
    expect(changes[4]).toEqual({
      id: 'api-removed-without-deprecation',
      level: 'error',
      message: 'POST /refunds was removed',
      path: '/refunds',
      operation: 'POST /refunds',
    });
  });

  it('goes the other way: what the candidate adds is info, what it narrows is an error', async () => {
    const changes = await compare(
      fixture('payments-3.0-to.yaml'),
      fixture('payments-3.0-from.yaml'),
    );
    expect(summary(changes)).toEqual([
      'warning response-property-enum-value-added GET /orders/{id}',
      'info response-property-became-required GET /orders/{id}',
      'info request-parameter-became-optional GET /refunds',
      'info request-parameter-max-increased GET /refunds',
      'info response-property-became-required GET /refunds',
      'info endpoint-added POST /refunds',
    ]);
  });

  it('finds nothing between a definition and itself, in YAML or in JSON', async () => {
    const yaml = fixture('payments-3.0-from.yaml');
    expect(await compare(yaml, yaml)).toEqual([]);
    const json = JSON.stringify(parse(yaml));
    expect(await compare(yaml, json)).toEqual([]);
    expect(await compare(json, yaml)).toEqual([]);
  });
});

describe('Swagger 2.0 (JSON)', () => {
  it('reads body and form parameters, produces/consumes and x-nullable', async () => {
    const changes = await compare(
      fixture('payments-2.0-from.json'),
      fixture('payments-2.0-to.json'),
    );
    expect(summary(changes)).toEqual([
      'error request-parameter-max-length-decreased POST /refunds',
      'error new-required-request-property POST /refunds',
      'error response-property-became-optional POST /refunds',
      'error response-property-became-nullable POST /refunds',
      'error request-property-became-required POST /refunds/{refundId}/notes',
      'error request-property-enum-value-removed POST /refunds/{refundId}/notes',
      'warning optional-response-header-removed POST /refunds',
      'warning response-optional-property-removed POST /refunds',
    ]);
    // `produces: [json, xml]` share the schema: one change naming both.
    expect(changes[2].message).toBe(
      "the response property 'status' of POST /refunds became optional (201 response, application/json, application/xml)",
    );
    expect(changes[4].message).toContain('(application/x-www-form-urlencoded)');
  });
});

describe('OpenAPI 3.1', () => {
  it('reads type arrays, const, null alternatives and webhooks', async () => {
    const changes = await compare(
      fixture('payments-3.1-from.yaml'),
      fixture('payments-3.1-to.yaml'),
    );
    expect(summary(changes)).toEqual([
      'error response-property-became-nullable GET /payouts/{payoutId}',
      'error response-property-const-changed GET /payouts/{payoutId}',
      'error request-property-became-not-nullable PUT /payouts/{payoutId}',
      'error request-property-exclusive-max-decreased PUT /payouts/{payoutId}',
      'error request-property-const-changed POST payoutPaid',
      'error webhook-removed payoutFailed',
      'info response-optional-property-added GET /payouts/{payoutId}',
      'info request-property-became-nullable POST payoutPaid',
      'info new-optional-request-property POST payoutPaid',
    ]);
  });

  it('treats the three ways of saying nullable alike', async () => {
    const forms = [
      { type: 'string', nullable: true },
      { type: ['string', 'null'] },
      { oneOf: [{ type: 'string' }, { type: 'null' }] },
      { anyOf: [{ type: 'null' }, { type: 'string' }] },
    ];
    for (const a of forms) {
      for (const b of forms) {
        expect(
          await compare(
            responseDoc(object({ note: a })),
            responseDoc(object({ note: b })),
          ),
        ).toEqual([]);
      }
      const changes = await compare(
        responseDoc(object({ note: { type: 'string' } })),
        responseDoc(object({ note: a })),
      );
      expect(summary(changes)).toEqual([
        'error response-property-became-nullable GET /orders/{id}',
      ]);
    }
  });
});

describe('$ref resolution', () => {
  const components = (schemas: Record<string, unknown>) => ({
    components: { schemas },
  });

  it('follows chains of references to the same schema without reporting the indirection', async () => {
    const direct = responseDoc(
      object({ amount: { type: 'number' } }, ['amount']),
    );
    const chained = responseDoc(
      { $ref: '#/components/schemas/A' },
      components({
        A: { $ref: '#/components/schemas/B' },
        B: { $ref: '#/components/schemas/C' },
        C: object({ amount: { $ref: '#/components/schemas/Amount' } }, [
          'amount',
        ]),
        Amount: { type: 'number' },
      }),
    );
    expect(await compare(direct, chained)).toEqual([]);
    expect(await compare(chained, direct)).toEqual([]);
  });

  it('terminates on cyclic schemas and finds changes behind the cycle', async () => {
    const tree = (leaf: Record<string, unknown>) =>
      responseDoc(
        { $ref: '#/components/schemas/Node' },
        components({
          Node: object(
            {
              value: leaf,
              children: {
                type: 'array',
                items: { $ref: '#/components/schemas/Node' },
              },
            },
            ['value'],
          ),
        }),
      );
    const changes = await compare(
      tree({ type: 'integer' }),
      tree({ type: 'string' }),
    );
    // Reachable at value, children/items/value, … : told once, at its shortest path.
    expect(summary(changes)).toEqual([
      'error response-property-type-changed GET /orders/{id}',
    ]);
    expect(changes[0].message).toContain("'value'");
  });

  it('finds a change through a cycle whichever schema an operation starts from', async () => {
    const doc = (type: string) =>
      oas30(
        {
          '/a': {
            get: {
              responses: {
                '200': {
                  description: 'a',
                  content: {
                    'application/json': {
                      schema: { $ref: '#/components/schemas/A' },
                    },
                  },
                },
              },
            },
          },
          '/b': {
            get: {
              responses: {
                '200': {
                  description: 'b',
                  content: {
                    'application/json': {
                      schema: { $ref: '#/components/schemas/B' },
                    },
                  },
                },
              },
            },
          },
        },
        components({
          A: object({ b: { $ref: '#/components/schemas/B' }, x: { type } }),
          B: object({ a: { $ref: '#/components/schemas/A' } }),
        }),
      );
    const changes = await compare(doc('string'), doc('integer'));
    expect(changes.map(c => c.message)).toEqual([
      "the response property 'x' of GET /a had its type changed from 'string' to 'integer' (200 response, application/json)",
      "the response property 'a/x' of GET /b had its type changed from 'string' to 'integer' (200 response, application/json)",
    ]);
  });

  it('resolves references to other files that a bundler put under components', async () => {
    const bundled = (file: string) =>
      responseDoc(
        { $ref: `${file}` },
        components({
          Money: object({ amount: { type: 'number' } }, ['amount']),
        }),
      );
    const inline = responseDoc(object({ amount: { type: 'number' } }));
    for (const ref of [
      './common.yaml#/components/schemas/Money',
      'schemas/Money.yaml',
    ]) {
      const changes = await compare(bundled(ref), inline);
      expect(summary(changes)).toEqual([
        'error response-property-became-optional GET /orders/{id}',
      ]);
    }
  });

  it('lays keywords next to a $ref over the target (3.1)', async () => {
    const from = responseDoc(
      object({ note: { $ref: '#/components/schemas/Text' } }),
      components({ Text: { type: 'string' } }),
    );
    const to = responseDoc(
      object({
        note: {
          $ref: '#/components/schemas/Text',
          description: 'free text',
          maxLength: 10,
        },
      }),
      components({ Text: { type: 'string' } }),
    );
    expect(summary(await compare(to, from))).toEqual([
      'error response-property-max-length-unset GET /orders/{id}',
    ]);
  });

  it('merges allOf, and 3.0 `nullable` beside it makes the reference nullable', async () => {
    const schemas = components({
      Base: object({ id: { type: 'string' } }, ['id']),
      Extra: object({ amount: { type: 'number' } }, ['amount']),
    });
    const merged = requestDoc(
      {
        allOf: [
          { $ref: '#/components/schemas/Base' },
          { $ref: '#/components/schemas/Extra' },
        ],
      },
      schemas,
    );
    const flat = requestDoc(
      object({ id: { type: 'string' }, amount: { type: 'number' } }, [
        'id',
        'amount',
      ]),
      schemas,
    );
    expect(await compare(flat, merged)).toEqual([]);
    const base = requestDoc(
      { allOf: [{ $ref: '#/components/schemas/Base' }] },
      schemas,
    );
    expect(summary(await compare(base, merged))).toEqual([
      'error new-required-request-property POST /refunds',
    ]);

    const plain = responseDoc(
      object({ extra: { allOf: [{ $ref: '#/components/schemas/Extra' }] } }),
      schemas,
    );
    const nullable = responseDoc(
      object({
        extra: {
          allOf: [{ $ref: '#/components/schemas/Extra' }],
          nullable: true,
        },
      }),
      schemas,
    );
    expect(summary(await compare(plain, nullable))).toEqual([
      'error response-property-became-nullable GET /orders/{id}',
    ]);
  });

  it('leaves references it cannot resolve alone', async () => {
    const doc = (ref: string) => responseDoc(object({ money: { $ref: ref } }));
    expect(
      await compare(
        doc('https://example.com/money.json'),
        doc('https://example.com/money.json'),
      ),
    ).toEqual([]);
    expect(
      await compare(
        doc('https://example.com/money.json'),
        doc('https://example.com/money-v2.json'),
      ),
    ).toEqual([]);
  });
});

describe('paths and direction', () => {
  const get = (apiPath: string, param: string) =>
    oas30({
      [apiPath]: {
        get: {
          parameters: [
            {
              name: param,
              in: 'path',
              required: true,
              schema: { type: 'string' },
            },
          ],
          responses: { '200': { description: 'ok' } },
        },
      },
    });

  it('does not count a renamed path parameter as a change', async () => {
    expect(
      await compare(
        get('/orders/{orderId}', 'orderId'),
        get('/orders/{id}', 'id'),
      ),
    ).toEqual([]);
  });

  it('reports a path gone as an error and a path added as info', async () => {
    const removed = await compare(
      get('/orders/{id}', 'id'),
      get('/invoices/{id}', 'id'),
    );
    expect(summary(removed)).toEqual([
      'error api-path-removed-without-deprecation GET /orders/{id}',
      'info endpoint-added GET /invoices/{id}',
    ]);
  });

  it('reports the removal of a deprecated path as an error too', async () => {
    const deprecated = oas30({
      '/legacy': {
        get: { deprecated: true, responses: { '200': { description: 'ok' } } },
      },
    });
    const changes = await compare(deprecated, oas30({}));
    expect(summary(changes)).toEqual([
      'error api-path-removed-with-deprecation GET /legacy',
    ]);
  });

  it('folds path-level parameters into each operation', async () => {
    const withPathParameter = (required: boolean) =>
      oas30({
        '/orders': {
          parameters: [
            {
              name: 'tenant',
              in: 'header',
              required,
              schema: { type: 'string' },
            },
          ],
          get: { responses: { '200': { description: 'ok' } } },
          post: { responses: { '200': { description: 'ok' } } },
        },
      });
    const changes = await compare(
      withPathParameter(false),
      withPathParameter(true),
    );
    expect(summary(changes)).toEqual([
      'error request-parameter-became-required GET /orders',
      'error request-parameter-became-required POST /orders',
    ]);
    const added = await compare(
      oas30({
        '/orders': { get: { responses: { '200': { description: 'ok' } } } },
      }),
      withPathParameter(true),
    );
    expect(added).toContainEqual(
      expect.objectContaining({
        id: 'new-required-request-default-parameter-to-existing-path',
        level: 'error',
        operation: 'GET /orders',
      }),
    );
  });
});

describe('parse errors', () => {
  it('names the side and the line and column of a JSON error', async () => {
    const broken = '{\n  "openapi": "3.0.3",\n  "paths" {}\n}';
    await expect(compare(broken, oas30({}))).rejects.toThrow(
      ApiDefinitionParseError,
    );
    await expect(compare(broken, oas30({}))).rejects.toThrow(
      /'from' API definition .* at 3:11/,
    );
    await expect(compare(oas30({}), broken)).rejects.toThrow(
      /'to' API definition/,
    );
  });

  it('names the side and the line and column of a YAML error', async () => {
    const broken = 'openapi: 3.0.3\npaths:\n  /orders:\n    get: [unclosed\n';
    const error = await compare(oas30({}), broken).catch(e => e);
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error.name).toBe('InputError');
    expect(error.side).toBe('to');
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message).toMatch(
      /^The 'to' API definition could not be parsed at \d+:\d+: /,
    );
  });

  it('refuses a document that is not OpenAPI', async () => {
    await expect(
      compare(stringify({ asyncapi: '2.6.0', channels: {} }), oas30({})),
    ).rejects.toThrow(
      /'from' API definition could not be parsed: not an OpenAPI definition/,
    );
  });
});

describe('size', () => {
  it('compares a long cycle of components used by many operations quickly', async () => {
    const doc = (changed: boolean) => {
      const schemas: Record<string, unknown> = {};
      for (let i = 0; i < 300; i++) {
        schemas[`M${i}`] = object({
          value: { type: changed && i === 150 ? 'string' : 'integer' },
          next: { $ref: `#/components/schemas/M${(i + 1) % 300}` },
        });
      }
      const paths: Record<string, unknown> = {};
      for (let p = 0; p < 300; p++) {
        paths[`/m${p}`] = {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: { $ref: `#/components/schemas/M${p}` },
                  },
                },
              },
            },
          },
        };
      }
      return oas30(paths, { components: { schemas } });
    };
    const started = Date.now();
    const changes = await compare(doc(false), doc(true));
    expect(Date.now() - started).toBeLessThan(5000);
    // Every operation reaches M150 once, by its shortest path.
    expect(changes).toHaveLength(300);
    expect(changes.find(c => c.operation === 'GET /m150')?.message).toContain(
      "'value'",
    );
    expect(changes.find(c => c.operation === 'GET /m149')?.message).toContain(
      "'next/value'",
    );
  });
});
