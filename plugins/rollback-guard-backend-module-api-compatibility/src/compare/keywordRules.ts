/*
 * The rules on one schema's own keywords (type, format, nullability, enum,
 * const, default, bounds, pattern, contains, content, discriminator), for
 * a pair of schemas already matched. Each reports through `add`, with the
 * level that suits the direction data flows in (see jsonSchema.ts); the
 * levels are oasdiff's for the same rule.
 */
import { JsonValue } from './document';
import { SchemaComparisonContext } from './jsonSchema';
import { SchemaView } from './schemaView';
import { ApiChangeLevel } from './types';

/** Reports a finding about the schema itself. */
export type AddFinding = (
  kind: string,
  level: ApiChangeLevel,
  detail: string,
) => void;

export const show = (value: JsonValue | undefined) =>
  JSON.stringify(value) ?? 'undefined';

function typeText(view: SchemaView): string {
  return view.types && view.types.size > 0
    ? [...view.types].sort().join(', ')
    : 'any';
}

/** Every type of `sub` is one of `sup`'s, an integer being a number. */
function typesWithin(sub: Set<string>, sup: Set<string>): boolean {
  if (sub.size === 0) return false;
  for (const type of sub) {
    if (!sup.has(type) && !(type === 'integer' && sup.has('number')))
      return false;
  }
  return true;
}

function sameTypes(a?: Set<string>, b?: Set<string>): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const type of a) if (!b.has(type)) return false;
  return true;
}

/** Format changes that only widen what a value may be (oasdiff's list). */
const WIDER_FORMAT: Record<string, string[]> = {
  float: ['double'],
  int32: ['int64', 'bigint'],
  int64: ['bigint'],
  date: ['date-time'],
  time: ['date-time'],
};

const widens = (from: string, to: string) =>
  WIDER_FORMAT[from]?.includes(to) ?? false;

/** Type changes; true when one was reported (the format then goes with it). */
export function typeRules(
  from: SchemaView,
  to: SchemaView,
  context: SchemaComparisonContext,
  add: AddFinding,
): boolean {
  if (sameTypes(from.types, to.types)) return false;
  const detail = `had its type changed from '${typeText(from)}' to '${typeText(
    to,
  )}'`;
  const f = from.types;
  const t = to.types;
  if ((from.listOfTypes || to.listOfTypes) && f && t) {
    // oasdiff's "list of types": alternatives of plain types, judged by
    // the types gained or lost.
    const lost = [...f].filter(type => !t.has(type));
    const gained = [...t].filter(type => !f.has(type));
    if (context.direction === 'request') {
      if (lost.length > 0)
        add(
          'list-of-types-narrowed',
          'error',
          `no longer accepts the type(s) ${lost.join(', ')}`,
        );
      else
        add(
          'list-of-types-widened',
          'info',
          `now accepts the type(s) ${gained.join(', ')}`,
        );
    } else if (gained.length > 0) {
      add(
        'list-of-types-widened',
        'error',
        `may now be of the type(s) ${gained.join(', ')}`,
      );
    } else {
      add(
        'list-of-types-narrowed',
        'info',
        `is no longer of the type(s) ${lost.join(', ')}`,
      );
    }
    return true;
  }
  if (context.direction === 'request') {
    if (!t || t.size === 0 || (f && typesWithin(f, t))) {
      add('type-generalized', 'info', detail);
    } else if (!context.stronglyTyped && t.size === 1 && t.has('string') && f) {
      // Anything written in text is a string too.
      add('type-compatible', 'info', detail);
    } else {
      add('type-changed', 'error', detail);
    }
  } else if (!f || f.size === 0 || (t && typesWithin(t, f))) {
    add('type-specialized', 'info', detail);
  } else if (!context.stronglyTyped && f.size === 1 && f.has('string') && t) {
    add('type-compatible', 'info', detail);
  } else if (t && typesWithin(f, t)) {
    // integer → number: the service may now send 1.5 to a client
    // expecting an integer.
    add('type-generalized', 'error', detail);
  } else {
    add('type-changed', 'error', detail);
  }
  return true;
}

export function formatRules(
  from: SchemaView,
  to: SchemaView,
  request: boolean,
  add: AddFinding,
) {
  if (from.format === to.format) return;
  const detail = `had its format changed from '${from.format ?? 'none'}' to '${
    to.format ?? 'none'
  }'`;
  if (request) {
    if (
      to.format === undefined ||
      (from.format && widens(from.format, to.format))
    ) {
      add('type-generalized', 'info', detail);
    } else {
      add('type-changed', 'error', detail);
    }
  } else if (
    from.format === undefined ||
    (to.format && widens(to.format, from.format))
  ) {
    add('type-specialized', 'info', detail);
  } else {
    add('type-changed', 'error', detail);
  }
}

