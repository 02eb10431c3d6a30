/*
 * OpenAPI 2.0, 3.0 and 3.1 read into one shape, so the rules are written
 * once: Swagger's `in: body`/`formData` parameters become a request body,
 * its `consumes`/`produces` become media types, its parameter and header
 * keywords become schemas, and path-level parameters are folded into each
 * operation.
 */
import { isObject, JsonObject, JsonValue } from '../document';
import { RefResolver } from '../refs';
import { ApiDefinitionParseError, ApiDefinitionSide } from '../types';

export const HTTP_METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
];

/** Media type → its schema (undefined when the media type has none). */
export type MediaTypes = Map<string, JsonValue | undefined>;

export type Parameter = {
  /** What matches a parameter across versions: `query:limit`, `path:#0`… */
  key: string;
  name: string;
  in: string;
  required: boolean;
  deprecated: boolean;
  schema: JsonValue | undefined;
  /** Whether the value travels as JSON (`content: application/json`). */
  json: boolean;
  /** Declared for the whole path rather than for the operation. */
  pathLevel: boolean;
};

export type RequestBody = {
  required: boolean;
  content: MediaTypes;
  /** Made of Swagger 2.0 `formData` parameters: required when one of them is. */
  form?: boolean;
};

export type Header = {
  name: string;
  required: boolean;
  schema: JsonValue | undefined;
};

export type Response = { headers: Map<string, Header>; content: MediaTypes };

/** A security requirement: schemes that must all be satisfied, with scopes. */
export type SecurityRequirement = {
  key: string;
  scopes: Map<string, Set<string>>;
};

export type Operation = {
  method: string;
  /** The webhook (OpenAPI 3.1) the operation belongs to, if it is one's. */
  webhook?: string;
  /** The path as the definition writes it. */
  path: string;
  deprecated: boolean;
  parameters: Map<string, Parameter>;
  requestBody?: RequestBody;
  responses: Map<string, Response>;
  /** Undefined when the operation inherits the definition's security. */
  security?: SecurityRequirement[];
};

export type NormalizedOpenApi = {
  version: '2.0' | '3.0' | '3.1';
  /** `POST /refunds/{}` → operation; path parameters' names do not count. */
  operations: Map<string, Operation>;
  /** Normalised path → the path as written. */
  paths: Map<string, string>;
  security?: SecurityRequirement[];
  webhooks: Set<string>;
  resolver: RefResolver;
};

