/*
 * Each OpenAPI rule on a pair of definitions differing in that one thing,
 * in both directions (`from` → `to` and back), then all changes at once.
 */
import { ApiChange, compareApiDefinitions } from '..';
import {
  object,
  oas30,
  parameterDoc,
  requestDoc,
  responseDoc,
} from '../__fixtures__/openapiDocs';

type Case = {
  id: string;
  level: ApiChange['level'];
  from: string;
  to: string;
  /** The id and level expected the other way round (undefined: nothing but info). */
  reverse?: [string, ApiChange['level']];
};

const money = { type: 'number' };

const responseCases: Case[] = [
  {
    id: 'response-required-property-removed',
    level: 'error',
    from: responseDoc(
      object({ id: { type: 'string' }, amount: money }, ['id', 'amount']),
    ),
    to: responseDoc(object({ id: { type: 'string' } }, ['id'])),
    reverse: ['response-required-property-added', 'info'],
  },
  {
    id: 'response-optional-property-removed',
    level: 'warning',
    from: responseDoc(
      object({ id: { type: 'string' }, note: { type: 'string' } }),
    ),
    to: responseDoc(object({ id: { type: 'string' } })),
    reverse: ['response-optional-property-added', 'info'],
  },
  {
    id: 'response-property-became-optional',
    level: 'error',
    from: responseDoc(object({ amount: money }, ['amount'])),
    to: responseDoc(object({ amount: money })),
    reverse: ['response-property-became-required', 'info'],
  },
  {
    id: 'response-property-became-nullable',
    level: 'error',
    from: responseDoc(object({ amount: money })),
    to: responseDoc(object({ amount: { type: 'number', nullable: true } })),
    reverse: ['response-property-became-not-nullable', 'info'],
  },
  {
    id: 'response-body-became-nullable',
    level: 'error',
    from: responseDoc(object({ amount: money })),
    to: responseDoc({ ...object({ amount: money }), nullable: true }),
    reverse: ['response-body-became-not-nullable', 'info'],
  },
  {
    id: 'response-property-type-changed',
    level: 'error',
    from: responseDoc(object({ amount: money })),
    to: responseDoc(object({ amount: { type: 'string' } })),
    reverse: ['response-property-type-changed', 'error'],
  },
  {
    id: 'response-body-type-changed',
    level: 'error',
    from: responseDoc(object({ amount: money })),
    to: responseDoc({ type: 'array', items: object({ amount: money }) }),
    reverse: ['response-body-type-changed', 'error'],
  },
  {
    id: 'response-property-type-generalized',
    level: 'error',
    from: responseDoc(object({ count: { type: 'integer' } })),
    to: responseDoc(object({ count: { type: 'number' } })),
    reverse: ['response-property-type-specialized', 'info'],
  },
  {
    id: 'response-property-enum-value-added',
    level: 'warning',
    from: responseDoc(
      object({ status: { type: 'string', enum: ['open', 'closed'] } }),
    ),
    to: responseDoc(
      object({ status: { type: 'string', enum: ['open', 'closed', 'lost'] } }),
    ),
    reverse: ['response-property-enum-value-removed', 'info'],
  },
  {
    id: 'response-property-max-length-increased',
    level: 'error',
    from: responseDoc(object({ name: { type: 'string', maxLength: 10 } })),
    to: responseDoc(object({ name: { type: 'string', maxLength: 20 } })),
  },
  {
    id: 'response-property-min-decreased',
    level: 'error',
    from: responseDoc(object({ amount: { type: 'number', minimum: 1 } })),
    to: responseDoc(object({ amount: { type: 'number', minimum: 0 } })),
  },
  {
    id: 'response-body-one-of-added',
    level: 'error',
    from: responseDoc(
      { oneOf: [{ $ref: '#/components/schemas/Card' }] },
      {
        components: {
          schemas: {
            Card: object({ pan: { type: 'string' } }),
            Iban: object({ iban: { type: 'string' } }),
          },
        },
      },
    ),
    to: responseDoc(
      {
        oneOf: [
          { $ref: '#/components/schemas/Card' },
          { $ref: '#/components/schemas/Iban' },
        ],
      },
      {
        components: {
          schemas: {
            Card: object({ pan: { type: 'string' } }),
            Iban: object({ iban: { type: 'string' } }),
          },
        },
      },
    ),
    reverse: ['response-body-one-of-removed', 'info'],
  },
];

