import fs from 'node:fs';
import path from 'node:path';
import { ApiDefinitionParseError, compareApiDefinitions } from '.';

const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'graphql', name),
    'utf8',
  );
const compare = (from: string, to: string) =>
  compareApiDefinitions({ type: 'graphql', from, to });

describe('GraphQL', () => {
  it("maps graphql-inspector's criticality to levels, its change type to ids, its path to paths", async () => {
    const changes = await compare(
      fixture('payments-from.graphql'),
      fixture('payments-to.graphql'),
    );
    expect(changes.map(c => `${c.level} ${c.id} ${c.path ?? ''}`)).toEqual([
      'error SCHEMA_MUTATION_TYPE_CHANGED ',
      'error TYPE_REMOVED Mutation',
      'error FIELD_TYPE_CHANGED Order.total',
      'error FIELD_REMOVED Refund.reason',
      'error INPUT_FIELD_TYPE_CHANGED RefundInput.amount',
      'warning FIELD_ARGUMENT_ADDED Query.refunds.status',
      'warning FIELD_ARGUMENT_DEFAULT_CHANGED Query.refunds.first',
      'warning ENUM_VALUE_ADDED OrderStatus.DISPUTED',
      'info TYPE_DESCRIPTION_CHANGED Query',
      'info FIELD_ADDED Order.channel',
    ]);
    expect(changes.find(c => c.id === 'FIELD_REMOVED')?.message).toBe(
      "Field 'reason' was removed from object type 'Refund'",
    );
    // Under a root type, the operation is named.
    expect(changes.find(c => c.id === 'FIELD_ARGUMENT_ADDED')?.operation).toBe(
      'query refunds',
    );
  });

  it('is directional: what the candidate adds is not breaking', async () => {
    const from = 'type Query { order(id: ID!): String }';
    const to = 'type Query { order(id: ID!): String, refunds: [String] }';
    expect(await compare(from, to)).toEqual([
      expect.objectContaining({
        id: 'FIELD_ADDED',
        level: 'info',
        path: 'Query.refunds',
      }),
    ]);
    expect(await compare(to, from)).toEqual([
      expect.objectContaining({
        id: 'FIELD_REMOVED',
        level: 'error',
        path: 'Query.refunds',
        operation: 'query refunds',
      }),
    ]);
  });

  it('finds nothing between a schema and itself', async () => {
    expect(
      await compare(
        fixture('payments-from.graphql'),
        fixture('payments-from.graphql'),
      ),
    ).toEqual([]);
  });

  it('accepts directives the SDL does not declare (federation)', async () => {
    const sdl =
      'type Query { order(id: ID!): Order } type Order @key(fields: "id") { id: ID! }';
    expect(await compare(sdl, sdl)).toEqual([]);
  });

  it('passes usage to considerUsage, which makes unused breaking changes non-breaking', async () => {
    const from = 'type Query { a: Int, b: Int }';
    const to = 'type Query { c: Int }';
    const usage = jest.fn(
      async (input: Array<{ type: string; field?: string }>) =>
        // Safe to break: `b` (nobody uses it), not `a`.
        input.map(entry => entry.field === 'b'),
    );
    const changes = await compareApiDefinitions({
      type: 'graphql',
      from,
      to,
      usage,
    });
    expect(usage).toHaveBeenCalled();
    expect(changes.filter(c => c.level === 'error').map(c => c.path)).toEqual([
      'Query.a',
    ]);
  });

  it('reports syntax errors with the side, line and column', async () => {
    const error = await compare(
      'type Query {\n  order: \n}',
      'type Query { a: Int }',
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error.message).toBe(
      `The 'from' API definition could not be parsed at 3:1: Expected Name, found "}".`,
    );
    expect([error.line, error.column]).toEqual([3, 1]);
  });

  it('reports an unknown type where it is used', async () => {
    const error = await compare(
      'type Query { a: Int }',
      'type Query {\n  a: Int\n  b: Missing\n}',
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error.side).toBe('to');
    expect([error.line, error.column]).toEqual([3, 6]);
    expect(error.message).toContain('Missing');
  });

  it('refuses an operation document', async () => {
    await expect(
      compare('query { order(id: 1) { id } }', 'type Query { a: Int }'),
    ).rejects.toThrow(
      /'from' API definition could not be parsed at 1:1: this is a GraphQL operation document/,
    );
  });
});
