import { isObject, JsonObject, JsonValue } from './document';

/**
 * Keywords beside a `$ref` that do not change what the reference means: a
 * reference with only these is the referenced value.
 */
const ANNOTATIONS = new Set([
  '$ref',
  'description',
  'summary',
  'title',
  'example',
  'examples',
  'externalDocs',
  'deprecated',
  '$comment',
]);

/**
 * Where a definition bundler puts what it pulled in from other files, for
 * references to whole files (`./schemas/Refund.yaml`) that the bundle kept.
 */
const BUNDLE_CONTAINERS = [
  ['components', 'schemas'],
  ['definitions'],
  ['components', 'messages'],
  ['components', 'parameters'],
  ['components', 'responses'],
  ['components', 'requestBodies'],
  ['components', 'headers'],
];

function decodePointerSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A stray % is taken literally.
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Follows `$ref`s inside one definition, lazily: only what a comparison
 * reaches is resolved, so cyclic schemas never unfold. The same reference
 * always resolves to the same object, which is what lets the schema
 * comparison remember pairs it has already compared.
 */
export class RefResolver {
  private readonly byRef = new Map<string, JsonValue | undefined>();
  private readonly resolved = new WeakMap<JsonObject, JsonValue>();

  constructor(readonly root: JsonObject) {}

  /** The value at a JSON pointer fragment (`#/components/schemas/Refund`). */
  private pointer(fragment: string): JsonValue | undefined {
    if (fragment === '' || fragment === '/') return this.root;
    if (!fragment.startsWith('/')) return undefined;
    let current: JsonValue | undefined = this.root;
    for (const raw of fragment.slice(1).split('/')) {
      const segment = decodePointerSegment(raw);
      if (Array.isArray(current)) {
        current = current[Number(segment)];
      } else if (isObject(current)) {
        current = Object.prototype.hasOwnProperty.call(current, segment)
          ? current[segment]
          : undefined;
      } else {
        return undefined;
      }
      if (current === undefined) return undefined;
    }
    return current;
  }

  /** The target of a reference string, or undefined when it is not here. */
  lookup(ref: string): JsonValue | undefined {
    if (this.byRef.has(ref)) return this.byRef.get(ref);
    const hash = ref.indexOf('#');
    let target: JsonValue | undefined;
    if (hash >= 0) {
      // Local (`#/…`) or into another file that was bundled with the same
      // layout (`common.yaml#/components/schemas/Money`).
      target = this.pointer(ref.slice(hash + 1));
    }
    if (target === undefined && hash !== 0) {
      // A whole other file: a bundler names it after the file.
      const file =
        (hash >= 0 ? ref.slice(0, hash) : ref).split('/').pop() ?? '';
      const name = file.replace(/\.(ya?ml|json)$/i, '');
      const fragmentName =
        hash >= 0
          ? ref
              .slice(hash + 1)
              .split('/')
              .pop()
          : undefined;
      for (const container of BUNDLE_CONTAINERS) {
        const holder = this.pointer(`/${container.join('/')}`);
        if (!isObject(holder)) continue;
        const candidate =
          (fragmentName && holder[decodePointerSegment(fragmentName)]) ||
          holder[name];
        if (candidate !== undefined) {
          target = candidate;
          break;
        }
      }
    }
    this.byRef.set(ref, target);
    return target;
  }

  /** Whether a value is a reference this definition cannot resolve. */
  isUnresolved(value: JsonValue | undefined): boolean {
    return (
      isObject(value) &&
      typeof value.$ref === 'string' &&
      this.lookup(value.$ref) === undefined
    );
  }

  /**
   * The value a `$ref` (or a chain of them) stands for. Keywords next to the
   * reference (allowed in OpenAPI 3.1 and JSON Schema) are laid over the
   * target. A reference that cannot be resolved stays as it is; a chain
   * that loops on itself stands for nothing in particular (`{}`).
   */
  deref(value: JsonValue | undefined): JsonValue | undefined {
    if (!isObject(value) || typeof value.$ref !== 'string') return value;
    const cached = this.resolved.get(value);
    if (cached !== undefined) return cached;

    const seen = new Set<string>();
    let current: JsonValue | undefined = value;
    while (isObject(current) && typeof current.$ref === 'string') {
      if (seen.has(current.$ref)) {
        current = {};
        break;
      }
      seen.add(current.$ref);
      const target = this.lookup(current.$ref);
      if (target === undefined) break;
      current = target;
    }
    let result: JsonValue | undefined = current;
    const extra = Object.keys(value).filter(
      key => !ANNOTATIONS.has(key) && !key.startsWith('x-'),
    );
    if (extra.length > 0 && isObject(current) && current !== value) {
      const merged: JsonObject = { ...current };
      for (const key of extra) merged[key] = value[key];
      result = merged;
    }
    if (result !== undefined) this.resolved.set(value, result);
    return result;
  }

  /** The last segment of a reference, e.g. `Refund` for `#/components/schemas/Refund`. */
  static refName(value: JsonValue | undefined): string | undefined {
    if (!isObject(value) || typeof value.$ref !== 'string') return undefined;
    const segments = value.$ref.split(/[/#]/).filter(Boolean);
    const last = segments[segments.length - 1];
    return last === undefined
      ? undefined
      : decodePointerSegment(last).replace(/\.(ya?ml|json)$/i, '');
  }
}
