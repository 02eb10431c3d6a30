/*
 * The JSON Schema rules, shared by OpenAPI (request and response bodies,
 * parameters, headers) and AsyncAPI (message payloads and headers).
 *
 * A schema is judged by which way data flows through it:
 * - `request`: consumers write it and the service reads it. Whatever the
 *   `to` version accepts less of (a new required property, a narrower type,
 *   a removed enum value, a tighter bound) breaks a consumer.
 * - `response`: the service writes it and consumers read it. Whatever the
 *   `to` version may send that `from` never did (a property that may now be
 *   missing or null, a wider type, a new enum value) breaks a consumer.
 *
 * Findings are named by what happened (`type-changed`, `enum-value-removed`…)
 * and by where (`path`, empty for the schema itself); the callers turn them
 * into oasdiff's ids (`request-property-type-changed`, `response-body-…`)
 * or AsyncAPI's. The levels are oasdiff's for the same rule.
 */
import { JsonValue } from './document';
import {
  ANY_SCHEMA,
  KEYED_SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SchemaVariant,
  SchemaView,
  SchemaViews,
} from './schemaView';
import { ApiChangeLevel } from './types';
import {
  boundRules,
  discriminatorRules,
  formatRules,
  nullableRules,
  typeRules,
  valueRules,
} from './keywordRules';

/** Which way data flows through a schema. */
export type SchemaDirection = 'request' | 'response';

/**
 * What the comparison found. `kind` is oasdiff's rule id without its
 * `request-`/`response-` and `body-`/`property-` parts, except the
 * property-existence kinds (`property-added-required`…), which oasdiff
 * names irregularly and the callers map one by one.
 */
export type SchemaFinding = {
  kind: string;
  level: ApiChangeLevel;
  /** Property path below the compared schema (`items`, `oneOf[Card]` included). */
  path: string[];
  /** The rest of a sentence whose subject is the schema or property. */
  detail: string;
};

/** A path below a schema, sharing its tail with the findings it came from. */
type PathNode = { segment: string; next?: PathNode };

/**
 * A finding while comparing: `origin` names the schema pair and local rule
 * it comes from, so that a change reachable along several routes (a
 * component used in many places, or reached again through a cycle) is told
 * once, by the shortest route.
 */
type Entry = {
  kind: string;
  level: ApiChangeLevel;
  detail: string;
  origin: string;
  path?: PathNode;
  length: number;
};

/** What one schema pair yields: its own findings and those below it. */
type Sink = { local: SchemaFinding[]; nested: Entry[] };

/** Options of one comparison. */
export type SchemaComparisonContext = {
  direction: SchemaDirection;
  /**
   * Whether the media type keeps types apart: in JSON `1` and `"1"` differ,
   * in a query string or `text/plain` they do not, so a change to `string`
   * breaks nobody there (oasdiff's "strongly typed").
   */
  stronglyTyped: boolean;
};

/**
 * Compares schemas of two definitions. One instance serves one
 * `compareApiDefinitions` call: it remembers each pair of schemas it has
 * compared (per direction), so a component used by a thousand operations is
 * compared once, and it cuts cycles (a schema that contains itself) where
 * they close.
 */
export class SchemaComparator {
  private readonly memo = new Map<
    string,
    WeakMap<SchemaView, Map<SchemaView, Entry[]>>
  >();
  private readonly active = new Map<SchemaView, Map<SchemaView, number>>();
  private depth = 0;
  private lowestCut = Infinity;

  constructor(readonly from: SchemaViews, readonly to: SchemaViews) {}

  /** Compares two raw schemas (`$ref`s allowed) as seen through `context`. */
  compare(
    from: JsonValue | undefined,
    to: JsonValue | undefined,
    context: SchemaComparisonContext,
  ): SchemaFinding[] {
    return this.compareViews(this.from.of(from), this.to.of(to), context).map(
      entry => {
        const path: string[] = [];
        for (let node = entry.path; node; node = node.next)
          path.push(node.segment);
        return {
          kind: entry.kind,
          level: entry.level,
          detail: entry.detail,
          path,
        };
      },
    );
  }

