/**
 * Reads readiness stored before check results called what a check read
 * `facts` (it was `evidence`, a name that belongs to what CI attaches): a
 * snapshot in the readiness store, or the readiness an action request was
 * made against. Every check result in `json` comes back with `facts`.
 */
export function parseStoredReadiness<T>(json: string): T {
  return JSON.parse(json, (_key, value) => {
    if (
      value &&
      typeof value === 'object' &&
      typeof value.checkId === 'string' &&
      !('facts' in value) &&
      Array.isArray(value.evidence)
    ) {
      const { evidence, ...rest } = value;
      return { ...rest, facts: evidence };
    }
    return value;
  });
}
