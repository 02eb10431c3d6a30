import {
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';

type Stored = { environments?: unknown; candidates?: unknown };

function upgradeEnvironment(environment: any): void {
  for (const candidate of environment?.candidates ?? []) {
    for (const check of candidate?.checks ?? []) {
      if (check && !('facts' in check) && Array.isArray(check.evidence)) {
        check.facts = check.evidence;
        delete check.evidence;
      }
    }
  }
}

/**
 * Reads readiness stored before check results called what a check read
 * `facts` (it was `evidence`, a name that belongs to what CI attaches): a
 * snapshot in the readiness store, or the readiness of one environment an
 * action request was made against. Every check result comes back with
 * `facts`.
 */
export function parseStoredReadiness<
  T extends ReadinessSnapshot | EnvironmentReadiness,
>(json: string): T {
  const value: Stored = JSON.parse(json);
  if (Array.isArray(value.environments)) {
    value.environments.forEach(upgradeEnvironment);
  } else {
    upgradeEnvironment(value);
  }
  return value as T;
}
