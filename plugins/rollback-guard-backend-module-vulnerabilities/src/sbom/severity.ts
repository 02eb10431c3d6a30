import { FindingSeverity } from '@rollback-guard/plugin-rollback-guard-common';

const ORDER: FindingSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'unknown',
];

/**
 * A severity as scanners and advisories write it (`HIGH`, `Moderate`,
 * `Negligible`, `info`) in the five words of a finding.
 */
export function normalizeSeverity(value: unknown): FindingSeverity {
  if (typeof value !== 'string') return 'unknown';
  switch (value.trim().toLocaleLowerCase('en-US')) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
    case 'info':
    case 'informational':
    case 'none':
      return 'low';
    default:
      return 'unknown';
  }
}

/** The worse of two severities; a known one beats `unknown`. */
export function worseSeverity(
  a: FindingSeverity,
  b: FindingSeverity,
): FindingSeverity {
  if (a === 'unknown') return b;
  if (b === 'unknown') return a;
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

/** Sorts worst first, `unknown` last. */
export function bySeverity(a: FindingSeverity, b: FindingSeverity): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

/** The severity of a CVSS base score, by the CVSS v3 and v4 rating scale. */
export function severityOfScore(score: number): FindingSeverity {
  if (!Number.isFinite(score)) return 'unknown';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}