export function nullableRules(
  from: SchemaView,
  to: SchemaView,
  request: boolean,
  add: AddFinding,
) {
  // An untyped schema takes null already; only typed ones change.
  if (!from.types || !to.types || from.nullable === to.nullable) return;
  if (to.nullable) {
    add('became-nullable', request ? 'info' : 'error', 'became nullable');
  } else {
    add(
      'became-not-nullable',
      request ? 'error' : 'info',
      'became not nullable',
    );
  }
}

/** enum, const and default. */
export function valueRules(
  from: SchemaView,
  to: SchemaView,
  request: boolean,
  add: AddFinding,
) {
  if (from.enumValues && to.enumValues) {
    const fromKeys = new Set(from.enumValues.map(show));
    const toKeys = new Set(to.enumValues.map(show));
    for (const key of fromKeys) {
      if (!toKeys.has(key)) {
        add(
          'enum-value-removed',
          request ? 'error' : 'info',
          `lost the enum value ${key}`,
        );
      }
    }
    for (const key of toKeys) {
      if (!fromKeys.has(key)) {
        add(
          'enum-value-added',
          request ? 'info' : 'warning',
          `gained the enum value ${key}`,
        );
      }
    }
  } else if (!from.enumValues && to.enumValues && request) {
    add(
      'became-enum',
      'error',
      `became an enum (${to.enumValues.map(show).join(', ')})`,
    );
  }
  if (request && from.extensibleEnum && to.extensibleEnum) {
    const toKeys = new Set(to.extensibleEnum.map(show));
    for (const key of new Set(from.extensibleEnum.map(show))) {
      if (!toKeys.has(key)) {
        add(
          'x-extensible-enum-value-removed',
          'error',
          `lost the x-extensible-enum value ${key}`,
        );
      }
    }
  }

  if (from.hasConst !== to.hasConst) {
    if (to.hasConst) {
      add(
        'const-added',
        request ? 'error' : 'info',
        `became the constant ${show(to.constValue)}`,
      );
    } else {
      add(
        'const-removed',
        request ? 'info' : 'error',
        `is no longer the constant ${show(from.constValue)}`,
      );
    }
  } else if (from.hasConst && show(from.constValue) !== show(to.constValue)) {
    add(
      'const-changed',
      'error',
      `had its constant changed from ${show(from.constValue)} to ${show(
        to.constValue,
      )}`,
    );
  }

  if (from.hasDefault !== to.hasDefault) {
    if (to.hasDefault) {
      add(
        'default-value-added',
        'info',
        `got the default value ${show(to.defaultValue)}`,
      );
    } else {
      add(
        'default-value-removed',
        'info',
        `lost its default value ${show(from.defaultValue)}`,
      );
    }
  } else if (
    from.hasDefault &&
    show(from.defaultValue) !== show(to.defaultValue)
  ) {
    add(
      'default-value-changed',
      'info',
      `had its default value changed from ${show(from.defaultValue)} to ${show(
        to.defaultValue,
      )}`,
    );
  }
}