/** `/orders/{orderId}` and `/orders/{id}` are the same path. */
export function normalizePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${normalizePath(path)}`;
}

/** Keywords of a Swagger 2.0 parameter or header that are not its schema. */
const NOT_SCHEMA = new Set([
  'name',
  'in',
  'required',
  'description',
  'collectionFormat',
  'allowEmptyValue',
]);

function security(
  value: JsonValue | undefined,
): SecurityRequirement[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map(requirement => {
    const scopes = new Map<string, Set<string>>();
    for (const [scheme, list] of Object.entries(requirement)) {
      scopes.set(
        scheme,
        new Set(
          Array.isArray(list)
            ? list.filter((s): s is string => typeof s === 'string')
            : [],
        ),
      );
    }
    return { key: [...scopes.keys()].sort().join(' + '), scopes };
  });
}

class Normalizer {
  private readonly synthetic = new WeakMap<JsonObject, JsonObject>();

  constructor(
    readonly root: JsonObject,
    readonly resolver: RefResolver,
    readonly swagger: boolean,
  ) {}

  private object(value: JsonValue | undefined): JsonObject | undefined {
    const resolved = this.resolver.deref(value);
    return isObject(resolved) ? resolved : undefined;
  }

  /** Swagger 2.0 keeps a parameter's schema keywords on the parameter. */
  private swaggerSchema(holder: JsonObject): JsonObject {
    let schema = this.synthetic.get(holder);
    if (!schema) {
      schema = {};
      for (const [key, value] of Object.entries(holder)) {
        if (!NOT_SCHEMA.has(key)) schema[key] = value;
      }
      this.synthetic.set(holder, schema);
    }
    return schema;
  }

  private mediaTypes(content: JsonValue | undefined): MediaTypes {
    const result: MediaTypes = new Map();
    const object = this.object(content);
    if (!object) return result;
    for (const [mediaType, value] of Object.entries(object)) {
      const media = this.object(value);
      result.set(mediaType.toLowerCase(), media?.schema);
    }
    return result;
  }

  private parameter(
    raw: JsonObject,
    path: string,
    pathLevel: boolean,
  ): Parameter | undefined {
    const name = typeof raw.name === 'string' ? raw.name : undefined;
    const location = typeof raw.in === 'string' ? raw.in : undefined;
    if (!name || !location) return undefined;
    let key: string;
    if (location === 'path') {
      // Matched by position in the template, so renaming `{id}` to
      // `{orderId}` changes nothing.
      const names = [...path.matchAll(/\{([^}]*)\}/g)].map(m => m[1]);
      const index = names.indexOf(name);
      key = index >= 0 ? `path:#${index}` : `path:${name}`;
    } else if (location === 'header') {
      key = `header:${name.toLowerCase()}`;
    } else {
      key = `${location}:${name}`;
    }
    let schema: JsonValue | undefined;
    let json = false;
    if (this.swagger) {
      schema = this.swaggerSchema(raw);
    } else if (raw.schema !== undefined) {
      schema = raw.schema;
    } else {
      const content = this.mediaTypes(raw.content);
      const [first] = content.entries();
      if (first) {
        schema = first[1];
        json = isJson(first[0]);
      }
    }
    return {
      key,
      name,
      in: location,
      required: raw.required === true || location === 'path',
      deprecated: raw.deprecated === true,
      schema,
      json,
      pathLevel,
    };
  }

  private responses(
    raw: JsonValue | undefined,
    produces: string[],
  ): Map<string, Response> {
    const result = new Map<string, Response>();
    const object = this.object(raw);
    if (!object) return result;
    for (const [status, value] of Object.entries(object)) {
      if (status.startsWith('x-')) continue;
      const response = this.object(value);
      if (!response) continue;
      const headers = new Map<string, Header>();
      for (const [name, headerValue] of Object.entries(
        this.object(response.headers) ?? {},
      )) {
        const header = this.object(headerValue);
        if (!header) continue;
        let schema: JsonValue | undefined;
        if (this.swagger) {
          schema = this.swaggerSchema(header);
        } else if (header.schema !== undefined) {
          schema = header.schema;
        } else {
          schema = [...this.mediaTypes(header.content).values()][0];
        }
        headers.set(name.toLowerCase(), {
          name,
          required: header.required === true,
          schema,
        });
      }
      let content: MediaTypes;
      if (this.swagger) {
        content = new Map();
        if (response.schema !== undefined) {
          for (const mediaType of produces)
            content.set(mediaType, response.schema);
        }
      } else {
        content = this.mediaTypes(response.content);
      }
      // `2xx` and `2XX` are the same range.
      result.set(/^\dxx$/i.test(status) ? status.toUpperCase() : status, {
        headers,
        content,
      });
    }
    return result;
  }

  private stringList(value: JsonValue | undefined): string[] | undefined {
    return Array.isArray(value)
      ? value
          .filter((v): v is string => typeof v === 'string')
          .map(v => v.toLowerCase())
      : undefined;
  }

  operation(
    method: string,
    path: string,
    raw: JsonObject,
    pathParameters: JsonValue | undefined,
  ): Operation {
    const parameters = new Map<string, Parameter>();
    const bodyParameters: JsonObject[] = [];
    const formParameters: JsonObject[] = [];
    const lists = [pathParameters, raw.parameters];
    for (const [index, list] of lists.entries()) {
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const parameter = this.object(item);
        if (!parameter) continue;
        if (this.swagger && parameter.in === 'body') {
          bodyParameters.splice(0, bodyParameters.length, parameter);
          continue;
        }
        if (this.swagger && parameter.in === 'formData') {
          formParameters.push(parameter);
          continue;
        }
        // OpenAPI 3 says these headers are described elsewhere and ignored.
        if (
          !this.swagger &&
          parameter.in === 'header' &&
          typeof parameter.name === 'string' &&
          ['accept', 'content-type', 'authorization'].includes(
            parameter.name.toLowerCase(),
          )
        ) {
          continue;
        }
        const normalized = this.parameter(parameter, path, index === 0);
        // Operation-level parameters override path-level ones.
        if (normalized) parameters.set(normalized.key, normalized);
      }
    }

    let requestBody: RequestBody | undefined;
    if (this.swagger) {
      const consumes =
        this.stringList(raw.consumes) ?? this.stringList(this.root.consumes);
      if (bodyParameters.length > 0) {
        const [body] = bodyParameters;
        const content: MediaTypes = new Map();
        for (const mediaType of consumes ?? ['application/json'])
          content.set(mediaType, body.schema);
        requestBody = { required: body.required === true, content };
      } else if (formParameters.length > 0) {
        const properties: JsonObject = {};
        const required: string[] = [];
        for (const parameter of formParameters) {
          if (typeof parameter.name !== 'string') continue;
          properties[parameter.name] = this.swaggerSchema(parameter);
          if (parameter.required === true) required.push(parameter.name);
        }
        const schema: JsonObject = { type: 'object', properties, required };
        const forms = (consumes ?? []).filter(
          mediaType =>
            mediaType === 'application/x-www-form-urlencoded' ||
            mediaType === 'multipart/form-data',
        );
        const content: MediaTypes = new Map();
        const hasFile = formParameters.some(p => p.type === 'file');
        for (const mediaType of forms.length > 0
          ? forms
          : [
              hasFile
                ? 'multipart/form-data'
                : 'application/x-www-form-urlencoded',
            ]) {
          content.set(mediaType, schema);
        }
        requestBody = { required: required.length > 0, content, form: true };
      }
    } else {
      const body = this.object(raw.requestBody);
      if (body) {
        requestBody = {
          required: body.required === true,
          content: this.mediaTypes(body.content),
        };
      }
    }

    const produces = this.stringList(raw.produces) ??
      this.stringList(this.root.produces) ?? ['application/json'];
    return {
      method: method.toUpperCase(),
      path,
      deprecated: raw.deprecated === true,
      parameters,
      requestBody,
      responses: this.responses(raw.responses, produces),
      security: security(raw.security),
    };
  }
}

