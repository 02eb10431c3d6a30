/**
 * The kinds of API definition `compareApiDefinitions` understands.
 *
 * @public
 */
export type ApiType = 'openapi' | 'graphql' | 'asyncapi' | 'grpc';

/**
 * How much a change matters to consumers of the `from` version:
 * `error` is something they lose (a call or field they use stops working),
 * `warning` may break some of them, `info` does not break anyone.
 *
 * @public
 */
export type ApiChangeLevel = 'error' | 'warning' | 'info';

/**
 * One difference between two API definitions, named by the rule that found
 * it (oasdiff's rule ids for OpenAPI, graphql-inspector's change types for
 * GraphQL, buf's rule ids for protobuf, `asyncapi-…` ids for AsyncAPI).
 *
 * @public
 */
export type ApiChange = {
  id: string;
  level: ApiChangeLevel;
  message: string;
  /** The API path, channel, schema coordinate or protobuf element concerned. */
  path?: string;
  /** The operation concerned, e.g. `POST /refunds`, when there is one. */
  operation?: string;
};

/**
 * Which definition a problem was found in: `from` is the current version's,
 * `to` the candidate's.
 *
 * @public
 */
export type ApiDefinitionSide = 'from' | 'to';

/**
 * A definition that could not be read. Its message says which side (`from`
 * or `to`) and, where the parser knows it, the line and column; `name` is
 * `InputError` so that Backstage's error handling answers 400 for it.
 *
 * @public
 */
export class ApiDefinitionParseError extends Error {
  readonly side: ApiDefinitionSide;
  readonly line?: number;
  readonly column?: number;

  constructor(options: {
    side: ApiDefinitionSide;
    reason: string;
    line?: number;
    column?: number;
  }) {
    const { side, reason, line, column } = options;
    let position = '';
    if (line !== undefined) {
      position =
        column !== undefined ? ` at ${line}:${column}` : ` at line ${line}`;
    }
    super(
      `The '${side}' API definition could not be parsed${position}: ${reason}`,
    );
    this.name = 'InputError';
    this.side = side;
    this.line = line;
    this.column = column;
  }
}