  private memoFor(context: SchemaComparisonContext) {
    const key = `${context.direction}:${context.stronglyTyped}`;
    let table = this.memo.get(key);
    if (!table) {
      table = new WeakMap();
      this.memo.set(key, table);
    }
    return table;
  }

  private compareViews(
    from: SchemaView,
    to: SchemaView,
    context: SchemaComparisonContext,
  ): Entry[] {
    if (from === ANY_SCHEMA && to === ANY_SCHEMA) return [];
    const table = this.memoFor(context);
    const known = table.get(from)?.get(to);
    if (known) return known;

    // The pair is being compared further up: a cycle. What lies beyond is
    // what is being compared already, so nothing new is there.
    const activeDepth = this.active.get(from)?.get(to);
    if (activeDepth !== undefined) {
      this.lowestCut = Math.min(this.lowestCut, activeDepth);
      return [];
    }

    const depth = this.depth++;
    let inner = this.active.get(from);
    if (!inner) {
      inner = new Map();
      this.active.set(from, inner);
    }
    inner.set(to, depth);
    const outerCut = this.lowestCut;
    this.lowestCut = Infinity;
    let findings: Entry[];
    try {
      findings = this.rules(from, to, context);
    } finally {
      inner.delete(to);
      this.depth--;
    }
    const cut = this.lowestCut;
    this.lowestCut = Math.min(outerCut, cut);
    // A result cut short by a cycle through a pair further up is only the
    // whole answer from up there; remember only complete ones.
    if (cut >= depth) {
      let row = table.get(from);
      if (!row) {
        row = new Map();
        table.set(from, row);
      }
      row.set(to, findings);
    }
    return findings;
  }

  private rules(
    from: SchemaView,
    to: SchemaView,
    context: SchemaComparisonContext,
  ): Entry[] {
    // Outside the definition: nothing to compare it with.
    if (from.unresolvedRef || to.unresolvedRef) return [];
    const out: Sink = { local: [], nested: [] };
    const add = (kind: string, level: ApiChangeLevel, detail: string) =>
      out.local.push({ kind, level, path: [], detail });
    const request = context.direction === 'request';

    const typeChanged = typeRules(from, to, context, add);
    if (!typeChanged) formatRules(from, to, request, add);
    nullableRules(from, to, request, add);
    valueRules(from, to, request, add);
    boundRules(from, to, request, add);

    // Once an object became something else (or the reverse), its
    // properties are gone with it: the type change says it all.
    const both = (type: string) =>
      (from.types?.has(type) ?? true) && (to.types?.has(type) ?? true);
    if (!typeChanged || both('object'))
      this.propertyRules(from, to, context, out);
    if (
      from.items !== undefined &&
      to.items !== undefined &&
      (!typeChanged || both('array'))
    ) {
      this.nest(
        out,
        'items',
        this.compareViews(
          this.from.of(from.items),
          this.to.of(to.items),
          context,
        ),
      );
    }
    if (
      isSchema(from.additionalProperties) &&
      isSchema(to.additionalProperties)
    ) {
      this.nest(
        out,
        'additionalProperties',
        this.compareViews(
          this.from.of(from.additionalProperties),
          this.to.of(to.additionalProperties),
          context,
        ),
      );
    }
    this.variantRules('oneOf', from.oneOf, to.oneOf, context, out);
    this.variantRules('anyOf', from.anyOf, to.anyOf, context, out);
    this.subschemaRules(from, to, context, out);
    discriminatorRules(from, to, add);

    const pair = `${from.id}:${to.id}`;
    const entries: Entry[] = out.local.map(finding => ({
      kind: finding.kind,
      level: finding.level,
      detail: finding.detail,
      origin: `${pair}|${finding.kind}|${finding.path.join('/')}|${
        finding.detail
      }`,
      path: finding.path.length > 0 ? { segment: finding.path[0] } : undefined,
      length: finding.path.length,
    }));
    // Each change below once, by its shortest route: a component used in
    // several places, or reached again through a cycle, is one change. A
    // change of this pair that came back through a cycle is told here
    // already.
    const own = `${pair}|`;
    const shortest = new Map<string, Entry>();
    for (const entry of out.nested) {
      if (entry.origin.startsWith(own)) continue;
      const known = shortest.get(entry.origin);
      if (!known || entry.length < known.length)
        shortest.set(entry.origin, entry);
    }
    return entries.concat([...shortest.values()]);
  }

