/*
 * AsyncAPI 2.x and 3.x, read into one shape and judged with the same JSON
 * Schema rules as OpenAPI, by which way each message flows:
 *
 * - messages the application SENDS (AsyncAPI 2 `subscribe`: consumers
 *   subscribe to what it publishes; AsyncAPI 3 `action: send`) are judged
 *   like OpenAPI responses: consumers read them;
 * - messages it RECEIVES (AsyncAPI 2 `publish`, AsyncAPI 3
 *   `action: receive`) like requests: producers write them.
 *
 * Ids (ours, in oasdiff's style):
 * - `asyncapi-channel-removed` (error) / `asyncapi-channel-added` (info),
 *   channels matched by address with parameter names ignored;
 * - `asyncapi-operation-removed` (error) / `asyncapi-operation-added`
 *   (info), `asyncapi-operation-action-changed` and
 *   `asyncapi-operation-channel-changed` (error);
 * - `asyncapi-message-removed` (error), `asyncapi-message-added` (warning
 *   for a sent message: consumers get one they do not know; info for a
 *   received one), `asyncapi-message-content-type-changed` (error);
 * - payload and header schema findings take the oasdiff id for the same
 *   finding with `request`/`response` dropped and an
 *   `asyncapi-received-message-`/`asyncapi-sent-message-` prefix, `body`
 *   read as `payload` (or `headers`) and `property` as `header` for
 *   headers: `response-required-property-removed` →
 *   `asyncapi-sent-message-required-property-removed`,
 *   `new-required-request-property` →
 *   `asyncapi-received-message-new-required-property`,
 *   `response-body-type-changed` → `asyncapi-sent-message-payload-type-changed`.
 *   Levels are oasdiff's for the same finding.
 */
import {
  isObject,
  JsonObject,
  JsonValue,
  parseStructuredDocument,
} from './document';
import {
  bodyRuleId,
  propertyName,
  SchemaComparator,
  SchemaDirection,
  SchemaFinding,
} from './jsonSchema';
import { RefResolver } from './refs';
import { SchemaViews } from './schemaView';
import {
  ApiChange,
  ApiChangeLevel,
  ApiDefinitionParseError,
  ApiDefinitionSide,
} from './types';

type Action = 'send' | 'receive';

type Message = {
  key: string;
  named: boolean;
  payload?: JsonValue;
  headers?: JsonValue;
  contentType?: string;
  /** Whether the payload is JSON Schema (not Avro, RAML…), so comparable. */
  jsonSchema: boolean;
};

type Operation = {
  key: string;
  action: Action;
  /** The channel's address with parameter names ignored. */
  channel: string;
  /** The channel's address as written. */
  address: string;
  messages: Message[];
};

type NormalizedAsyncApi = {
  channels: Map<string, string>;
  operations: Operation[];
  resolver: RefResolver;
};

const normalizeAddress = (address: string) =>
  address.replace(/\{[^}]*\}/g, '{}');

function isJsonSchemaFormat(format: JsonValue | undefined): boolean {
  if (typeof format !== 'string') return true;
  return /asyncapi|schema\+json|schema\+yaml|openapi|json-?schema/i.test(
    format,
  );
}

class Reader {
  readonly resolver: RefResolver;
  readonly defaultContentType?: string;

  constructor(readonly root: JsonObject) {
    this.resolver = new RefResolver(root);
    if (typeof root.defaultContentType === 'string')
      this.defaultContentType = root.defaultContentType;
  }

  object(value: JsonValue | undefined): JsonObject | undefined {
    const resolved = this.resolver.deref(value);
    return isObject(resolved) ? resolved : undefined;
  }

  message(
    raw: JsonValue | undefined,
    fallbackKey: string,
  ): Message | undefined {
    const message = this.object(raw);
    if (!message) return undefined;
    const id =
      (typeof message.messageId === 'string' && message.messageId) ||
      (typeof message.name === 'string' && message.name) ||
      RefResolver.refName(raw);
    let payload = message.payload;
    let format = message.schemaFormat;
    // AsyncAPI 3's multi-format schema object.
    const payloadObject = this.object(payload);
    if (
      payloadObject &&
      typeof payloadObject.schemaFormat === 'string' &&
      'schema' in payloadObject
    ) {
      format = payloadObject.schemaFormat;
      payload = payloadObject.schema;
    }
    let headers = message.headers;
    const headersObject = this.object(headers);
    if (
      headersObject &&
      typeof headersObject.schemaFormat === 'string' &&
      'schema' in headersObject
    ) {
      headers = headersObject.schema;
    }
    return {
      key: id || fallbackKey,
      named: Boolean(id),
      payload,
      headers,
      contentType:
        typeof message.contentType === 'string'
          ? message.contentType
          : this.defaultContentType,
      jsonSchema: isJsonSchemaFormat(format),
    };
  }
}