const requestCases: Case[] = [
  {
    id: 'new-required-request-property',
    level: 'error',
    from: requestDoc(object({ amount: money })),
    to: requestDoc(
      object({ amount: money, reason: { type: 'string' } }, ['reason']),
    ),
    reverse: ['request-property-removed', 'warning'],
  },
  {
    id: 'new-optional-request-property',
    level: 'info',
    from: requestDoc(object({ amount: money })),
    to: requestDoc(object({ amount: money, reason: { type: 'string' } })),
    reverse: ['request-property-removed', 'warning'],
  },
  {
    id: 'request-property-became-required',
    level: 'error',
    from: requestDoc(object({ amount: money })),
    to: requestDoc(object({ amount: money }, ['amount'])),
    reverse: ['request-property-became-optional', 'info'],
  },
  {
    id: 'request-property-type-changed',
    level: 'error',
    from: requestDoc(object({ amount: money })),
    to: requestDoc(object({ amount: { type: 'string' } })),
    reverse: ['request-property-type-changed', 'error'],
  },
  {
    id: 'request-property-type-generalized',
    level: 'info',
    from: requestDoc(object({ count: { type: 'integer' } })),
    to: requestDoc(object({ count: { type: 'number' } })),
    reverse: ['request-property-type-changed', 'error'],
  },
  {
    id: 'request-property-enum-value-removed',
    level: 'error',
    from: requestDoc(
      object({ reason: { type: 'string', enum: ['fraud', 'duplicate'] } }),
    ),
    to: requestDoc(object({ reason: { type: 'string', enum: ['fraud'] } })),
    reverse: ['request-property-enum-value-added', 'info'],
  },
  {
    id: 'request-property-became-enum',
    level: 'error',
    from: requestDoc(object({ reason: { type: 'string' } })),
    to: requestDoc(object({ reason: { type: 'string', enum: ['fraud'] } })),
  },
  {
    id: 'request-property-max-length-decreased',
    level: 'error',
    from: requestDoc(object({ note: { type: 'string', maxLength: 200 } })),
    to: requestDoc(object({ note: { type: 'string', maxLength: 100 } })),
    reverse: ['request-property-max-length-increased', 'info'],
  },
  {
    id: 'request-property-max-length-set',
    level: 'warning',
    from: requestDoc(object({ note: { type: 'string' } })),
    to: requestDoc(object({ note: { type: 'string', maxLength: 100 } })),
  },
  {
    id: 'request-property-min-length-increased',
    level: 'error',
    from: requestDoc(object({ note: { type: 'string', minLength: 1 } })),
    to: requestDoc(object({ note: { type: 'string', minLength: 5 } })),
    reverse: ['request-property-min-length-decreased', 'info'],
  },
  {
    id: 'request-property-pattern-added',
    level: 'error',
    from: requestDoc(object({ iban: { type: 'string' } })),
    to: requestDoc(object({ iban: { type: 'string', pattern: '^[A-Z]{2}' } })),
    reverse: ['request-property-pattern-removed', 'info'],
  },
  {
    id: 'request-property-pattern-changed',
    level: 'warning',
    from: requestDoc(
      object({ iban: { type: 'string', pattern: '^[A-Z]{2}' } }),
    ),
    to: requestDoc(
      object({ iban: { type: 'string', pattern: '^[A-Z]{2}[0-9]{2}' } }),
    ),
    reverse: ['request-property-pattern-changed', 'warning'],
  },
  {
    id: 'request-property-max-decreased',
    level: 'error',
    from: requestDoc(object({ amount: { type: 'number', maximum: 1000 } })),
    to: requestDoc(object({ amount: { type: 'number', maximum: 500 } })),
    reverse: ['request-property-max-increased', 'info'],
  },
  {
    id: 'request-property-min-increased',
    level: 'error',
    from: requestDoc(object({ amount: { type: 'number', minimum: 0 } })),
    to: requestDoc(object({ amount: { type: 'number', minimum: 1 } })),
    reverse: ['request-property-min-decreased', 'info'],
  },
  {
    id: 'request-property-became-not-nullable',
    level: 'error',
    from: requestDoc(object({ note: { type: 'string', nullable: true } })),
    to: requestDoc(object({ note: { type: 'string' } })),
    reverse: ['request-property-became-nullable', 'info'],
  },
  {
    id: 'request-body-one-of-removed',
    level: 'error',
    from: requestDoc(
      {
        oneOf: [
          { $ref: '#/components/schemas/Card' },
          { $ref: '#/components/schemas/Iban' },
        ],
      },
      {
        components: {
          schemas: {
            Card: object({ pan: { type: 'string' } }),
            Iban: object({ iban: { type: 'string' } }),
          },
        },
      },
    ),
    to: requestDoc(
      { oneOf: [{ $ref: '#/components/schemas/Card' }] },
      {
        components: {
          schemas: {
            Card: object({ pan: { type: 'string' } }),
            Iban: object({ iban: { type: 'string' } }),
          },
        },
      },
    ),
    reverse: ['request-body-one-of-added', 'info'],
  },
];