  /**
   * JSON Schema 2020-12 sub-schemas (`if`/`then`/`else`, `contains`,
   * `prefixItems`, `propertyNames`, `unevaluated…`, `contentSchema`,
   * `patternProperties`, `dependentSchemas`) and `dependentRequired`. One
   * appearing constrains the value further (an error for a request, info
   * for a response); one disappearing loosens it. `prefixItems` is the
   * other way round, as in oasdiff: it lists what the first items are.
   */
  private subschemaRules(
    from: SchemaView,
    to: SchemaView,
    context: SchemaComparisonContext,
    out: Sink,
  ) {
    const request = context.direction === 'request';
    const push = (
      kind: string,
      added: boolean,
      detail: string,
      reversed = false,
    ) =>
      out.local.push({
        kind: `${kind}-${added ? 'added' : 'removed'}`,
        level: (added !== reversed) === request ? 'error' : 'info',
        path: [],
        detail,
      });
    for (const keyword of Object.keys(SUBSCHEMA_KEYWORDS) as Array<
      keyof typeof SUBSCHEMA_KEYWORDS
    >) {
      const before = from.subschemas.get(keyword);
      const after = to.subschemas.get(keyword);
      if (before === undefined && after === undefined) continue;
      if (before === undefined || after === undefined) {
        push(
          SUBSCHEMA_KEYWORDS[keyword],
          before === undefined,
          `${before === undefined ? 'got' : 'lost'} its '${keyword}' schema`,
        );
      } else {
        this.nest(
          out,
          keyword,
          this.compareViews(this.from.of(before), this.to.of(after), context),
        );
      }
    }
    for (const keyword of Object.keys(KEYED_SUBSCHEMA_KEYWORDS) as Array<
      keyof typeof KEYED_SUBSCHEMA_KEYWORDS
    >) {
      const before =
        from.keyedSubschemas.get(keyword) ?? new Map<string, JsonValue>();
      const after =
        to.keyedSubschemas.get(keyword) ?? new Map<string, JsonValue>();
      for (const [key, schema] of before) {
        const next = after.get(key);
        if (next === undefined)
          push(
            KEYED_SUBSCHEMA_KEYWORDS[keyword],
            false,
            `lost the ${keyword} entry '${key}'`,
          );
        else
          this.nest(
            out,
            `${keyword}[${key}]`,
            this.compareViews(this.from.of(schema), this.to.of(next), context),
          );
      }
      for (const key of after.keys()) {
        if (!before.has(key))
          push(
            KEYED_SUBSCHEMA_KEYWORDS[keyword],
            true,
            `got the ${keyword} entry '${key}'`,
          );
      }
    }
    const beforeItems = from.prefixItems ?? [];
    const afterItems = to.prefixItems ?? [];
    for (let i = 0; i < Math.max(beforeItems.length, afterItems.length); i++) {
      if (i >= afterItems.length)
        push('prefix-items', false, `lost its prefix item ${i}`, true);
      else if (i >= beforeItems.length)
        push('prefix-items', true, `got a prefix item ${i}`, true);
      else
        this.nest(
          out,
          `prefixItems[${i}]`,
          this.compareViews(
            this.from.of(beforeItems[i]),
            this.to.of(afterItems[i]),
            context,
          ),
        );
    }
    const beforeDeps = from.dependentRequired ?? new Map<string, string[]>();
    const afterDeps = to.dependentRequired ?? new Map<string, string[]>();
    for (const [name, list] of beforeDeps) {
      const next = afterDeps.get(name);
      if (!next)
        push(
          'dependent-required',
          false,
          `no longer requires ${list.join(', ')} with '${name}'`,
        );
      else if (next.join() !== list.join()) {
        out.local.push({
          kind: 'dependent-required-changed',
          level: 'error',
          path: [],
          detail: `changed what '${name}' requires from ${list.join(
            ', ',
          )} to ${next.join(', ')}`,
        });
      }
    }
    for (const [name, list] of afterDeps) {
      if (!beforeDeps.has(name))
        push(
          'dependent-required',
          true,
          `requires ${list.join(', ')} with '${name}'`,
        );
    }
  }

