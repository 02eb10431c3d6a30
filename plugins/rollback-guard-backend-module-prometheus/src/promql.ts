/**
 * PromQL query templates: `${entity}`, `${environment}` and `${version}`
 * filled with values escaped for the string literal they stand in (and for
 * RE2 when the literal is a regex matcher's), so that no value can change
 * the query's shape.
 */

/** The placeholders a template may use. */
export const PLACEHOLDERS = ['entity', 'environment', 'version'] as const;

/** @public */
export type Placeholder = (typeof PLACEHOLDERS)[number];

type Part = { text: string } | { placeholder: Placeholder; regex: boolean };

/**
 * A checked template: every placeholder sits inside a double-quoted string
 * literal, where an escaped value can only ever be a value.
 *
 * @public
 */
export class QueryTemplate {
  private constructor(
    readonly source: string,
    private readonly parts: Part[],
  ) {}

  /** Parses a template; throws with a reason a person can act on. */
  static parse(source: string): QueryTemplate {
    const parts: Part[] = [];
    let text = '';
    let quote: string | undefined;
    let regex = false;
    for (let i = 0; i < source.length; i++) {
      const c = source[i];
      if (source.startsWith('${', i)) {
        const end = source.indexOf('}', i);
        const name = end > 0 ? source.slice(i + 2, end) : '';
        if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
          throw new Error(
            `uses \${${name}}; the placeholders are ${PLACEHOLDERS.map(
              p => `\${${p}}`,
            ).join(', ')}`,
          );
        }
        if (quote !== '"') {
          throw new Error(
            `has \${${name}} outside a double-quoted string; write it as a label value, e.g. {service="\${${name}}"}`,
          );
        }
        parts.push({ text });
        text = '';
        parts.push({ placeholder: name as Placeholder, regex });
        i = end;
        continue;
      }
      text += c;
      if (quote) {
        if (c === '\\' && quote !== '`') {
          text += source[++i] ?? '';
        } else if (c === quote) {
          quote = undefined;
        }
      } else if (c === '"' || c === "'" || c === '`') {
        quote = c;
        // A regex matcher (=~ or !~) right before the literal.
        regex = /[=!]~\s*$/.test(source.slice(0, i));
      }
    }
    if (quote) throw new Error('has an unterminated string literal');
    parts.push({ text });
    return new QueryTemplate(source, parts);
  }

  /** The query with the values filled in, escaped. */
  fill(values: Record<Placeholder, string>): string {
    return this.parts
      .map(part =>
        'text' in part
          ? part.text
          : escapeString(
              part.regex
                ? escapeRegex(values[part.placeholder])
                : values[part.placeholder],
            ),
      )
      .join('');
  }
}

/** Escapes a value for a double-quoted PromQL string literal. */
export function escapeString(value: string): string {
  return value.replace(/[\\"\n\r\t]/g, c => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\${c}`;
    }
  });
}

/** Escapes RE2 metacharacters, so a value matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, c => `\\${c}`);
}