/** Numeric, length, item-count bounds and patterns. */
export function boundRules(
  from: SchemaView,
  to: SchemaView,
  request: boolean,
  add: AddFinding,
) {
  const upper = (
    kind: string,
    word: string,
    f?: number,
    t?: number,
    unsetKind?: string,
  ) => {
    if (f === t) return;
    if (request) {
      if (f === undefined)
        add(`${kind}-set`, 'warning', `got the ${word} ${t}`);
      else if (t !== undefined && t < f)
        add(
          `${kind}-decreased`,
          'error',
          `had its ${word} decreased from ${f} to ${t}`,
        );
      else if (t !== undefined)
        add(
          `${kind}-increased`,
          'info',
          `had its ${word} increased from ${f} to ${t}`,
        );
    } else if (f !== undefined && t !== undefined && t > f) {
      add(
        `${kind}-increased`,
        'error',
        `had its ${word} increased from ${f} to ${t}`,
      );
    } else if (f !== undefined && t === undefined && unsetKind) {
      add(unsetKind, 'error', `lost its ${word} ${f}`);
    }
  };
  const lower = (
    kind: string,
    word: string,
    f?: number,
    t?: number,
    setKind = true,
  ) => {
    if (f === t) return;
    if (request) {
      if (f === undefined && setKind)
        add(`${kind}-set`, 'warning', `got the ${word} ${t}`);
      else if (t !== undefined && t > (f ?? 0))
        add(
          `${kind}-increased`,
          'error',
          `had its ${word} increased from ${f ?? 0} to ${t}`,
        );
      else if (f !== undefined)
        add(
          `${kind}-decreased`,
          'info',
          `had its ${word} decreased from ${f} to ${t ?? 0}`,
        );
    } else if (f !== undefined && (t ?? 0) < f) {
      add(
        `${kind}-decreased`,
        'error',
        `had its ${word} decreased from ${f} to ${t ?? 0}`,
      );
    }
  };
  upper('max', 'maximum', from.maximum, to.maximum);
  upper(
    'exclusive-max',
    'exclusive maximum',
    from.exclusiveMaximum,
    to.exclusiveMaximum,
  );
  lower('min', 'minimum', from.minimum, to.minimum);
  lower(
    'exclusive-min',
    'exclusive minimum',
    from.exclusiveMinimum,
    to.exclusiveMinimum,
  );
  upper(
    'max-length',
    'max length',
    from.maxLength,
    to.maxLength,
    'max-length-unset',
  );
  // An absent minLength is 0 (oasdiff reads it so), so there is no "set".
  lower(
    'min-length',
    'min length',
    from.minLength ?? 0,
    to.minLength ?? 0,
    false,
  );
  upper('max-items', 'max items', from.maxItems, to.maxItems);
  if (
    !request &&
    from.minItems !== undefined &&
    to.minItems === undefined &&
    from.minItems > 0
  ) {
    add('min-items-unset', 'error', `lost its min items ${from.minItems}`);
  } else {
    lower('min-items', 'min items', from.minItems, to.minItems);
  }

  // minContains/maxContains bound how many items match `contains`.
  if (
    from.minContains !== to.minContains &&
    from.minContains !== undefined &&
    to.minContains !== undefined
  ) {
    const up = to.minContains > from.minContains;
    add(
      `min-contains-${up ? 'increased' : 'decreased'}`,
      up === request ? 'error' : 'info',
      `had its min contains ${up ? 'increased' : 'decreased'} from ${
        from.minContains
      } to ${to.minContains}`,
    );
  }
  if (
    from.maxContains !== to.maxContains &&
    from.maxContains !== undefined &&
    to.maxContains !== undefined
  ) {
    const up = to.maxContains > from.maxContains;
    add(
      `max-contains-${up ? 'increased' : 'decreased'}`,
      up === request ? 'info' : 'error',
      `had its max contains ${up ? 'increased' : 'decreased'} from ${
        from.maxContains
      } to ${to.maxContains}`,
    );
  }
  if (
    from.contentMediaType !== to.contentMediaType &&
    from.contentMediaType &&
    to.contentMediaType
  ) {
    add(
      'content-media-type-changed',
      'error',
      `had its content media type changed from '${from.contentMediaType}' to '${to.contentMediaType}'`,
    );
  }
  if (
    from.contentEncoding !== to.contentEncoding &&
    from.contentEncoding &&
    to.contentEncoding
  ) {
    add(
      'content-encoding-changed',
      'error',
      `had its content encoding changed from '${from.contentEncoding}' to '${to.contentEncoding}'`,
    );
  }

  if (from.pattern !== to.pattern) {
    if (from.pattern === undefined) {
      add(
        'pattern-added',
        request ? 'error' : 'info',
        `got the pattern '${to.pattern}'`,
      );
    } else if (to.pattern === undefined) {
      add('pattern-removed', 'info', `lost the pattern '${from.pattern}'`);
    } else {
      add(
        'pattern-changed',
        request ? 'warning' : 'info',
        `had its pattern changed from '${from.pattern}' to '${to.pattern}'`,
      );
    }
  }
}

/** Discriminator changes: oasdiff reports them all as info. */
export function discriminatorRules(
  from: SchemaView,
  to: SchemaView,
  add: AddFinding,
) {
  const before = from.discriminator;
  const after = to.discriminator;
  if (!before && !after) return;
  if (!before || !after) {
    add(
      `discriminator-${before ? 'removed' : 'added'}`,
      'info',
      `${before ? 'lost its' : 'got a'} discriminator`,
    );
    return;
  }
  if (before.propertyName !== after.propertyName) {
    add(
      'discriminator-property-name-changed',
      'info',
      `had its discriminator property changed from '${before.propertyName}' to '${after.propertyName}'`,
    );
  }
  for (const [value, target] of before.mapping) {
    const next = after.mapping.get(value);
    if (next === undefined)
      add(
        'discriminator-mapping-deleted',
        'info',
        `lost the discriminator mapping '${value}'`,
      );
    else if (next !== target)
      add(
        'discriminator-mapping-changed',
        'info',
        `had the discriminator mapping '${value}' changed`,
      );
  }
  for (const value of after.mapping.keys()) {
    if (!before.mapping.has(value))
      add(
        'discriminator-mapping-added',
        'info',
        `got the discriminator mapping '${value}'`,
      );
  }
}