  /** Findings below `segment`. */
  private nest(out: Sink, segment: string, inner: Entry[]) {
    for (const entry of inner) {
      out.nested.push({
        ...entry,
        path: { segment, next: entry.path },
        length: entry.length + 1,
      });
    }
  }

  private propertyRules(
    from: SchemaView,
    to: SchemaView,
    context: SchemaComparisonContext,
    out: Sink,
  ) {
    if (from.properties.size === 0 && to.properties.size === 0) return;
    const request = context.direction === 'request';
    // A request property the service marks read-only is one consumers
    // never send; a response property marked write-only is one they never
    // get. Neither side's changes to those matter to them.
    const ignored = (view: SchemaView) =>
      request ? view.readOnly : view.writeOnly;
    const push = (
      name: string,
      kind: string,
      level: ApiChangeLevel,
      detail: string,
    ) => out.local.push({ kind, level, path: [name], detail });

    for (const [name, rawFrom] of from.properties) {
      const fromView = this.from.of(rawFrom);
      const wasRequired = from.required.has(name);
      if (!to.properties.has(name)) {
        if (ignored(fromView)) continue;
        if (request) push(name, 'property-removed', 'warning', 'was removed');
        else if (wasRequired)
          push(
            name,
            'property-removed-required',
            'error',
            'was removed (it was required)',
          );
        else push(name, 'property-removed-optional', 'warning', 'was removed');
        continue;
      }
      const toView = this.to.of(to.properties.get(name));
      const isRequired = to.required.has(name);
      if (ignored(toView) || ignored(fromView)) continue;
      if (!wasRequired && isRequired) {
        if (request && toView.hasDefault) {
          push(
            name,
            'property-became-required-with-default',
            'error',
            'became required (it has a default value)',
          );
        } else {
          push(
            name,
            'property-became-required',
            request ? 'error' : 'info',
            'became required',
          );
        }
      } else if (wasRequired && !isRequired) {
        push(
          name,
          'property-became-optional',
          request ? 'info' : 'error',
          'became optional',
        );
      }
      this.nest(out, name, this.compareViews(fromView, toView, context));
    }
    for (const [name, rawTo] of to.properties) {
      if (from.properties.has(name)) continue;
      const toView = this.to.of(rawTo);
      if (ignored(toView)) continue;
      if (to.required.has(name) && request && toView.hasDefault) {
        push(
          name,
          'property-added-required-with-default',
          'error',
          'was added as required (with a default value)',
        );
      } else if (to.required.has(name)) {
        push(
          name,
          'property-added-required',
          request ? 'error' : 'info',
          'was added as required',
        );
      } else {
        push(name, 'property-added-optional', 'info', 'was added');
      }
    }
  }

