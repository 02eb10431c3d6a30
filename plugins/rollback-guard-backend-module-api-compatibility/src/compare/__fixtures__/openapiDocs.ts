/*
 * Small OpenAPI documents for the tests: one operation each, with the part
 * under test supplied by the test.
 */
type Json = Record<string, unknown>;

/** An OpenAPI 3.0 document with the given paths (and components). */
export function oas30(paths: Json, extra: Json = {}): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'payments-api', version: '1.0.0' },
    paths,
    ...extra,
  });
}

/** GET /orders/{id} answering 200 with `schema` as JSON. */
export function responseDoc(schema: unknown, extra: Json = {}): string {
  return oas30(
    {
      '/orders/{id}': {
        get: {
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema } },
            },
          },
        },
      },
    },
    extra,
  );
}

/** POST /refunds taking `schema` as a required JSON body. */
export function requestDoc(schema: unknown, extra: Json = {}): string {
  return oas30(
    {
      '/refunds': {
        post: {
          requestBody: {
            required: true,
            content: { 'application/json': { schema } },
          },
          responses: { '201': { description: 'created' } },
        },
      },
    },
    extra,
  );
}

/** GET /orders with the given parameters. */
export function parameterDoc(parameters: unknown[]): string {
  return oas30({
    '/orders': {
      get: { parameters, responses: { '200': { description: 'ok' } } },
    },
  });
}

/** An object schema with the given properties, `required` listing some. */
export function object(properties: Json, required: string[] = []): Json {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}