function readV2(reader: Reader): NormalizedAsyncApi {
  const channels = new Map<string, string>();
  const operations: Operation[] = [];
  for (const [address, value] of Object.entries(
    reader.object(reader.root.channels) ?? {},
  )) {
    const channel = reader.object(value);
    if (!channel) continue;
    const key = normalizeAddress(address);
    channels.set(key, address);
    for (const [verb, action] of [
      ['subscribe', 'send'],
      ['publish', 'receive'],
    ] as const) {
      const operation = reader.object(channel[verb]);
      if (!operation) continue;
      const message = reader.object(operation.message);
      const list =
        message && Array.isArray(message.oneOf)
          ? message.oneOf
          : [operation.message];
      const messages = list
        .map((item, i) => reader.message(item, `#${i}`))
        .filter((m): m is Message => m !== undefined);
      operations.push({
        key:
          typeof operation.operationId === 'string'
            ? operation.operationId
            : `${action} ${address}`,
        action,
        channel: key,
        address,
        messages,
      });
    }
  }
  return { channels, operations, resolver: reader.resolver };
}

function readV3(reader: Reader): NormalizedAsyncApi {
  const channels = new Map<string, string>();
  const channelByObject = new Map<
    JsonObject,
    { key: string; address: string }
  >();
  const channelEntries = Object.entries(
    reader.object(reader.root.channels) ?? {},
  );
  for (const [id, value] of channelEntries) {
    const channel = reader.object(value);
    if (!channel) continue;
    const address = typeof channel.address === 'string' ? channel.address : id;
    const key = normalizeAddress(address);
    channels.set(key, address);
    channelByObject.set(channel, { key, address });
  }
  const operations: Operation[] = [];
  for (const [id, value] of Object.entries(
    reader.object(reader.root.operations) ?? {},
  )) {
    const operation = reader.object(value);
    if (!operation) continue;
    const action: Action = operation.action === 'receive' ? 'receive' : 'send';
    const channelObject = reader.object(operation.channel);
    const channel = channelObject
      ? channelByObject.get(channelObject)
      : undefined;
    let rawMessages: JsonValue[];
    if (Array.isArray(operation.messages)) {
      rawMessages = operation.messages;
    } else {
      rawMessages = Object.values(reader.object(channelObject?.messages) ?? {});
    }
    const messages = rawMessages
      .map((item, i) => {
        const message = reader.message(item, `#${i}`);
        // A message is named by its key in the channel (the reference's
        // last segment) when it has no name of its own.
        const refName = RefResolver.refName(item);
        if (message && !message.named && refName)
          return { ...message, key: refName, named: true };
        return message;
      })
      .filter((m): m is Message => m !== undefined);
    const address =
      channel?.address ??
      (typeof channelObject?.address === 'string' ? channelObject.address : '');
    operations.push({
      key: id,
      action,
      channel: channel?.key ?? normalizeAddress(address),
      address,
      messages,
    });
  }
  return { channels, operations, resolver: reader.resolver };
}

function read(text: string, side: ApiDefinitionSide): NormalizedAsyncApi {
  const root = parseStructuredDocument(text, side);
  const version = root.asyncapi;
  if (typeof version !== 'string') {
    throw new ApiDefinitionParseError({
      side,
      reason: "not an AsyncAPI definition: it has no 'asyncapi' field",
    });
  }
  const reader = new Reader(root);
  return version.startsWith('2') || version.startsWith('1')
    ? readV2(reader)
    : readV3(reader);
}

/** The oasdiff id of a schema finding, turned into AsyncAPI's. */
export function asyncApiRuleId(
  direction: SchemaDirection,
  finding: SchemaFinding,
  part: 'payload' | 'headers',
): string {
  let rest = bodyRuleId(direction, finding)
    .replace(/(^|-)(request|response)(?=-|$)/, '$1')
    .replace(/--/g, '-')
    .replace(/^-/, '');
  rest =
    part === 'headers'
      ? rest.replace(/\bbody\b/, 'headers').replace(/\bproperty\b/, 'header')
      : rest.replace(/\bbody\b/, 'payload');
  return `asyncapi-${
    direction === 'request' ? 'received' : 'sent'
  }-message-${rest}`;
}

/** Pairs messages by name; single leftovers on both sides are the same message renamed. */
function pairMessages(from: Message[], to: Message[]) {
  const pairs: Array<[Message, Message]> = [];
  const toByKey = new Map(to.map(m => [m.key, m]));
  const leftFrom: Message[] = [];
  const used = new Set<Message>();
  for (const message of from) {
    const partner = toByKey.get(message.key);
    if (partner && !used.has(partner)) {
      pairs.push([message, partner]);
      used.add(partner);
    } else {
      leftFrom.push(message);
    }
  }
  const leftTo = to.filter(m => !used.has(m));
  if (leftFrom.length === 1 && leftTo.length === 1) {
    pairs.push([leftFrom[0], leftTo[0]]);
    return { pairs, removed: [], added: [] };
  }
  return { pairs, removed: leftFrom, added: leftTo };
}

