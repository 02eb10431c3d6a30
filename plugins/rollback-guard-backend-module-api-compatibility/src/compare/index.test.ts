import { compareApiDefinitions } from '.';
import { oas30, responseDoc, object } from './__fixtures__/openapiDocs';

describe('compareApiDefinitions', () => {
  it('puts errors first, then warnings, then info', async () => {
    const from = responseDoc(
      object(
        {
          a: { type: 'string' },
          b: { type: 'string' },
          c: { type: 'string', enum: ['x'] },
        },
        ['a'],
      ),
    );
    const to = responseDoc(
      object({
        c: { type: 'string', enum: ['x', 'y'] },
        d: { type: 'string' },
      }),
    );
    const changes = await compareApiDefinitions({ type: 'openapi', from, to });
    expect(changes.map(c => c.level)).toEqual([
      'error',
      'warning',
      'warning',
      'info',
    ]);
  });

  it('returns nothing for identical definitions of every type', async () => {
    const definitions = {
      openapi: oas30({
        '/a': { get: { responses: { '200': { description: 'ok' } } } },
      }),
      graphql: 'type Query { a: Int }',
      asyncapi:
        'asyncapi: 3.0.0\ninfo: {title: a, version: "1"}\nchannels: {}\n',
      grpc: 'syntax = "proto3";\npackage a;\nmessage A { string a = 1; }\n',
    } as const;
    for (const [type, text] of Object.entries(definitions)) {
      expect(
        await compareApiDefinitions({
          type: type as keyof typeof definitions,
          from: text,
          to: text,
        }),
      ).toEqual([]);
    }
  });

  it('refuses an unknown type', async () => {
    await expect(
      compareApiDefinitions({ type: 'soap' as never, from: '', to: '' }),
    ).rejects.toThrow(/Unknown API type 'soap'/);
  });
});
