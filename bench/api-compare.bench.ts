/*
 * API comparison benchmarks:
 * - two ~2 MB OpenAPI 3.0 JSON definitions (many paths, components that
 *   refer to each other, one cyclic) differing in 50 places: median time of
 *   `compareApiDefinitions`, and its ratio to the 1,000 ms aim;
 * - two ~1 MB GraphQL SDL schemas differing in a few places.
 * The definitions are generated, the same on every run.
 */
import { performance } from 'node:perf_hooks';
import { percentile, print } from './util';
import { compareApiDefinitions } from '../plugins/rollback-guard-backend-module-api-compatibility/src/compare';

const WARMUP = 2;
const RUNS = 7;
const OPENAPI_AIM_MS = 1000;
const DIFFERENCES = 50;

type Json = Record<string, unknown>;

/**
 * A schema component: scalars, an enum, an inline object, references to two
 * other components (components form a tree, as resources nest) and to
 * itself (a cycle).
 */
function schema(
  i: number,
  schemaCount: number,
  variant: 'from' | 'to',
  changed: Set<number>,
): Json {
  const properties: Json = {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string', maxLength: 200 },
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
    createdAt: { type: 'string', format: 'date-time' },
    note: { type: 'string', nullable: true },
    tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
    parent: { $ref: `#/components/schemas/Model${i}` },
    details: {
      type: 'object',
      properties: {
        line1: { type: 'string' },
        line2: { type: 'string' },
        count: { type: 'integer', format: 'int32', maximum: 1000 },
      },
    },
  };
  for (const [name, child] of [
    ['child', 2 * i + 1],
    ['sibling', 2 * i + 2],
  ] as const) {
    if (child < schemaCount)
      properties[name] = { $ref: `#/components/schemas/Model${child}` };
  }
  const required = ['id', 'name', 'amount'];
  if (variant === 'to' && changed.has(i)) {
    // One change per changed component, of a kind chosen by its number.
    switch (i % 5) {
      case 0:
        (properties.amount as Json).type = 'string';
        break;
      case 1:
        required.splice(required.indexOf('amount'), 1);
        break;
      case 2:
        (properties.currency as Json).enum = ['EUR', 'USD'];
        break;
      case 3:
        delete properties.createdAt;
        break;
      default:
        properties.reason = { type: 'string' };
        required.push('reason');
    }
  }
  return { type: 'object', required, properties };
}

function operation(path: number, method: string, schemaCount: number): Json {
  const model = { $ref: `#/components/schemas/Model${path % schemaCount}` };
  const op: Json = {
    operationId: `${method}Resource${path}`,
    summary: `The ${method} operation of resource ${path}, described at some length as real definitions do.`,
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
      { name: 'X-Request-Id', in: 'header', schema: { type: 'string' } },
    ],
    responses: {
      '200': {
        description: 'ok',
        content: { 'application/json': { schema: model } },
      },
      '404': {
        description: 'not found',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Problem' },
          },
        },
      },
    },
  };
  if (method === 'post') {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: model } },
    };
  }
  return op;
}

function openApi(
  variant: 'from' | 'to',
  pathCount: number,
  schemaCount: number,
): string {
  // 25 components change, 25 paths go: 50 differences.
  const changedSchemas = new Set<number>();
  for (let i = 0; i < DIFFERENCES / 2; i++)
    changedSchemas.add((i * 37) % schemaCount);
  const removedPaths = new Set<number>();
  for (let i = 0; i < DIFFERENCES / 2; i++)
    removedPaths.add((i * 53 + 7) % pathCount);

  const paths: Json = {};
  for (let p = 0; p < pathCount; p++) {
    if (variant === 'to' && removedPaths.has(p)) continue;
    // The candidate names path parameters differently: not a change.
    const param = variant === 'from' ? 'id' : 'resourceId';
    const item: Json = {
      get: operation(p, 'get', schemaCount),
      post: operation(p, 'post', schemaCount),
    };
    for (const op of Object.values(item) as Json[]) {
      (op.parameters as Json[])[0].name = param;
    }
    paths[`/resources${p}/{${param}}`] = item;
  }
  const schemas: Json = {
    Problem: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
      },
    },
  };
  for (let i = 0; i < schemaCount; i++)
    schemas[`Model${i}`] = schema(i, schemaCount, variant, changedSchemas);
  return JSON.stringify(
    {
      openapi: '3.0.3',
      info: {
        title: 'Benchmark API',
        version: variant === 'from' ? '2.0.0' : '1.9.0',
      },
      paths,
      components: { schemas },
    },
    null,
    1,
  );
}

function graphql(variant: 'from' | 'to', typeCount: number): string {
  const lines: string[] = ['type Query {'];
  for (let t = 0; t < typeCount; t++) {
    if (variant === 'to' && t % 400 === 3) continue;
    lines.push(
      `  entity${t}(id: ID!, first: Int = 10, after: String): Entity${t}`,
    );
  }
  lines.push('}', '', 'enum Status { ACTIVE SUSPENDED CLOSED }', '');
  for (let t = 0; t < typeCount; t++) {
    lines.push(
      `"""Entity number ${t}, with enough description to weigh what real schemas weigh."""`,
    );
    lines.push(`type Entity${t} {`);
    lines.push('  id: ID!');
    lines.push(`  name: String${variant === 'to' && t % 300 === 5 ? '' : '!'}`);
    lines.push('  status: Status!');
    lines.push('  createdAt: String!');
    for (let f = 0; f < 12; f++)
      lines.push(`  field${f}(format: String): String`);
    lines.push(`  next: Entity${(t + 1) % typeCount}`);
    if (!(variant === 'to' && t % 250 === 7)) lines.push('  legacy: Int');
    lines.push('}', '');
  }
  return lines.join('\n');
}

async function median(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

async function main() {
  const from = openApi('from', 650, 700);
  const to = openApi('to', 650, 700);
  const changes = await compareApiDefinitions({ type: 'openapi', from, to });
  if (!changes.some(c => c.level === 'error'))
    throw new Error('the OpenAPI definitions compare equal');
  const openApiMs = await median(() =>
    compareApiDefinitions({ type: 'openapi', from, to }),
  );
  print('api.openapi_diff_2mb_ms', openApiMs, 'ms');
  print(
    'api.openapi_diff_2mb_ratio_to_aim',
    openApiMs / OPENAPI_AIM_MS,
    'ratio',
  );
  process.stderr.write(
    `(OpenAPI: ${(from.length / 1e6).toFixed(2)} MB and ${(
      to.length / 1e6
    ).toFixed(2)} MB, ${changes.length} changes)\n`,
  );

  const fromSdl = graphql('from', 1500);
  const toSdl = graphql('to', 1500);
  const graphqlChanges = await compareApiDefinitions({
    type: 'graphql',
    from: fromSdl,
    to: toSdl,
  });
  const graphqlMs = await median(() =>
    compareApiDefinitions({ type: 'graphql', from: fromSdl, to: toSdl }),
  );
  print('api.graphql_diff_1mb_ms', graphqlMs, 'ms');
  process.stderr.write(
    `(GraphQL: ${(fromSdl.length / 1e6).toFixed(2)} MB and ${(
      toSdl.length / 1e6
    ).toFixed(2)} MB, ${graphqlChanges.length} changes)\n`,
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