const query = (
  extra: Record<string, unknown> = {},
  schema: Record<string, unknown> = { type: 'integer' },
) => ({
  name: 'limit',
  in: 'query',
  schema,
  ...extra,
});

const parameterCases: Case[] = [
  {
    id: 'new-required-request-parameter',
    level: 'error',
    from: parameterDoc([]),
    to: parameterDoc([query({ required: true })]),
    reverse: ['request-parameter-removed', 'warning'],
  },
  {
    id: 'new-optional-request-parameter',
    level: 'info',
    from: parameterDoc([]),
    to: parameterDoc([query()]),
    reverse: ['request-parameter-removed', 'warning'],
  },
  {
    id: 'request-parameter-became-required',
    level: 'error',
    from: parameterDoc([query()]),
    to: parameterDoc([query({ required: true })]),
    reverse: ['request-parameter-became-optional', 'info'],
  },
  {
    id: 'request-parameter-type-changed',
    level: 'error',
    from: parameterDoc([query()]),
    to: parameterDoc([query({}, { type: 'boolean' })]),
    reverse: ['request-parameter-type-changed', 'error'],
  },
  {
    id: 'request-parameter-enum-value-removed',
    level: 'error',
    from: parameterDoc([query({}, { type: 'string', enum: ['asc', 'desc'] })]),
    to: parameterDoc([query({}, { type: 'string', enum: ['asc'] })]),
    reverse: ['request-parameter-enum-value-added', 'info'],
  },
  {
    id: 'request-parameter-max-length-decreased',
    level: 'error',
    from: parameterDoc([query({}, { type: 'string', maxLength: 20 })]),
    to: parameterDoc([query({}, { type: 'string', maxLength: 10 })]),
    reverse: ['request-parameter-max-length-increased', 'info'],
  },
  {
    id: 'request-parameter-min-length-increased',
    level: 'error',
    from: parameterDoc([query({}, { type: 'string' })]),
    to: parameterDoc([query({}, { type: 'string', minLength: 3 })]),
    reverse: ['request-parameter-min-length-decreased', 'info'],
  },
  {
    id: 'request-parameter-pattern-added',
    level: 'error',
    from: parameterDoc([query({}, { type: 'string' })]),
    to: parameterDoc([query({}, { type: 'string', pattern: '^[0-9]+$' })]),
    reverse: ['request-parameter-pattern-removed', 'info'],
  },
  {
    id: 'request-parameter-pattern-changed',
    level: 'warning',
    from: parameterDoc([query({}, { type: 'string', pattern: '^[0-9]+$' })]),
    to: parameterDoc([query({}, { type: 'string', pattern: '^[0-9]{2}$' })]),
    reverse: ['request-parameter-pattern-changed', 'warning'],
  },
  {
    id: 'request-parameter-max-decreased',
    level: 'error',
    from: parameterDoc([query({}, { type: 'integer', maximum: 100 })]),
    to: parameterDoc([query({}, { type: 'integer', maximum: 50 })]),
    reverse: ['request-parameter-max-increased', 'info'],
  },
  {
    id: 'request-parameter-min-increased',
    level: 'error',
    from: parameterDoc([query({}, { type: 'integer', minimum: 1 })]),
    to: parameterDoc([query({}, { type: 'integer', minimum: 5 })]),
    reverse: ['request-parameter-min-decreased', 'info'],
  },
  {
    id: 'request-parameter-type-generalized',
    level: 'info',
    from: parameterDoc([query()]),
    // A query string is text: any value can be read as a string.
    to: parameterDoc([query({}, { type: 'string' })]),
    reverse: ['request-parameter-type-changed', 'error'],
  },
];