  /**
   * `oneOf`/`anyOf` alternatives, matched by the component they refer to
   * (or their title), the rest in order. A consumer's request that matched
   * an alternative the `to` version dropped is refused; a response may now
   * be of an alternative the consumer never saw.
   */
  private variantRules(
    keyword: 'oneOf' | 'anyOf',
    from: SchemaVariant[] | undefined,
    to: SchemaVariant[] | undefined,
    context: SchemaComparisonContext,
    out: Sink,
  ) {
    if (!from || !to) return;
    const request = context.direction === 'request';
    const kind = keyword === 'oneOf' ? 'one-of' : 'any-of';
    const toByKey = new Map(to.filter(v => v.named).map(v => [v.key, v]));
    const matched = new Set<SchemaVariant>();
    const unmatchedFrom: SchemaVariant[] = [];
    for (const variant of from) {
      const partner = variant.named ? toByKey.get(variant.key) : undefined;
      if (partner && !matched.has(partner)) {
        matched.add(partner);
        this.nest(
          out,
          `${keyword}[${variant.key}]`,
          this.compareViews(
            this.from.of(variant.raw),
            this.to.of(partner.raw),
            context,
          ),
        );
      } else {
        unmatchedFrom.push(variant);
      }
    }
    // An alternative moved into a component (or out of one), or renamed,
    // without changing: the same alternative.
    for (const variant of [...unmatchedFrom]) {
      const fromView = this.from.of(variant.raw);
      const same = to.find(
        candidate =>
          !matched.has(candidate) &&
          this.compareViews(fromView, this.to.of(candidate.raw), context)
            .length === 0,
      );
      if (same) {
        matched.add(same);
        unmatchedFrom.splice(unmatchedFrom.indexOf(variant), 1);
      }
    }
    const unmatchedTo = to.filter(v => !matched.has(v));
    // Unnamed alternatives left are paired in order: they are usually the
    // same alternative, edited.
    const fromInline = unmatchedFrom.filter(v => !v.named);
    const toInline = unmatchedTo.filter(v => !v.named);
    const pairs = Math.min(fromInline.length, toInline.length);
    fromInline.length = pairs;
    toInline.length = pairs;
    fromInline.forEach((variant, i) => {
      this.nest(
        out,
        `${keyword}[${variant.key}]`,
        this.compareViews(
          this.from.of(variant.raw),
          this.to.of(toInline[i].raw),
          context,
        ),
      );
    });
    for (const variant of unmatchedFrom) {
      if (fromInline.includes(variant)) continue;
      out.local.push({
        kind: `${kind}-removed`,
        level: request ? 'error' : 'info',
        path: [],
        detail: `lost the ${keyword} alternative ${variant.key}`,
      });
    }
    for (const variant of unmatchedTo) {
      if (toInline.includes(variant)) continue;
      out.local.push({
        kind: `${kind}-added`,
        level: !request && keyword === 'oneOf' ? 'error' : 'info',
        path: [],
        detail: `gained the ${keyword} alternative ${variant.key}`,
      });
    }
  }
}

function isSchema(value: JsonValue | undefined): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The oasdiff id of a finding in a request or response body:
 * `request-body-…` for the body itself, `request-property-…` below it, and
 * oasdiff's own names for properties added, removed or changing
 * requiredness.
 *
 * Where oasdiff has no rule for a (direction, place, kind) combination the
 * id is built the same way (e.g. `request-property-max-items-decreased`,
 * which oasdiff only has for parameters); those are ours, named in its style.
 */
export function bodyRuleId(
  direction: SchemaDirection,
  finding: SchemaFinding,
): string {
  switch (finding.kind) {
    case 'property-added-required':
      return direction === 'request'
        ? 'new-required-request-property'
        : 'response-required-property-added';
    case 'property-added-required-with-default':
      return 'new-required-request-property-with-default';
    case 'property-added-optional':
      return direction === 'request'
        ? 'new-optional-request-property'
        : 'response-optional-property-added';
    case 'property-removed':
      return 'request-property-removed';
    case 'property-removed-required':
      return 'response-required-property-removed';
    case 'property-removed-optional':
      return 'response-optional-property-removed';
    default:
      return `${direction}-${
        finding.path.length === 0 ? 'body' : 'property'
      }-${finding.kind.replace(/^property-became-/, 'became-')}`;
  }
}

/**
 * `data/items/amount`, oasdiff's way of naming a property. Paths that a
 * cycle of references made very long keep their two ends.
 */
export function propertyName(finding: SchemaFinding): string {
  const { path } = finding;
  if (path.length <= 16) return path.join('/');
  return [
    ...path.slice(0, 6),
    `…(${path.length - 12} more)…`,
    ...path.slice(-6),
  ].join('/');
}
