import { isObject, JsonObject, JsonValue } from './document';
import { RefResolver } from './refs';

/** One alternative of a `oneOf` or `anyOf`, with the name it is matched by. */
export type SchemaVariant = { key: string; raw: JsonValue; named: boolean };

/**
 * What a JSON Schema (OpenAPI 2.0/3.0/3.1 or AsyncAPI flavour) says, in one
 * shape: `$ref`s followed, `allOf` merged, the three ways of saying
 * "nullable" folded into `nullable`, OpenAPI 3.0's boolean
 * `exclusiveMaximum` turned into 3.1's number. Properties, items and
 * alternatives stay raw and become views only when a comparison reaches
 * them, so cyclic schemas cost nothing until walked.
 */
export type SchemaView = {
  /** Tells views apart cheaply (comparisons remember pairs by it). */
  id: number;
  /** The types allowed, without `null`; undefined means any type. */
  types?: Set<string>;
  nullable: boolean;
  format?: string;
  /** `enum` without `null`. */
  enumValues?: JsonValue[];
  hasConst: boolean;
  constValue?: JsonValue;
  hasDefault: boolean;
  defaultValue?: JsonValue;
  properties: Map<string, JsonValue>;
  required: Set<string>;
  items?: JsonValue;
  additionalProperties?: JsonValue;
  oneOf?: SchemaVariant[];
  anyOf?: SchemaVariant[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  readOnly: boolean;
  writeOnly: boolean;
  /**
   * The types come from a `oneOf`/`anyOf` of plain typed schemas (oasdiff's
   * "list of types": `oneOf: [{type: string}, {type: integer}]`).
   */
  listOfTypes: boolean;
  /** JSON Schema 2020-12 sub-schemas by keyword (`if`, `contains`…). */
  subschemas: Map<SubschemaKeyword, JsonValue>;
  /** `patternProperties` and `dependentSchemas`, by pattern or property. */
  keyedSubschemas: Map<KeyedSubschemaKeyword, Map<string, JsonValue>>;
  prefixItems?: JsonValue[];
  dependentRequired?: Map<string, string[]>;
  minContains?: number;
  maxContains?: number;
  contentMediaType?: string;
  contentEncoding?: string;
  discriminator?: { propertyName?: string; mapping: Map<string, string> };
  /** Zalando's `x-extensible-enum`: values a client may send. */
  extensibleEnum?: JsonValue[];
  /** A `$ref` that points outside the definition: its shape is unknown. */
  unresolvedRef?: string;
};

/** Keywords holding one sub-schema, with oasdiff's name for each. */
export const SUBSCHEMA_KEYWORDS = {
  if: 'if',
  then: 'then',
  else: 'else',
  contains: 'contains',
  propertyNames: 'property-names',
  unevaluatedItems: 'unevaluated-items',
  unevaluatedProperties: 'unevaluated-properties',
  contentSchema: 'content-schema',
} as const;
export type SubschemaKeyword = keyof typeof SUBSCHEMA_KEYWORDS;

/** Keywords holding sub-schemas by name, with oasdiff's name for each. */
export const KEYED_SUBSCHEMA_KEYWORDS = {
  patternProperties: 'pattern-property',
  dependentSchemas: 'dependent-schema',
} as const;
export type KeyedSubschemaKeyword = keyof typeof KEYED_SUBSCHEMA_KEYWORDS;

let nextViewId = 0;

function emptyView(): SchemaView {
  return {
    id: nextViewId++,
    nullable: false,
    hasConst: false,
    hasDefault: false,
    properties: new Map(),
    required: new Set(),
    readOnly: false,
    writeOnly: false,
    listOfTypes: false,
    subschemas: new Map(),
    keyedSubschemas: new Map(),
  };
}

/** A schema that says nothing: any value. */
export const ANY_SCHEMA: SchemaView = Object.freeze(emptyView()) as SchemaView;

const num = (value: JsonValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** An empty pattern or format says nothing. */
const text = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function isNullSchema(value: JsonValue | undefined): boolean {
  return (
    isObject(value) &&
    (value.type === 'null' ||
      (Array.isArray(value.type) &&
        value.type.length === 1 &&
        value.type[0] === 'null') ||
      (Array.isArray(value.enum) &&
        value.enum.length === 1 &&
        value.enum[0] === null))
  );
}

function intersect<T>(a: Set<T>, b: Set<T>): Set<T> {
  return new Set([...a].filter(value => b.has(value)));
}

/**
 * Builds and remembers the views of one definition's schemas. The same raw
 * schema always gives the same view object, which is what the comparison
 * remembers pairs by.
 */
export class SchemaViews {
  private readonly cache = new WeakMap<JsonObject, SchemaView>();
  private readonly building = new Set<JsonObject>();

  constructor(readonly resolver: RefResolver) {}

  of(raw: JsonValue | undefined): SchemaView {
    if (!isObject(raw)) return ANY_SCHEMA;
    const cached = this.cache.get(raw);
    if (cached) return cached;
    let view: SchemaView;
    if (typeof raw.$ref === 'string') {
      const target = this.resolver.deref(raw);
      if (this.resolver.isUnresolved(target)) {
        view = { ...emptyView(), unresolvedRef: raw.$ref };
      } else {
        view = target === raw ? ANY_SCHEMA : this.of(target);
      }
    } else {
      if (this.building.has(raw)) return ANY_SCHEMA; // allOf that contains itself
      this.building.add(raw);
      try {
        view = this.build(raw);
      } finally {
        this.building.delete(raw);
      }
    }
    this.cache.set(raw, view);
    return view;
  }

  private variants(list: JsonValue | undefined): SchemaVariant[] | undefined {
    if (!Array.isArray(list)) return undefined;
    return list.map((raw, index) => {
      const refName = RefResolver.refName(raw);
      const target = this.resolver.deref(raw);
      const title =
        isObject(target) && typeof target.title === 'string'
          ? target.title
          : undefined;
      const name = refName ?? title;
      return { key: name ?? `#${index}`, raw, named: name !== undefined };
    });
  }

  /** The keywords of the schema itself, `allOf` left aside. */
  private own(raw: JsonObject): { view: SchemaView; parts: SchemaView[] } {
    const view = emptyView();
    const parts: SchemaView[] = [];

    const type = raw.type;
    if (typeof type === 'string') {
      view.types = new Set([type]);
    } else if (Array.isArray(type)) {
      const names = type.filter((t): t is string => typeof t === 'string');
      view.types = new Set(names.filter(t => t !== 'null'));
      if (names.includes('null')) {
        view.nullable = true;
        if (view.types.size === 0) view.types = new Set(['null']);
      }
    }
    if (raw.nullable === true || raw['x-nullable'] === true)
      view.nullable = true;
    view.format = text(raw.format);
    if (Array.isArray(raw.enum)) {
      view.enumValues = raw.enum.filter(value => value !== null);
      if (raw.enum.includes(null)) view.nullable = true;
    }
    if ('const' in raw) {
      view.hasConst = true;
      view.constValue = raw.const;
    }
    if ('default' in raw) {
      view.hasDefault = true;
      view.defaultValue = raw.default;
    }
    if (isObject(raw.properties)) {
      for (const [name, schema] of Object.entries(raw.properties)) {
        view.properties.set(name, schema);
      }
    }
    if (Array.isArray(raw.required)) {
      for (const name of raw.required) {
        if (typeof name === 'string') view.required.add(name);
      }
    }
    if (raw.items !== undefined && !Array.isArray(raw.items))
      view.items = raw.items;
    if (raw.additionalProperties !== undefined) {
      view.additionalProperties = raw.additionalProperties;
    }
    view.minimum = num(raw.minimum);
    view.maximum = num(raw.maximum);
    // OpenAPI 3.0 (JSON Schema draft 4) says `exclusiveMaximum: true` next to
    // `maximum`; 3.1 gives the bound itself.
    if (raw.exclusiveMaximum === true) {
      view.exclusiveMaximum = view.maximum;
      view.maximum = undefined;
    } else {
      view.exclusiveMaximum = num(raw.exclusiveMaximum);
    }
    if (raw.exclusiveMinimum === true) {
      view.exclusiveMinimum = view.minimum;
      view.minimum = undefined;
    } else {
      view.exclusiveMinimum = num(raw.exclusiveMinimum);
    }
    view.minLength = num(raw.minLength);
    view.maxLength = num(raw.maxLength);
    view.minItems = num(raw.minItems);
    view.maxItems = num(raw.maxItems);
    view.pattern = text(raw.pattern);
    view.readOnly = raw.readOnly === true;
    view.writeOnly = raw.writeOnly === true;
    this.ownExtras(raw, view);

    // `oneOf: [{type: 'null'}, X]` is 3.1's way to make X nullable: the
    // null alternative goes into `nullable`, and a single remaining
    // alternative is the schema itself.
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = raw[keyword];
      if (!Array.isArray(list)) continue;
      const nonNull = list.filter(
        item => !isNullSchema(this.resolver.deref(item)),
      );
      if (nonNull.length < list.length) view.nullable = true;
      if (nonNull.length === 1 && nonNull.length < list.length) {
        parts.push(this.of(nonNull[0]));
      } else if (nonNull.length > 0) {
        const types =
          view.types || view.properties.size > 0
            ? undefined
            : this.simpleTypes(nonNull);
        if (types && !view.listOfTypes) {
          view.types = types;
          view.listOfTypes = true;
        } else {
          view[keyword] = this.variants(nonNull);
        }
      }
    }

    // A schema with properties is an object one, with items an array one,
    // whether or not it says so; saying so later is not a type change.
    if (!view.types && parts.length === 0) {
      if (view.properties.size > 0 || raw.additionalProperties !== undefined) {
        view.types = new Set(['object']);
      } else if (view.items !== undefined) {
        view.types = new Set(['array']);
      }
    }
    return { view, parts };
  }

  /**
   * The types of a list of alternatives that are each a plain schema of one
   * type (no properties, no alternatives of their own), else undefined.
   */
  private simpleTypes(list: JsonValue[]): Set<string> | undefined {
    const types = new Set<string>();
    for (const item of list) {
      const schema = this.resolver.deref(item);
      if (!isObject(schema)) return undefined;
      const type =
        Array.isArray(schema.type) && schema.type.length === 1
          ? schema.type[0]
          : schema.type;
      if (typeof type !== 'string') return undefined;
      if (schema.properties || schema.oneOf || schema.anyOf || schema.allOf)
        return undefined;
      types.add(type);
    }
    return types;
  }

  /** JSON Schema 2020-12 keywords, discriminators and extensions. */
  private ownExtras(raw: JsonObject, view: SchemaView) {
    for (const keyword of Object.keys(
      SUBSCHEMA_KEYWORDS,
    ) as SubschemaKeyword[]) {
      if (raw[keyword] !== undefined)
        view.subschemas.set(keyword, raw[keyword]);
    }
    for (const keyword of Object.keys(
      KEYED_SUBSCHEMA_KEYWORDS,
    ) as KeyedSubschemaKeyword[]) {
      const value = raw[keyword];
      if (isObject(value))
        view.keyedSubschemas.set(keyword, new Map(Object.entries(value)));
    }
    if (Array.isArray(raw.prefixItems)) view.prefixItems = raw.prefixItems;
    if (isObject(raw.dependentRequired)) {
      view.dependentRequired = new Map(
        Object.entries(raw.dependentRequired).map(([name, list]) => [
          name,
          Array.isArray(list)
            ? list.filter((v): v is string => typeof v === 'string').sort()
            : [],
        ]),
      );
    }
    view.minContains = num(raw.minContains);
    view.maxContains = num(raw.maxContains);
    view.contentMediaType = text(raw.contentMediaType);
    view.contentEncoding = text(raw.contentEncoding);
    const discriminator = isObject(raw.discriminator)
      ? raw.discriminator
      : undefined;
    if (discriminator) {
      const mapping = new Map<string, string>();
      if (isObject(discriminator.mapping)) {
        for (const [value, target] of Object.entries(discriminator.mapping)) {
          if (typeof target === 'string') mapping.set(value, target);
        }
      }
      view.discriminator = {
        propertyName: text(discriminator.propertyName),
        mapping,
      };
    }
    if (Array.isArray(raw['x-extensible-enum']))
      view.extensibleEnum = raw['x-extensible-enum'];
  }

  private build(raw: JsonObject): SchemaView {
    const { view, parts } = this.own(raw);
    if (Array.isArray(raw.allOf)) {
      for (const member of raw.allOf) parts.push(this.of(member));
    }
    if (parts.length === 0) return view;
    return this.merge(view, parts);
  }

  /**
   * `allOf` as one schema: properties and `required` together, the
   * tightest bounds, the types all parts allow. Where two parts describe the
   * same property, the property is their `allOf` in turn.
   */
  private merge(own: SchemaView, parts: SchemaView[]): SchemaView {
    const merged: SchemaView = {
      ...own,
      id: nextViewId++,
      properties: new Map(own.properties),
      required: new Set(own.required),
      subschemas: new Map(own.subschemas),
      keyedSubschemas: new Map(own.keyedSubschemas),
    };
    const ownNullable = own.nullable;
    let partsNullable = true;
    let typedParts = 0;
    const conflicts = new Map<string, JsonValue[]>();
    for (const part of parts) {
      if (part.unresolvedRef && !merged.unresolvedRef && parts.length === 1) {
        merged.unresolvedRef = part.unresolvedRef;
      }
      if (part.types) {
        typedParts++;
        partsNullable = partsNullable && part.nullable;
        merged.types = merged.types
          ? intersect(merged.types, part.types)
          : new Set(part.types);
      }
      merged.format ??= part.format;
      if (part.enumValues) {
        if (merged.enumValues) {
          const keys = new Set(part.enumValues.map(v => JSON.stringify(v)));
          merged.enumValues = merged.enumValues.filter(v =>
            keys.has(JSON.stringify(v)),
          );
        } else {
          merged.enumValues = part.enumValues;
        }
      }
      if (!merged.hasConst && part.hasConst) {
        merged.hasConst = true;
        merged.constValue = part.constValue;
      }
      if (!merged.hasDefault && part.hasDefault) {
        merged.hasDefault = true;
        merged.defaultValue = part.defaultValue;
      }
      for (const [name, schema] of part.properties) {
        const existing = merged.properties.get(name);
        if (existing === undefined) {
          merged.properties.set(name, schema);
        } else if (existing !== schema) {
          const list = conflicts.get(name) ?? [existing];
          list.push(schema);
          conflicts.set(name, list);
        }
      }
      for (const name of part.required) merged.required.add(name);
      merged.items ??= part.items;
      if (part.additionalProperties === false)
        merged.additionalProperties = false;
      merged.additionalProperties ??= part.additionalProperties;
      merged.oneOf ??= part.oneOf;
      merged.anyOf ??= part.anyOf;
      merged.minimum = max(merged.minimum, part.minimum);
      merged.exclusiveMinimum = max(
        merged.exclusiveMinimum,
        part.exclusiveMinimum,
      );
      merged.minLength = max(merged.minLength, part.minLength);
      merged.minItems = max(merged.minItems, part.minItems);
      merged.maximum = min(merged.maximum, part.maximum);
      merged.exclusiveMaximum = min(
        merged.exclusiveMaximum,
        part.exclusiveMaximum,
      );
      merged.maxLength = min(merged.maxLength, part.maxLength);
      merged.maxItems = min(merged.maxItems, part.maxItems);
      merged.pattern ??= part.pattern;
      if (part.listOfTypes) merged.listOfTypes = true;
      for (const [keyword, schema] of part.subschemas) {
        if (!merged.subschemas.has(keyword))
          merged.subschemas.set(keyword, schema);
      }
      for (const [keyword, map] of part.keyedSubschemas) {
        if (!merged.keyedSubschemas.has(keyword))
          merged.keyedSubschemas.set(keyword, map);
      }
      merged.prefixItems ??= part.prefixItems;
      merged.dependentRequired ??= part.dependentRequired;
      merged.minContains ??= part.minContains;
      merged.maxContains ??= part.maxContains;
      merged.contentMediaType ??= part.contentMediaType;
      merged.contentEncoding ??= part.contentEncoding;
      merged.discriminator ??= part.discriminator;
      merged.extensibleEnum ??= part.extensibleEnum;
      merged.readOnly = merged.readOnly || part.readOnly;
      merged.writeOnly = merged.writeOnly || part.writeOnly;
    }
    for (const [name, list] of conflicts) {
      merged.properties.set(name, { allOf: list });
    }
    // `nullable: true` beside `allOf: [$ref]` is OpenAPI 3.0's idiom for a
    // nullable reference, so the schema's own word wins over its parts'.
    merged.nullable = ownNullable || (typedParts > 0 && partsNullable);
    if (
      !merged.types &&
      (merged.properties.size > 0 || merged.additionalProperties !== undefined)
    ) {
      merged.types = new Set(['object']);
    }
    return merged;
  }
}

function max(a: number | undefined, b: number | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function min(a: number | undefined, b: number | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
