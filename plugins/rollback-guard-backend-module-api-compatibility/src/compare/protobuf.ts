/*
 * gRPC / protobuf: buf's breaking rules of the PACKAGE category
 * (https://buf.build/docs/breaking/rules), with buf's ids, all errors.
 * Messages, enums and services are matched by full name, fields by number
 * and enum values by number, as buf does: renaming a field keeps the wire
 * format but breaks generated code and JSON (FIELD_SAME_NAME,
 * FIELD_SAME_JSON_NAME); renumbering it deletes it (FIELD_NO_DELETE).
 *
 * In the PACKAGE category deleted types are reported as
 * PACKAGE_MESSAGE_NO_DELETE, PACKAGE_ENUM_NO_DELETE and
 * PACKAGE_SERVICE_NO_DELETE (MESSAGE_NO_DELETE, ENUM_NO_DELETE and
 * SERVICE_NO_DELETE are their FILE-category counterparts), and not at all
 * when the whole package went (PACKAGE_NO_DELETE says it).
 *
 * Not checked: rules on Editions features (ENUM_SAME_JSON_FORMAT,
 * MESSAGE_SAME_JSON_FORMAT, FIELD_SAME_UTF8_VALIDATION,
 * FIELD_SAME_JAVA_UTF8_VALIDATION) beyond field presence and enum type.
 *
 * Additions are info, with ids of ours: MESSAGE_ADDED, FIELD_ADDED,
 * ENUM_ADDED, ENUM_VALUE_ADDED, SERVICE_ADDED, RPC_ADDED.
 */
import {
  Enum as PbEnumType,
  Field as PbFieldType,
  MapField,
  Namespace,
  parse,
  ReflectionObject,
  Service as PbServiceType,
  Type as PbMessageType,
} from 'protobufjs';
import { ApiChange, ApiDefinitionParseError, ApiDefinitionSide } from './types';

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

type Syntax = 'proto2' | 'proto3' | 'editions';
type Options = Record<string, unknown>;

type ProtoField = {
  name: string;
  number: number;
  /** Full name of a message or enum type, or the scalar's name. */
  type: string;
  kind: 'scalar' | 'message' | 'enum';
  cardinality: string;
  /** A real oneof (not proto3's synthetic one for `optional`). */
  oneof?: string;
  jsonName: string;
  mapKey?: string;
  options: Options;
};

type ProtoMessage = {
  fullName: string;
  fields: Map<number, ProtoField>;
  oneofs: Set<string>;
  reservedRanges: Array<[number, number]>;
  reservedNames: Set<string>;
  extensionRanges: Array<[number, number]>;
  options: Options;
};

type ProtoEnum = {
  fullName: string;
  values: Map<number, string[]>;
  reservedRanges: Array<[number, number]>;
  reservedNames: Set<string>;
  closed: boolean;
};

type ProtoMethod = {
  name: string;
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  options: Options;
};

type ProtoService = { fullName: string; methods: Map<string, ProtoMethod> };

type ProtoFile = {
  package: string;
  syntax: Syntax;
  options: Options;
  messages: Map<string, ProtoMessage>;
  enums: Map<string, ProtoEnum>;
  services: Map<string, ProtoService>;
  extensions: Set<string>;
};

const stripDot = (name: string) => name.replace(/^\./, '');

/** protoc's default JSON name: `order_id` → `orderId`. */
function defaultJsonName(name: string): string {
  return name
    .replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/_/g, '');
}

