/*
 * Security requirements: oasdiff's `api-security-…` and
 * `api-global-security-…` rules.
 *
 * oasdiff rates them all `info`. Here a change is a `warning` when a
 * consumer of the `from` version can be refused by the `to` version:
 * - a requirement added where `from` asked for none (or allowed anonymous
 *   access with `{}`); an added alternative beside existing ones refuses
 *   nobody and stays `info`;
 * - an alternative removed when nothing left in `to` is satisfied by the
 *   same credentials;
 * - a scope added to a requirement (a token without it is refused).
 * Nothing is refused when `to` asks for nothing.
 */
import { ApiChange, ApiChangeLevel } from '../types';
import { SecurityRequirement } from './normalize';

type Report = (id: string, level: ApiChangeLevel, message: string) => void;

function describe(requirement: SecurityRequirement) {
  return requirement.key === '' ? 'anonymous access' : `'${requirement.key}'`;
}

const isOpen = (requirements: SecurityRequirement[]) =>
  requirements.length === 0 || requirements.some(r => r.key === '');

/** Whether credentials for `held` satisfy `wanted` (all its schemes are among them). */
const satisfies = (held: SecurityRequirement, wanted: SecurityRequirement) =>
  [...wanted.scopes.keys()].every(scheme => held.scopes.has(scheme));

function compareRequirements(
  from: SecurityRequirement[],
  to: SecurityRequirement[],
  prefix: 'api-security' | 'api-global-security',
  where: string,
  report: Report,
) {
  const toByKey = new Map(to.map(r => [r.key, r]));
  const fromByKey = new Map(from.map(r => [r.key, r]));
  const fromOpen = isOpen(from);
  const toOpen = isOpen(to);
  for (const requirement of to) {
    // `{}` (anonymous access allowed) is not a requirement.
    if (fromByKey.has(requirement.key) || requirement.key === '') continue;
    report(
      `${prefix}-added`,
      fromOpen && !toOpen ? 'warning' : 'info',
      `the security requirement ${describe(requirement)} was added to ${where}`,
    );
  }
  for (const requirement of from) {
    const next = toByKey.get(requirement.key);
    if (!next) {
      if (requirement.key === '') continue;
      const stillServed =
        toOpen || to.some(other => satisfies(requirement, other));
      report(
        `${prefix}-removed`,
        stillServed ? 'info' : 'warning',
        `the security requirement ${describe(
          requirement,
        )} was removed from ${where}`,
      );
      continue;
    }
    for (const [scheme, scopes] of requirement.scopes) {
      const nextScopes = next.scopes.get(scheme) ?? new Set<string>();
      for (const scope of nextScopes) {
        if (!scopes.has(scope)) {
          report(
            `${prefix}-scope-added`,
            toOpen ? 'info' : 'warning',
            `the scope '${scope}' of '${scheme}' was added to ${where}`,
          );
        }
      }
      for (const scope of scopes) {
        if (!nextScopes.has(scope)) {
          report(
            `${prefix}-scope-removed`,
            'info',
            `the scope '${scope}' of '${scheme}' was removed from ${where}`,
          );
        }
      }
    }
  }
}

export function compareGlobalSecurity(
  from: SecurityRequirement[] | undefined,
  to: SecurityRequirement[] | undefined,
  out: ApiChange[],
) {
  compareRequirements(
    from ?? [],
    to ?? [],
    'api-global-security',
    'the API',
    (id, level, message) => out.push({ id, level, message }),
  );
}

/**
 * An operation's own requirements. When only one version states them, the
 * other's are the global ones it inherits; when neither does, the global
 * comparison has said it all.
 */
export function compareOperationSecurity(
  options: {
    from?: SecurityRequirement[];
    to?: SecurityRequirement[];
    fromGlobal?: SecurityRequirement[];
    toGlobal?: SecurityRequirement[];
    label: string;
  },
  report: Report,
) {
  const { from, to, fromGlobal, toGlobal, label } = options;
  if (!from && !to) return;
  compareRequirements(
    from ?? fromGlobal ?? [],
    to ?? toGlobal ?? [],
    'api-security',
    label,
    report,
  );
}
