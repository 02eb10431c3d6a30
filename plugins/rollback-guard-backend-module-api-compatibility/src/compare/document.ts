import { parseDocument } from 'yaml';
import { ApiDefinitionParseError, ApiDefinitionSide } from './types';

/** A JSON value as read from an API definition. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object as read from an API definition. */
export type JsonObject = { [key: string]: JsonValue };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Line and column (both from 1) of a character offset in a text. */
export function positionOf(
  text: string,
  offset: number,
): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function parseJson(text: string, side: ApiDefinitionSide): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "… in JSON at position 16 (line 3 column 6)"; older versions
    // only give the offset, so the line and column are worked out from it.
    const offset = /at position (\d+)/.exec(message);
    let position: { line: number; column: number } | undefined;
    if (offset) position = positionOf(text, Number(offset[1]));
    else if (/end of JSON input/.test(message))
      position = positionOf(text, text.length);
    throw new ApiDefinitionParseError({
      side,
      reason: message.replace(/ in JSON at position \d+.*$/, ''),
      ...position,
    });
  }
}

function parseYaml(text: string, side: ApiDefinitionSide): unknown {
  const document = parseDocument(text, {
    // Definitions in the wild repeat keys now and then; the last one wins,
    // as in most OpenAPI tools, rather than refusing the whole file.
    uniqueKeys: false,
    merge: true,
    prettyErrors: true,
  });
  const [error] = document.errors;
  if (error) {
    const [start] = error.linePos ?? [];
    throw new ApiDefinitionParseError({
      side,
      reason: error.message
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, ''),
      line: start?.line,
      column: start?.col,
    });
  }
  return document.toJS({ maxAliasCount: 10_000 });
}

/**
 * Reads a JSON or YAML definition (JSON is YAML, but `JSON.parse` is much
 * faster on the multi-megabyte definitions some services publish), and
 * requires an object at the top.
 */
export function parseStructuredDocument(
  text: string,
  side: ApiDefinitionSide,
): JsonObject {
  const trimmed = text.trimStart();
  const value =
    trimmed.startsWith('{') || trimmed.startsWith('[')
      ? parseJson(text, side)
      : parseYaml(text, side);
  if (!isObject(value)) {
    throw new ApiDefinitionParseError({
      side,
      reason: 'the definition is not an object',
      line: 1,
      column: 1,
    });
  }
  return value;
}