function syntaxOf(text: string): Syntax {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  if (/^\s*edition\s*=/m.test(code)) return 'editions';
  const match = /^\s*syntax\s*=\s*["'](proto[23])["']/m.exec(code);
  return match ? (match[1] as Syntax) : 'proto2';
}

function ranges(
  list: Array<number[] | string> | undefined,
): Array<[number, number]> {
  return (list ?? [])
    .filter((r): r is number[] => Array.isArray(r))
    .map(([start, end]) => [start, end] as [number, number]);
}

function feature(options: Options | undefined, name: string): unknown {
  const features = options?.features as Options | undefined;
  return features?.[name] ?? options?.[`features.${name}`];
}

function read(text: string, side: ApiDefinitionSide): ProtoFile {
  let parsed;
  try {
    parsed = parse(text, { keepCase: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /line (\d+)/.exec(message);
    throw new ApiDefinitionParseError({
      side,
      reason: message.replace(/\s*\((source )?line \d+\)/, ''),
      line: line ? Number(line[1]) : undefined,
    });
  }
  const syntax = syntaxOf(text);
  const packageName = parsed.package ?? '';
  const packageNamespace = packageName
    ? parsed.root.lookup(packageName)
    : parsed.root;
  const file: ProtoFile = {
    package: packageName,
    syntax,
    options: { ...(packageNamespace?.options ?? {}) },
    messages: new Map(),
    enums: new Map(),
    services: new Map(),
    extensions: new Set(),
  };
  const defaultPresence = feature(file.options, 'field_presence');
  const defaultEnumType = feature(file.options, 'enum_type');

  // Types first, so field types can be resolved against all of them.
  const rawMessages: PbMessageType[] = [];
  const walk = (object: ReflectionObject) => {
    if (object instanceof PbMessageType) rawMessages.push(object);
    if (object instanceof PbEnumType) {
      const values = new Map<number, string[]>();
      for (const [name, number] of Object.entries(object.values)) {
        values.set(number, [...(values.get(number) ?? []), name]);
      }
      const enumType = feature(object.options, 'enum_type') ?? defaultEnumType;
      file.enums.set(stripDot(object.fullName), {
        fullName: stripDot(object.fullName),
        values,
        reservedRanges: ranges(object.reserved),
        reservedNames: new Set(
          (object.reserved ?? []).filter(
            (r): r is string => typeof r === 'string',
          ),
        ),
        closed:
          syntax === 'proto2' ||
          (syntax === 'editions' && enumType === 'CLOSED'),
      });
    }
    if (object instanceof PbServiceType) {
      const methods = new Map<string, ProtoMethod>();
      for (const method of object.methodsArray) {
        methods.set(method.name, {
          name: method.name,
          requestType: method.requestType,
          responseType: method.responseType,
          clientStreaming: method.requestStream === true,
          serverStreaming: method.responseStream === true,
          options: method.options ?? {},
        });
      }
      file.services.set(stripDot(object.fullName), {
        fullName: stripDot(object.fullName),
        methods,
      });
    }
    if (
      object instanceof PbFieldType &&
      object.extend !== undefined &&
      object.parent
    ) {
      file.extensions.add(
        `${stripDot(object.parent.fullName)}.${object.name}`.replace(/^\./, ''),
      );
    }
    if (object instanceof Namespace) {
      for (const nested of object.nestedArray) walk(nested);
    }
  };
  walk(parsed.root);

  const messageNames = new Set(rawMessages.map(m => stripDot(m.fullName)));
  const kindOf = (name: string): ProtoField['kind'] | undefined => {
    if (file.enums.has(name)) return 'enum';
    return messageNames.has(name) ? 'message' : undefined;
  };
  const resolved = new Map<
    string,
    { type: string; kind: ProtoField['kind'] }
  >();
  /** Protobuf scoping: the innermost enclosing scope that has the name wins. */
  const resolveType = (
    written: string,
    scope: string,
  ): { type: string; kind: ProtoField['kind'] } => {
    if (SCALARS.has(written)) return { type: written, kind: 'scalar' };
    const key = `${scope}|${written}`;
    let result = resolved.get(key);
    if (result) return result;
    if (written.startsWith('.')) {
      const name = stripDot(written);
      result = { type: name, kind: kindOf(name) ?? 'message' };
    } else {
      const parts = scope ? scope.split('.') : [];
      for (let i = parts.length; i >= 0 && !result; i--) {
        const candidate = [...parts.slice(0, i), written].join('.');
        const kind = kindOf(candidate);
        if (kind) result = { type: candidate, kind };
      }
      // From an import this file does not include; most are messages
      // (google.protobuf.Timestamp…), and both versions name it alike.
      result ??= { type: written, kind: 'message' };
    }
    resolved.set(key, result);
    return result;
  };

  for (const message of rawMessages) {
    const fullName = stripDot(message.fullName);
    const fields = new Map<number, ProtoField>();
    const oneofs = new Set<string>();
    for (const oneof of message.oneofsArray) {
      // proto3 `optional` makes a oneof `_name` holding only that field.
      const synthetic =
        oneof.fieldsArray.length === 1 &&
        oneof.fieldsArray[0].options?.proto3_optional === true;
      if (!synthetic) oneofs.add(oneof.name);
    }
    for (const field of message.fieldsArray) {
      if (field.name.startsWith('.')) continue; // an extension declared elsewhere
      const { type, kind } = resolveType(field.type, fullName);
      const options = field.options ?? {};
      const oneof =
        field.partOf && oneofs.has(field.partOf.name)
          ? field.partOf.name
          : undefined;
      let cardinality: string;
      if (field instanceof MapField) cardinality = 'map';
      else if (field.repeated) cardinality = 'repeated';
      else if (field.rule === 'required') cardinality = 'required';
      else if (
        syntax === 'proto2' ||
        kind === 'message' ||
        field.partOf ||
        options.proto3_optional === true
      ) {
        cardinality = 'optional with explicit presence';
      } else if (syntax === 'editions') {
        const presence = feature(options, 'field_presence') ?? defaultPresence;
        cardinality = 'optional with explicit presence';
        if (presence === 'IMPLICIT')
          cardinality = 'optional with implicit presence';
        if (presence === 'LEGACY_REQUIRED') cardinality = 'required';
      } else {
        cardinality = 'optional with implicit presence';
      }
      fields.set(field.id, {
        name: field.name,
        number: field.id,
        type,
        kind,
        cardinality,
        oneof,
        jsonName:
          typeof options.json_name === 'string'
            ? options.json_name
            : defaultJsonName(field.name),
        mapKey: field instanceof MapField ? field.keyType : undefined,
        options,
      });
    }
    file.messages.set(fullName, {
      fullName,
      fields,
      oneofs,
      reservedRanges: ranges(message.reserved),
      reservedNames: new Set(
        (message.reserved ?? []).filter(
          (r): r is string => typeof r === 'string',
        ),
      ),
      extensionRanges: ranges(message.extensions),
      options: message.options ?? {},
    });
  }
  for (const service of file.services.values()) {
    for (const method of service.methods.values()) {
      method.requestType = resolveType(
        method.requestType,
        service.fullName,
      ).type;
      method.responseType = resolveType(
        method.responseType,
        service.fullName,
      ).type;
    }
  }
  return file;
}

/** Whether every number of `inner` ranges is in `outer` ranges (inclusive). */
function rangesCovered(
  inner: Array<[number, number]>,
  outer: Array<[number, number]>,
): boolean {
  return inner.every(([start, end]) => {
    let next = start;
    const sorted = [...outer].sort((a, b) => a[0] - b[0]);
    for (const [s, e] of sorted) {
      if (s <= next && e >= next) next = e + 1;
      if (next > end) return true;
    }
    return next > end;
  });
}

const FILE_OPTIONS: Record<string, string> = {
  go_package: 'FILE_SAME_GO_PACKAGE',
  java_package: 'FILE_SAME_JAVA_PACKAGE',
  java_multiple_files: 'FILE_SAME_JAVA_MULTIPLE_FILES',
  java_outer_classname: 'FILE_SAME_JAVA_OUTER_CLASSNAME',
  java_generic_services: 'FILE_SAME_JAVA_GENERIC_SERVICES',
  csharp_namespace: 'FILE_SAME_CSHARP_NAMESPACE',
  objc_class_prefix: 'FILE_SAME_OBJC_CLASS_PREFIX',
  php_namespace: 'FILE_SAME_PHP_NAMESPACE',
  php_class_prefix: 'FILE_SAME_PHP_CLASS_PREFIX',
  php_metadata_namespace: 'FILE_SAME_PHP_METADATA_NAMESPACE',
  ruby_package: 'FILE_SAME_RUBY_PACKAGE',
  swift_prefix: 'FILE_SAME_SWIFT_PREFIX',
  optimize_for: 'FILE_SAME_OPTIMIZE_FOR',
  cc_generic_services: 'FILE_SAME_CC_GENERIC_SERVICES',
  py_generic_services: 'FILE_SAME_PY_GENERIC_SERVICES',
  cc_enable_arenas: 'FILE_SAME_CC_ENABLE_ARENAS',
};

const show = (value: unknown) =>
  value === undefined ? 'unset' : JSON.stringify(value);

function fieldText(message: ProtoMessage, field: ProtoField) {
  return `Field "${field.number}" with name "${field.name}" on message "${message.fullName}"`;
}

function typeText(field: ProtoField) {
  return field.mapKey ? `map<${field.mapKey}, ${field.type}>` : field.type;
}

function compareFields(from: ProtoMessage, to: ProtoMessage, out: ApiChange[]) {
  const error = (id: string, field: ProtoField, message: string) =>
    out.push({
      id,
      level: 'error',
      message,
      path: `${from.fullName}.${field.name}`,
    });
  for (const [number, before] of from.fields) {
    const after = to.fields.get(number);
    if (!after) {
      error(
        'FIELD_NO_DELETE',
        before,
        `Previously present ${fieldText(from, before).replace(
          /^F/,
          'f',
        )} was deleted.`,
      );
      continue;
    }
    const text = fieldText(to, after);
    if (before.name !== after.name) {
      error(
        'FIELD_SAME_NAME',
        before,
        `Field "${number}" on message "${to.fullName}" changed name from "${before.name}" to "${after.name}".`,
      );
    }
    if (before.jsonName !== after.jsonName) {
      error(
        'FIELD_SAME_JSON_NAME',
        before,
        `${text} changed option "json_name" from "${before.jsonName}" to "${after.jsonName}".`,
      );
    }
    if (
      before.type !== after.type ||
      before.kind !== after.kind ||
      before.mapKey !== after.mapKey
    ) {
      error(
        'FIELD_SAME_TYPE',
        before,
        `${text} changed type from "${typeText(before)}" to "${typeText(
          after,
        )}".`,
      );
    }
    if (before.cardinality !== after.cardinality) {
      error(
        'FIELD_SAME_CARDINALITY',
        before,
        `${text} changed cardinality from "${before.cardinality}" to "${after.cardinality}".`,
      );
    }
    if (before.oneof !== after.oneof) {
      const message =
        before.oneof && after.oneof
          ? `${text} moved from oneof "${before.oneof}" to oneof "${after.oneof}".`
          : `${text} moved from ${before.oneof ? 'inside' : 'outside'} to ${
              after.oneof ? 'inside' : 'outside'
            } a oneof.`;
      error('FIELD_SAME_ONEOF', before, message);
    }
    if (show(before.options.default) !== show(after.options.default)) {
      error(
        'FIELD_SAME_DEFAULT',
        before,
        `${text} changed default value from ${show(
          before.options.default,
        )} to ${show(after.options.default)}.`,
      );
    }
    if (show(before.options.jstype) !== show(after.options.jstype)) {
      error(
        'FIELD_SAME_JSTYPE',
        before,
        `${text} changed option "jstype" from ${show(
          before.options.jstype,
        )} to ${show(after.options.jstype)}.`,
      );
    }
    if (show(before.options.ctype) !== show(after.options.ctype)) {
      error(
        'FIELD_SAME_CPP_STRING_TYPE',
        before,
        `${text} changed C++ string type from ${show(
          before.options.ctype,
        )} to ${show(after.options.ctype)}.`,
      );
    }
  }
  for (const [number, after] of to.fields) {
    if (from.fields.has(number)) continue;
    out.push({
      id: 'FIELD_ADDED',
      level: 'info',
      message: `${fieldText(to, after)} was added.`,
      path: `${to.fullName}.${after.name}`,
    });
  }
}

function compareMessage(
  from: ProtoMessage,
  to: ProtoMessage,
  out: ApiChange[],
) {
  const error = (id: string, message: string) =>
    out.push({ id, level: 'error', message, path: from.fullName });
  compareFields(from, to, out);
  for (const oneof of from.oneofs) {
    if (!to.oneofs.has(oneof)) {
      error(
        'ONEOF_NO_DELETE',
        `Previously present oneof "${oneof}" on message "${from.fullName}" was deleted.`,
      );
    }
  }
  if (
    !rangesCovered(from.reservedRanges, to.reservedRanges) ||
    [...from.reservedNames].some(name => !to.reservedNames.has(name))
  ) {
    error(
      'RESERVED_MESSAGE_NO_DELETE',
      `Previously present reserved range or name on message "${from.fullName}" was deleted.`,
    );
  }
  if (!rangesCovered(from.extensionRanges, to.extensionRanges)) {
    error(
      'EXTENSION_MESSAGE_NO_DELETE',
      `Previously present extension range on message "${from.fullName}" was deleted.`,
    );
  }
  const required = (message: ProtoMessage) =>
    new Set(
      [...message.fields.values()]
        .filter(f => f.cardinality === 'required')
        .map(f => f.number),
    );
  const requiredBefore = required(from);
  const requiredAfter = required(to);
  for (const number of requiredBefore) {
    if (!requiredAfter.has(number)) {
      error(
        'MESSAGE_SAME_REQUIRED_FIELDS',
        `Message "${from.fullName}" had required field "${number}" deleted.`,
      );
    }
  }
  for (const number of requiredAfter) {
    if (!requiredBefore.has(number)) {
      error(
        'MESSAGE_SAME_REQUIRED_FIELDS',
        `Message "${from.fullName}" had required field "${number}" added.`,
      );
    }
  }
  if (
    from.options.no_standard_descriptor_accessor !== true &&
    to.options.no_standard_descriptor_accessor === true
  ) {
    error(
      'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR',
      `Message "${from.fullName}" changed option "no_standard_descriptor_accessor" from "false" to "true".`,
    );
  }
}

function compareEnum(from: ProtoEnum, to: ProtoEnum, out: ApiChange[]) {
  const error = (id: string, message: string) =>
    out.push({ id, level: 'error', message, path: from.fullName });
  for (const [number, names] of from.values) {
    const next = to.values.get(number);
    if (!next) {
      error(
        'ENUM_VALUE_NO_DELETE',
        `Previously present enum value "${number}" on enum "${from.fullName}" was deleted.`,
      );
      continue;
    }
    // Every name the number has now must have been one of its names.
    if (!next.every(name => names.includes(name))) {
      error(
        'ENUM_VALUE_SAME_NAME',
        `Enum value "${number}" on enum "${
          from.fullName
        }" changed name from "${names.join('", "')}" to "${next.join(
          '", "',
        )}".`,
      );
    }
  }
  for (const [number, names] of to.values) {
    if (!from.values.has(number)) {
      out.push({
        id: 'ENUM_VALUE_ADDED',
        level: 'info',
        message: `Enum value "${number}" ("${names.join(
          '", "',
        )}") was added to enum "${from.fullName}".`,
        path: `${from.fullName}.${names[0]}`,
      });
    }
  }
  if (
    !rangesCovered(from.reservedRanges, to.reservedRanges) ||
    [...from.reservedNames].some(name => !to.reservedNames.has(name))
  ) {
    error(
      'RESERVED_ENUM_NO_DELETE',
      `Previously present reserved range or name on enum "${from.fullName}" was deleted.`,
    );
  }
  if (from.closed !== to.closed) {
    const kind = (closed: boolean) => (closed ? 'closed' : 'open');
    error(
      'ENUM_SAME_TYPE',
      `Enum "${from.fullName}" changed from ${kind(from.closed)} to ${kind(
        to.closed,
      )}.`,
    );
  }
}

function compareService(
  from: ProtoService,
  to: ProtoService,
  out: ApiChange[],
) {
  for (const [name, before] of from.methods) {
    const operation = `/${from.fullName}/${name}`;
    const error = (id: string, message: string) =>
      out.push({
        id,
        level: 'error',
        message,
        path: `${from.fullName}.${name}`,
        operation,
      });
    const after = to.methods.get(name);
    if (!after) {
      error(
        'RPC_NO_DELETE',
        `Previously present RPC "${name}" on service "${from.fullName}" was deleted.`,
      );
      continue;
    }
    if (before.requestType !== after.requestType) {
      error(
        'RPC_SAME_REQUEST_TYPE',
        `RPC "${name}" on service "${from.fullName}" changed request type from "${before.requestType}" to "${after.requestType}".`,
      );
    }
    if (before.responseType !== after.responseType) {
      error(
        'RPC_SAME_RESPONSE_TYPE',
        `RPC "${name}" on service "${from.fullName}" changed response type from "${before.responseType}" to "${after.responseType}".`,
      );
    }
    if (before.clientStreaming !== after.clientStreaming) {
      error(
        'RPC_SAME_CLIENT_STREAMING',
        `RPC "${name}" on service "${from.fullName}" changed from ${
          before.clientStreaming ? 'client streaming' : 'unary'
        } to ${after.clientStreaming ? 'client streaming' : 'unary'}.`,
      );
    }
    if (before.serverStreaming !== after.serverStreaming) {
      error(
        'RPC_SAME_SERVER_STREAMING',
        `RPC "${name}" on service "${from.fullName}" changed from ${
          before.serverStreaming ? 'server streaming' : 'unary'
        } to ${after.serverStreaming ? 'server streaming' : 'unary'}.`,
      );
    }
    if (
      show(before.options.idempotency_level) !==
      show(after.options.idempotency_level)
    ) {
      error(
        'RPC_SAME_IDEMPOTENCY_LEVEL',
        `RPC "${name}" on service "${
          from.fullName
        }" changed option "idempotency_level" from ${show(
          before.options.idempotency_level,
        )} to ${show(after.options.idempotency_level)}.`,
      );
    }
  }
  for (const name of to.methods.keys()) {
    if (from.methods.has(name)) continue;
    out.push({
      id: 'RPC_ADDED',
      level: 'info',
      message: `RPC "${name}" was added to service "${to.fullName}".`,
      path: `${to.fullName}.${name}`,
      operation: `/${to.fullName}/${name}`,
    });
  }
}

export function compareProtobuf(fromText: string, toText: string): ApiChange[] {
  const from = read(fromText, 'from');
  const to = read(toText, 'to');
  const out: ApiChange[] = [];
  const error = (id: string, message: string, path?: string) =>
    out.push({
      id,
      level: 'error',
      message,
      ...(path !== undefined ? { path } : {}),
    });

  if (from.package !== to.package) {
    error(
      'PACKAGE_NO_DELETE',
      `Previously present package "${from.package}" was deleted.`,
      from.package,
    );
    error(
      'FILE_SAME_PACKAGE',
      `File package changed from "${from.package}" to "${to.package}".`,
      from.package,
    );
  }
  if (from.syntax !== to.syntax) {
    error(
      'FILE_SAME_SYNTAX',
      `File syntax changed from "${from.syntax}" to "${to.syntax}".`,
    );
  }
  for (const [option, id] of Object.entries(FILE_OPTIONS)) {
    if (show(from.options[option]) !== show(to.options[option])) {
      error(
        id,
        `File option "${option}" changed from ${show(
          from.options[option],
        )} to ${show(to.options[option])}.`,
      );
    }
  }
  const samePackage = from.package === to.package;

  for (const [name, message] of from.messages) {
    const next = to.messages.get(name);
    if (next) compareMessage(message, next, out);
    else if (samePackage) {
      error(
        'PACKAGE_MESSAGE_NO_DELETE',
        `Previously present message "${name}" was deleted from package "${from.package}".`,
        name,
      );
    }
  }
  for (const [name, enumType] of from.enums) {
    const next = to.enums.get(name);
    if (next) compareEnum(enumType, next, out);
    else if (samePackage) {
      error(
        'PACKAGE_ENUM_NO_DELETE',
        `Previously present enum "${name}" was deleted from package "${from.package}".`,
        name,
      );
    }
  }
  for (const [name, service] of from.services) {
    const next = to.services.get(name);
    if (next) compareService(service, next, out);
    else if (samePackage) {
      error(
        'PACKAGE_SERVICE_NO_DELETE',
        `Previously present service "${name}" was deleted from package "${from.package}".`,
        name,
      );
    }
  }
  for (const name of from.extensions) {
    if (!to.extensions.has(name) && samePackage) {
      error(
        'PACKAGE_EXTENSION_NO_DELETE',
        `Previously present extension "${name}" was deleted from package "${from.package}".`,
        name,
      );
    }
  }

  const added = (
    id: string,
    what: string,
    names: Iterable<string>,
    before: Map<string, unknown>,
  ) => {
    for (const name of names) {
      if (!before.has(name))
        out.push({
          id,
          level: 'info',
          message: `${what} "${name}" was added.`,
          path: name,
        });
    }
  };
  added('MESSAGE_ADDED', 'Message', to.messages.keys(), from.messages);
  added('ENUM_ADDED', 'Enum', to.enums.keys(), from.enums);
  added('SERVICE_ADDED', 'Service', to.services.keys(), from.services);
  return out;
}