/** Pairs operations by id, then the leftovers by action and channel. */
function pairOperations(from: Operation[], to: Operation[]) {
  const pairs: Array<[Operation, Operation]> = [];
  const toByKey = new Map(to.map(o => [o.key, o]));
  const used = new Set<Operation>();
  const left: Operation[] = [];
  for (const operation of from) {
    const partner = toByKey.get(operation.key);
    if (partner && !used.has(partner)) {
      pairs.push([operation, partner]);
      used.add(partner);
    } else {
      left.push(operation);
    }
  }
  const removed: Operation[] = [];
  for (const operation of left) {
    const candidates = to.filter(
      o =>
        !used.has(o) &&
        o.action === operation.action &&
        o.channel === operation.channel,
    );
    if (candidates.length === 1) {
      pairs.push([operation, candidates[0]]);
      used.add(candidates[0]);
    } else {
      removed.push(operation);
    }
  }
  return { pairs, removed, added: to.filter(o => !used.has(o)) };
}

export function compareAsyncApi(fromText: string, toText: string): ApiChange[] {
  const from = read(fromText, 'from');
  const to = read(toText, 'to');
  const schemas = new SchemaComparator(
    new SchemaViews(from.resolver),
    new SchemaViews(to.resolver),
  );
  const out: ApiChange[] = [];

  for (const [key, address] of from.channels) {
    if (!to.channels.has(key)) {
      out.push({
        id: 'asyncapi-channel-removed',
        level: 'error',
        message: `the channel '${address}' was removed`,
        path: address,
      });
    }
  }
  for (const [key, address] of to.channels) {
    if (!from.channels.has(key)) {
      out.push({
        id: 'asyncapi-channel-added',
        level: 'info',
        message: `the channel '${address}' was added`,
        path: address,
      });
    }
  }

  const { pairs, removed, added } = pairOperations(
    from.operations,
    to.operations,
  );
  for (const operation of removed) {
    // A removed channel has said it for its operations.
    if (
      !to.channels.has(operation.channel) &&
      from.channels.has(operation.channel)
    )
      continue;
    out.push({
      id: 'asyncapi-operation-removed',
      level: 'error',
      message: `the operation '${operation.key}' (${operation.action} on '${operation.address}') was removed`,
      path: operation.address,
      operation: operation.key,
    });
  }
  for (const operation of added) {
    // A new channel has said it for its operations.
    if (
      !from.channels.has(operation.channel) &&
      to.channels.has(operation.channel)
    )
      continue;
    out.push({
      id: 'asyncapi-operation-added',
      level: 'info',
      message: `the operation '${operation.key}' (${operation.action} on '${operation.address}') was added`,
      path: operation.address,
      operation: operation.key,
    });
  }

  for (const [before, after] of pairs) {
    const report = (id: string, level: ApiChangeLevel, message: string) =>
      out.push({
        id,
        level,
        message,
        path: before.address,
        operation: before.key,
      });
    const where = `the operation '${before.key}' ('${before.address}')`;
    if (before.action !== after.action) {
      report(
        'asyncapi-operation-action-changed',
        'error',
        `${where} changed from ${before.action} to ${after.action}`,
      );
      continue;
    }
    if (before.channel !== after.channel) {
      report(
        'asyncapi-operation-channel-changed',
        'error',
        `${where} moved to the channel '${after.address}'`,
      );
      continue;
    }
    const direction: SchemaDirection =
      before.action === 'send' ? 'response' : 'request';
    const flow = before.action === 'send' ? 'sent' : 'received';
    const messages = pairMessages(before.messages, after.messages);
    for (const message of messages.removed) {
      report(
        'asyncapi-message-removed',
        'error',
        `the ${flow} message '${message.key}' of ${where} was removed`,
      );
    }
    for (const message of messages.added) {
      report(
        'asyncapi-message-added',
        direction === 'response' ? 'warning' : 'info',
        `the ${flow} message '${message.key}' was added to ${where}`,
      );
    }
    for (const [m1, m2] of messages.pairs) {
      const subject = `the ${flow} message '${m1.key}' of ${where}`;
      if (
        m1.contentType &&
        m2.contentType &&
        m1.contentType !== m2.contentType
      ) {
        report(
          'asyncapi-message-content-type-changed',
          'error',
          `the content type of ${subject} changed from '${m1.contentType}' to '${m2.contentType}'`,
        );
      }
      for (const part of ['payload', 'headers'] as const) {
        if (part === 'payload' && !(m1.jsonSchema && m2.jsonSchema)) continue;
        let fromSchema = m1[part];
        let toSchema = m2[part];
        if (fromSchema === undefined && toSchema === undefined) continue;
        if (fromSchema === undefined || toSchema === undefined) {
          // A message without a payload says nothing about it; one without
          // headers has none, so each header is added or removed.
          if (part === 'payload') continue;
          fromSchema ??= { type: 'object' };
          toSchema ??= { type: 'object' };
        }
        const findings = schemas.compare(fromSchema, toSchema, {
          direction,
          stronglyTyped: true,
        });
        for (const finding of findings) {
          const target =
            finding.path.length === 0
              ? `the ${
                  part === 'payload' ? 'payload' : 'headers'
                } of ${subject}`
              : `the ${
                  part === 'payload' ? 'payload property' : 'header'
                } '${propertyName(finding)}' of ${subject}`;
          report(
            asyncApiRuleId(direction, finding, part),
            finding.level,
            `${target} ${finding.detail}`,
          );
        }
      }
    }
  }
  return out;
}
