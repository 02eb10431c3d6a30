/*
 * GraphQL: graphql-inspector's `diff` from the `from` schema to the `to`
 * schema. Its criticality is the level: BREAKING → error, DANGEROUS →
 * warning, NON_BREAKING → info; its change type (`FIELD_REMOVED`…) is the
 * id and its schema coordinate (`Query.orders`) the path.
 *
 * graphql-inspector can also weigh changes by use: its `considerUsage` rule
 * asks a handler, for each type, field or argument a breaking change
 * touches, whether it is safe to break (nobody uses it), and turns those
 * non-breaking. Once Rollback Guard knows which operations consumers send
 * (persisted queries, usage reporting), that handler goes in `usage`.
 */
import {
  Change,
  CriticalityLevel,
  diff,
  DiffRule,
  UsageHandler,
} from '@graphql-inspector/core';
import {
  buildASTSchema,
  DocumentNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  parse,
  visit,
} from 'graphql';
import {
  ApiChange,
  ApiChangeLevel,
  ApiDefinitionParseError,
  ApiDefinitionSide,
} from './types';

/**
 * graphql-inspector's usage handler: for each type, field or argument a
 * breaking change touches, `true` when it is safe to break (unused).
 *
 * @public
 */
export type GraphqlUsageHandler = UsageHandler;

const LEVELS: Record<CriticalityLevel, ApiChangeLevel> = {
  [CriticalityLevel.Breaking]: 'error',
  [CriticalityLevel.Dangerous]: 'warning',
  [CriticalityLevel.NonBreaking]: 'info',
};

/** Where in the SDL a named type is first used, for "unknown type" errors. */
function firstUse(
  document: DocumentNode,
  name: string,
): { line: number; column: number } | undefined {
  let found: { line: number; column: number } | undefined;
  visit(document, {
    NamedType(node) {
      if (!found && node.name.value === name && node.loc) {
        found = {
          line: node.loc.startToken.line,
          column: node.loc.startToken.column,
        };
      }
    },
  });
  return found;
}

function buildSchema(sdl: string, side: ApiDefinitionSide): GraphQLSchema {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (error) {
    const location =
      error instanceof GraphQLError ? error.locations?.[0] : undefined;
    throw new ApiDefinitionParseError({
      side,
      reason:
        error instanceof GraphQLError
          ? error.message.replace(/^Syntax Error: /, '')
          : String(error),
      line: location?.line,
      column: location?.column,
    });
  }
  const executable = document.definitions.find(
    d =>
      d.kind === Kind.OPERATION_DEFINITION ||
      d.kind === Kind.FRAGMENT_DEFINITION,
  );
  if (executable) {
    const start = executable.loc?.startToken;
    throw new ApiDefinitionParseError({
      side,
      reason: 'this is a GraphQL operation document, not a schema (SDL)',
      line: start?.line,
      column: start?.column,
    });
  }
  try {
    // Subgraph and gateway schemas use directives (`@key`, `@link`…) they
    // do not declare; they are not this comparison's business.
    return buildASTSchema(document, { assumeValidSDL: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown type: "?([_A-Za-z][_0-9A-Za-z]*)"?/.exec(message);
    const position = unknown ? firstUse(document, unknown[1]) : undefined;
    throw new ApiDefinitionParseError({ side, reason: message, ...position });
  }
}

/** `query orders` for a change under a root type's field. */
function operationOf(
  schema: GraphQLSchema,
  path: string | undefined,
): string | undefined {
  if (!path) return undefined;
  const [typeName, fieldName] = path.split('.');
  if (!fieldName) return undefined;
  const roots: Array<[string, GraphQLSchema['getQueryType']]> = [
    ['query', () => schema.getQueryType()],
    ['mutation', () => schema.getMutationType()],
    ['subscription', () => schema.getSubscriptionType()],
  ];
  for (const [kind, get] of roots) {
    if (get.call(schema)?.name === typeName) return `${kind} ${fieldName}`;
  }
  return undefined;
}

export async function compareGraphql(
  fromSdl: string,
  toSdl: string,
  usage?: GraphqlUsageHandler,
): Promise<ApiChange[]> {
  const from = buildSchema(fromSdl, 'from');
  const to = buildSchema(toSdl, 'to');
  const changes: Change[] = usage
    ? await diff(from, to, [DiffRule.considerUsage], { checkUsage: usage })
    : await diff(from, to);
  return changes.map(change => {
    const result: ApiChange = {
      id: change.type,
      level: LEVELS[change.criticality.level] ?? 'info',
      message: change.message,
    };
    if (change.path) result.path = change.path;
    const operation =
      operationOf(from, change.path) ?? operationOf(to, change.path);
    if (operation) result.operation = operation;
    return result;
  });
}
