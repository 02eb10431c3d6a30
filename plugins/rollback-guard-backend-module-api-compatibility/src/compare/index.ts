import { compareAsyncApi } from './asyncapi';
import { compareGraphql, GraphqlUsageHandler } from './graphql';
import { compareOpenApi } from './openapi';
import { compareProtobuf } from './protobuf';
import { ApiChange, ApiType } from './types';

export { ApiDefinitionParseError } from './types';
export type {
  ApiChange,
  ApiChangeLevel,
  ApiDefinitionSide,
  ApiType,
} from './types';
export type { GraphqlUsageHandler } from './graphql';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * What consumers of the `from` version (the one running now) lose if the
 * `to` version (the rollback candidate) replaces it. `from` is the base and
 * `to` the revision, as in `oasdiff breaking base revision`: each
 * error-level change is something consumers of `from` use that `to` no
 * longer offers, or now refuses.
 *
 * Results come errors first, then warnings, then info; only info-level
 * results means nothing breaks.
 *
 * Throws {@link ApiDefinitionParseError} when a definition cannot be read.
 *
 * @public
 */
export async function compareApiDefinitions(input: {
  type: ApiType;
  from: string;
  to: string;
  /**
   * GraphQL only: graphql-inspector's `considerUsage` handler, which says
   * of each type, field or argument a breaking change touches whether it is
   * safe to break (unused); those changes then come back as info.
   */
  usage?: GraphqlUsageHandler;
}): Promise<ApiChange[]> {
  let changes: ApiChange[];
  switch (input.type) {
    case 'openapi':
      changes = compareOpenApi(input.from, input.to);
      break;
    case 'asyncapi':
      changes = compareAsyncApi(input.from, input.to);
      break;
    case 'graphql':
      changes = await compareGraphql(input.from, input.to, input.usage);
      break;
    case 'grpc':
      changes = compareProtobuf(input.from, input.to);
      break;
    default:
      throw new Error(`Unknown API type '${String(input.type)}'`);
  }
  // A stable sort keeps each level in the order the definitions go.
  return changes
    .map((change, index) => ({ change, index }))
    .sort(
      (a, b) =>
        ORDER[a.change.level] - ORDER[b.change.level] || a.index - b.index,
    )
    .map(({ change }) => change);
}
