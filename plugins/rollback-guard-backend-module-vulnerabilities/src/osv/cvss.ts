import { FindingSeverity } from '@rollback-guard/plugin-rollback-guard-common';
import { severityOfScore } from '../sbom/severity';

const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

/** CVSS v3.1's Roundup: the smallest one-decimal number not below x. */
function roundUp(x: number): number {
  const scaled = Math.round(x * 100000);
  return scaled % 10000 === 0
    ? scaled / 100000
    : (Math.floor(scaled / 10000) + 1) / 10;
}

/**
 * The base score of a CVSS v3.0 or v3.1 vector, by the FIRST specification's
 * formula; undefined for another version or a malformed vector.
 */
export function cvss3BaseScore(vector: string): number | undefined {
  const [head, ...parts] = vector.trim().split('/');
  if (head !== 'CVSS:3.1' && head !== 'CVSS:3.0') return undefined;
  const metrics = new Map(
    parts.map(part => part.split(':') as [string, string]),
  );
  const scope = metrics.get('S');
  const pr = metrics.get('PR');
  const value = (key: string) => WEIGHTS[key][metrics.get(key) ?? ''];
  const prWeight =
    { N: 0.85, L: scope === 'C' ? 0.68 : 0.62, H: scope === 'C' ? 0.5 : 0.27 }[
      pr ?? ''
    ] ?? undefined;
  const [av, ac, ui, c, i, a] = ['AV', 'AC', 'UI', 'C', 'I', 'A'].map(value);
  if (
    (scope !== 'U' && scope !== 'C') ||
    [av, ac, ui, c, i, a, prWeight].some(w => w === undefined)
  ) {
    return undefined;
  }
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact =
    scope === 'U'
      ? 6.42 * iss
      : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * prWeight! * ui;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/**
 * The severity of an OSV `severity[].score`: a CVSS v3 vector, computed;
 * other versions are `unknown` (OSV records that carry only those are rare
 * and rated in words elsewhere).
 */
export function severityOfVector(score: string): FindingSeverity {
  const base = cvss3BaseScore(score);
  return base === undefined ? 'unknown' : severityOfScore(base);
}