const okResponse = { '200': { description: 'ok' } };

const operationCases: Case[] = [
  {
    id: 'api-path-removed-without-deprecation',
    level: 'error',
    from: oas30({
      '/refunds': { post: { responses: okResponse } },
      '/orders': { get: { responses: okResponse } },
    }),
    to: oas30({ '/orders': { get: { responses: okResponse } } }),
    reverse: ['endpoint-added', 'info'],
  },
  {
    id: 'api-removed-without-deprecation',
    level: 'error',
    from: oas30({
      '/refunds': {
        post: { responses: okResponse },
        get: { responses: okResponse },
      },
    }),
    to: oas30({ '/refunds': { get: { responses: okResponse } } }),
    reverse: ['endpoint-added', 'info'],
  },
  {
    // Deprecation excuses nothing: the consumers still call it.
    id: 'api-removed-with-deprecation',
    level: 'error',
    from: oas30({
      '/refunds': {
        post: { deprecated: true, responses: okResponse },
        get: { responses: okResponse },
      },
    }),
    to: oas30({ '/refunds': { get: { responses: okResponse } } }),
  },
  {
    id: 'response-success-status-removed',
    level: 'error',
    from: oas30({
      '/refunds': {
        post: {
          responses: {
            '201': { description: 'created' },
            '202': { description: 'queued' },
          },
        },
      },
    }),
    to: oas30({
      '/refunds': {
        post: { responses: { '201': { description: 'created' } } },
      },
    }),
    reverse: ['response-success-status-added', 'info'],
  },
  {
    id: 'response-non-success-status-removed',
    level: 'info',
    from: oas30({
      '/refunds': {
        post: {
          responses: {
            '201': { description: 'created' },
            '409': { description: 'conflict' },
          },
        },
      },
    }),
    to: oas30({
      '/refunds': {
        post: { responses: { '201': { description: 'created' } } },
      },
    }),
  },
  {
    id: 'response-media-type-removed',
    level: 'error',
    from: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: money },
                'text/csv': { schema: { type: 'string' } },
              },
            },
          },
        },
      },
    }),
    to: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: money } },
            },
          },
        },
      },
    }),
    reverse: ['response-media-type-added', 'info'],
  },
  {
    id: 'request-body-media-type-removed',
    level: 'error',
    from: oas30({
      '/refunds': {
        post: {
          requestBody: {
            content: {
              'application/json': { schema: money },
              'application/xml': { schema: money },
            },
          },
          responses: okResponse,
        },
      },
    }),
    to: oas30({
      '/refunds': {
        post: {
          requestBody: { content: { 'application/json': { schema: money } } },
          responses: okResponse,
        },
      },
    }),
    reverse: ['request-body-media-type-added', 'info'],
  },
  {
    id: 'request-body-became-required',
    level: 'error',
    from: oas30({
      '/refunds': {
        post: {
          requestBody: { content: { 'application/json': { schema: money } } },
          responses: okResponse,
        },
      },
    }),
    to: oas30({
      '/refunds': {
        post: {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: money } },
          },
          responses: okResponse,
        },
      },
    }),
    reverse: ['request-body-became-optional', 'info'],
  },
  {
    id: 'request-body-added-required',
    level: 'error',
    from: oas30({ '/refunds': { post: { responses: okResponse } } }),
    to: oas30({
      '/refunds': {
        post: {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: money } },
          },
          responses: okResponse,
        },
      },
    }),
    reverse: ['request-body-removed', 'error'],
  },
  {
    id: 'required-response-header-removed',
    level: 'error',
    from: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              headers: {
                'X-Rate-Limit': { required: true, schema: { type: 'integer' } },
              },
            },
          },
        },
      },
    }),
    to: oas30({ '/orders': { get: { responses: okResponse } } }),
    reverse: ['response-header-added', 'info'],
  },
  {
    id: 'optional-response-header-removed',
    level: 'warning',
    from: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              headers: { 'X-Rate-Limit': { schema: { type: 'integer' } } },
            },
          },
        },
      },
    }),
    to: oas30({ '/orders': { get: { responses: okResponse } } }),
    reverse: ['response-header-added', 'info'],
  },
  {
    id: 'response-header-became-optional',
    level: 'error',
    from: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              headers: { ETag: { required: true, schema: { type: 'string' } } },
            },
          },
        },
      },
    }),
    to: oas30({
      '/orders': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              headers: { ETag: { schema: { type: 'string' } } },
            },
          },
        },
      },
    }),
  },
  {
    id: 'api-security-added',
    level: 'warning',
    from: oas30({ '/orders': { get: { responses: okResponse } } }),
    to: oas30({
      '/orders': {
        get: { security: [{ oauth: ['orders:read'] }], responses: okResponse },
      },
    }),
    reverse: ['api-security-removed', 'info'],
  },
  {
    id: 'api-global-security-added',
    level: 'warning',
    from: oas30({ '/orders': { get: { responses: okResponse } } }),
    to: oas30(
      { '/orders': { get: { responses: okResponse } } },
      { security: [{ apiKey: [] }] },
    ),
    reverse: ['api-global-security-removed', 'info'],
  },
  {
    id: 'api-security-scope-added',
    level: 'warning',
    from: oas30({
      '/orders': {
        get: { security: [{ oauth: ['orders:read'] }], responses: okResponse },
      },
    }),
    to: oas30({
      '/orders': {
        get: {
          security: [{ oauth: ['orders:read', 'orders:admin'] }],
          responses: okResponse,
        },
      },
    }),
    reverse: ['api-security-scope-removed', 'info'],
  },
];