export function isJson(mediaType: string): boolean {
  const base = mediaType.split(';')[0].trim();
  return base === 'application/json' || base.endsWith('+json');
}

/** Reads an OpenAPI definition; throws when it is not one. */
export function normalizeOpenApi(
  root: JsonObject,
  side: ApiDefinitionSide,
): NormalizedOpenApi {
  let version: NormalizedOpenApi['version'];
  if (typeof root.swagger === 'string' || typeof root.swagger === 'number') {
    version = '2.0';
  } else if (typeof root.openapi === 'string') {
    version = root.openapi.startsWith('3.0') ? '3.0' : '3.1';
  } else if (isObject(root.paths)) {
    version = '3.0';
  } else {
    throw new ApiDefinitionParseError({
      side,
      reason:
        "not an OpenAPI definition: it has neither an 'openapi' nor a 'swagger' field",
    });
  }
  const resolver = new RefResolver(root);
  const normalizer = new Normalizer(root, resolver, version === '2.0');
  const operations = new Map<string, Operation>();
  const paths = new Map<string, string>();
  const rawPaths = resolver.deref(root.paths);
  for (const [path, value] of Object.entries(
    isObject(rawPaths) ? rawPaths : {},
  )) {
    if (!path.startsWith('/')) continue;
    const item = resolver.deref(value);
    if (!isObject(item)) continue;
    const normalizedPath = normalizePath(path);
    if (paths.has(normalizedPath)) continue;
    paths.set(normalizedPath, path);
    for (const method of HTTP_METHODS) {
      const raw = resolver.deref(item[method]);
      if (!isObject(raw)) continue;
      operations.set(
        operationKey(method, path),
        normalizer.operation(method, path, raw, item.parameters),
      );
    }
  }
  // Webhooks are operations the service calls; oasdiff compares them as
  // any other, with the webhook's name as their path.
  const webhooks = new Set<string>();
  const rawWebhooks = resolver.deref(root.webhooks);
  for (const [name, value] of Object.entries(
    isObject(rawWebhooks) ? rawWebhooks : {},
  )) {
    webhooks.add(name);
    const item = resolver.deref(value);
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const raw = resolver.deref(item[method]);
      if (!isObject(raw)) continue;
      operations.set(`${method.toUpperCase()} webhook:${name}`, {
        ...normalizer.operation(method, name, raw, item.parameters),
        webhook: name,
      });
    }
  }
  return {
    version,
    operations,
    paths,
    security: security(root.security),
    webhooks,
    resolver,
  };
}