const notInfo = (changes: ApiChange[]) =>
  changes.filter(c => c.level !== 'info');

describe.each([
  ['response', responseCases],
  ['request body', requestCases],
  ['parameter', parameterCases],
  ['operation', operationCases],
])('OpenAPI %s rules', (_name, cases) => {
  it.each(cases.map(c => [c.id, c] as const))('%s', async (_id, c) => {
    const changes = await compareApiDefinitions({
      type: 'openapi',
      from: c.from,
      to: c.to,
    });
    const found = changes.find(change => change.id === c.id);
    expect(found).toMatchObject({ id: c.id, level: c.level });
    expect(found?.message).toBeTruthy();
    // Alone: nothing else worse than the change itself.
    const others = notInfo(changes).filter(change => change.id !== c.id);
    expect(others).toEqual([]);

    // The other way round: the expected reverse finding, or at least not
    // the same one again.
    const back = await compareApiDefinitions({
      type: 'openapi',
      from: c.to,
      to: c.from,
    });
    const backFindings = back.map(change => `${change.id} ${change.level}`);
    const looked = c.reverse ? c.reverse.join(' ') : `${c.id} ${c.level}`;
    expect(backFindings.includes(looked)).toBe(Boolean(c.reverse));
  });
});

describe('OpenAPI rules combined', () => {
  it('finds every change when they all happen in one definition', async () => {
    const merge = (docs: string[]) => {
      const paths: Record<string, unknown> = {};
      docs.forEach((doc, i) => {
        const parsed = JSON.parse(doc);
        for (const [path, item] of Object.entries(parsed.paths))
          paths[`/case${i}${path}`] = item;
      });
      return oas30(paths, {
        components: {
          schemas: {
            Card: object({ pan: { type: 'string' } }),
            Iban: object({ iban: { type: 'string' } }),
          },
        },
      });
    };
    // Security and whole-path removals change more than their own case.
    const cases = [...responseCases, ...requestCases, ...parameterCases].filter(
      c => !c.id.includes('security'),
    );
    const changes = await compareApiDefinitions({
      type: 'openapi',
      from: merge(cases.map(c => c.from)),
      to: merge(cases.map(c => c.to)),
    });
    for (const c of cases) {
      expect(changes).toContainEqual(
        expect.objectContaining({ id: c.id, level: c.level }),
      );
    }
  });
});
