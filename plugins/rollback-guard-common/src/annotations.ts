import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { parseApprovalsAnnotation } from './policy';
import { healthAnnotationValidators } from './health';

/**
 * The prefix every Rollback Guard annotation shares.
 *
 * @public
 */
export const ROLLBACK_GUARD_ANNOTATION_PREFIX = 'rollback-guard/';

/**
 * The environments the entity is deployed to, comma separated, in promotion
 * order (for example `staging, production`).
 *
 * @public
 */
export const ANNOTATION_ENVIRONMENTS = 'rollback-guard/environments';

/**
 * The OCI repository the entity's artifacts are pushed to, without tag or
 * digest (for example `registry.example.com/payments/payments-api`).
 *
 * @public
 */
export const ANNOTATION_ARTIFACT = 'rollback-guard/artifact';

/**
 * Where the entity's deployments are read from and actions are sent to: one
 * provider or several, comma separated. Defaults to the configured
 * `rollbackGuard.defaultProvider` (`ledger`, the built-in deployment ledger).
 *
 * @public
 */
export const ANNOTATION_PROVIDER = 'rollback-guard/provider';

/**
 * The ID under which the provider knows the entity, when it differs from the
 * entity name (for example an Argo Rollout name or a CodeDeploy application).
 *
 * @public
 */
export const ANNOTATION_PROVIDER_ID = 'rollback-guard/provider-id';

/**
 * Where each environment of the entity runs on Kubernetes, for the
 * `kubernetes` provider: comma-separated `environment=cluster/namespace`
 * pairs, the cluster by its name in the backend's configuration (for example
 * `staging=staging-eu/payments, production=prod-eu/payments`). Without a
 * namespace, `backstage.io/kubernetes-namespace` or `default` applies.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_ENVIRONMENTS =
  'rollback-guard/kubernetes-environments';

/**
 * The webhook that executes the entity's approved actions, by its name in the
 * backend's `rollbackGuard.actions.webhooks` configuration (for example
 * `deploy-production`). It holds a name, never a URL: which hosts the backend
 * calls is decided by configuration alone, so editing a catalog file cannot
 * make the backend reach anywhere else.
 *
 * @public
 */
export const ANNOTATION_ACTION_WEBHOOK = 'rollback-guard/action-webhook';

/**
 * Refines who must approve the entity's actions, as far as the backend's
 * `rollbackGuard.actions.entityRefinement` allows (by default only to ask for
 * more approvals): comma-separated `rule=count` pairs, for example
 * `roll-back.medium=2, resume=2`. Rules are `pause`, `resume`, `abort`,
 * `roll-forward`, `roll-back.<risk>` and `roll-back` for every risk.
 *
 * @public
 */
export const ANNOTATION_APPROVALS = 'rollback-guard/approvals';

/**
 * The SQL dialect of the entity's database migrations: `postgresql` (the
 * default) or `mysql`.
 *
 * @public
 */
export const ANNOTATION_DATABASE_DIALECT = 'rollback-guard/database-dialect';

/**
 * @public
 */
export const DATABASE_DIALECTS = ['postgresql', 'mysql'] as const;

/**
 * The tool that applies the entity's migrations when it starts, for example
 * `knex`: some refuse to start when the database holds a migration they do
 * not know, which is what a rollback across a migration leaves behind.
 *
 * @public
 */
export const ANNOTATION_MIGRATOR = 'rollback-guard/migrator';

/**
 * @public
 */
export const MIGRATORS = [
  'knex',
  'sqlx',
  'flyway',
  'golang-migrate',
  'prisma',
  'liquibase',
  'alembic',
  'django',
  'rails',
  'other',
] as const;

/**
 * The outcome of validating one `rollback-guard/` annotation.
 *
 * @public
 */
export type AnnotationStatus = {
  /** The full annotation key, e.g. `rollback-guard/environments`. */
  name: string;
  value: string;
  valid: boolean;
  /** Why the annotation is invalid and how to fix it; absent when valid. */
  message?: string;
};

// Environment and provider names: DNS labels.
/**
 * What an environment is called: lowercase letters, digits and dashes, at
 * most 63 characters (a DNS label), e.g. `production`.
 *
 * @public
 */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ENVIRONMENT_NAME = ENVIRONMENT_NAME_PATTERN;
const PROVIDER_NAME = ENVIRONMENT_NAME;
const WEBHOOK_NAME = ENVIRONMENT_NAME;
// The repository part of an OCI reference: a registry host (with an optional
// port) and a path of lowercase components, as the distribution spec defines.
const OCI_REPOSITORY =
  /^(?<host>[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]{1,5})?)\/(?<name>[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*)$/;

/**
 * Splits a comma-separated annotation value (environments, providers) into
 * its names.
 *
 * @public
 */
export function parseAnnotationList(value: string): string[] {
  return value
    .split(',')
    .map(name => name.trim())
    .filter(name => name.length > 0);
}

/**
 * One entry of `rollback-guard/kubernetes-environments`.
 *
 * @public
 */
export type KubernetesEnvironmentEntry = {
  environment: string;
  cluster: string;
  namespace?: string;
};

/**
 * Parses `rollback-guard/kubernetes-environments`, or says what is wrong.
 *
 * @public
 */
export function parseKubernetesEnvironments(
  value: string,
): { entries: KubernetesEnvironmentEntry[] } | { error: string } {
  const parts = parseAnnotationList(value);
  if (parts.length === 0) {
    return {
      error:
        'lists no environment; expected "environment=cluster/namespace" pairs separated by commas, e.g. "production=prod-eu/payments"',
    };
  }
  const entries: KubernetesEnvironmentEntry[] = [];
  for (const part of parts) {
    const match = /^([^=\s]+)\s*=\s*([^/\s]+)(?:\/([^/\s]+))?$/.exec(part);
    if (!match) {
      return {
        error: `has "${part}", expected "environment=cluster/namespace", e.g. "production=prod-eu/payments"`,
      };
    }
    const [, environment, cluster, namespace] = match;
    for (const [what, name] of [
      ['environment', environment],
      ['cluster', cluster],
      ['namespace', namespace],
    ] as const) {
      if (name !== undefined && !ENVIRONMENT_NAME_PATTERN.test(name)) {
        return {
          error: `has invalid ${what} name "${name}"; use lowercase letters, digits and dashes, at most 63 characters`,
        };
      }
    }
    if (entries.some(e => e.environment === environment)) {
      return { error: `lists "${environment}" more than once` };
    }
    entries.push({ environment, cluster, namespace });
  }
  return { entries };
}

function validateList(
  value: string,
  pattern: RegExp,
  what: string,
  example: string,
): string | undefined {
  const names = parseAnnotationList(value);
  if (names.length === 0) {
    return `lists no ${what}; expected names separated by commas, e.g. "${example}"`;
  }
  const bad = names.filter(name => !pattern.test(name));
  if (bad.length > 0) {
    return `has invalid ${what} name${bad.length > 1 ? 's' : ''} ${bad
      .map(name => `"${name}"`)
      .join(
        ', ',
      )}; use lowercase letters, digits and dashes, at most 63 characters`;
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  return duplicate ? `lists "${duplicate}" more than once` : undefined;
}

type Validator = (value: string) => string | undefined;

function oneOf(value: string, allowed: readonly string[]): string | undefined {
  return allowed.includes(value.trim())
    ? undefined
    : `must be one of ${allowed.join(', ')}`;
}

const validators: Record<string, Validator> = {
  [ANNOTATION_ENVIRONMENTS]: value =>
    validateList(value, ENVIRONMENT_NAME, 'environment', 'staging, production'),
  [ANNOTATION_ARTIFACT]: value => {
    const trimmed = value.trim();
    const pathPart = trimmed.slice(trimmed.indexOf('/') + 1);
    if (trimmed.includes('/') && /[@:]/.test(pathPart)) {
      return 'must name a repository without tag or digest, e.g. "registry.example.com/team/service"; the version comes from each deployment';
    }
    if (!OCI_REPOSITORY.test(trimmed)) {
      return 'is not an OCI repository reference; expected "<registry-host>/<path>", e.g. "registry.example.com/team/service"';
    }
    return undefined;
  },
  [ANNOTATION_PROVIDER]: value =>
    validateList(value, PROVIDER_NAME, 'provider', 'ledger'),
  [ANNOTATION_PROVIDER_ID]: value =>
    value.trim().length > 0 && value.trim().length <= 253
      ? undefined
      : 'must be a non-empty identifier of at most 253 characters',
  [ANNOTATION_KUBERNETES_ENVIRONMENTS]: value => {
    const parsed = parseKubernetesEnvironments(value);
    return 'error' in parsed ? parsed.error : undefined;
  },
  [ANNOTATION_ACTION_WEBHOOK]: value => {
    const trimmed = value.trim();
    if (WEBHOOK_NAME.test(trimmed)) return undefined;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
      return 'must name a webhook configured in rollbackGuard.actions.webhooks, not hold a URL: the backend calls only the hosts its configuration lists';
    }
    return 'must name one webhook configured in rollbackGuard.actions.webhooks: lowercase letters, digits and dashes, at most 63 characters, e.g. "deploy-production"';
  },
  [ANNOTATION_APPROVALS]: value => parseApprovalsAnnotation(value).error,
  [ANNOTATION_DATABASE_DIALECT]: value => oneOf(value, DATABASE_DIALECTS),
  [ANNOTATION_MIGRATOR]: value => oneOf(value, MIGRATORS),
  ...healthAnnotationValidators,
};

/**
 * The annotation keys Rollback Guard understands.
 *
 * @public
 */
export const ROLLBACK_GUARD_ANNOTATIONS = Object.keys(validators);

/**
 * Whether an entity carries any Rollback Guard annotation.
 *
 * @public
 */
export function hasRollbackGuardAnnotations(entity: Entity): boolean {
  return Object.keys(entity.metadata.annotations ?? {}).some(key =>
    key.startsWith(ROLLBACK_GUARD_ANNOTATION_PREFIX),
  );
}

/**
 * Validates every `rollback-guard/` annotation of an entity, in key order.
 * Unknown keys under the prefix are reported, since they are most often typos.
 *
 * @public
 */
export function validateRollbackGuardAnnotations(
  entity: Entity,
): AnnotationStatus[] {
  return Object.entries(entity.metadata.annotations ?? {})
    .filter(([key]) => key.startsWith(ROLLBACK_GUARD_ANNOTATION_PREFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      const validator = validators[name];
      const problem = validator
        ? validator(value)
        : `is not a Rollback Guard annotation; known annotations are ${ROLLBACK_GUARD_ANNOTATIONS.join(
            ', ',
          )}`;
      return problem
        ? { name, value, valid: false, message: `${name} ${problem}` }
        : { name, value, valid: true };
    });
}

/**
 * Where an entity's Rollback Guard tab is: the catalog's entity page, at
 * the `/rollback-guard` path the setup in the README mounts the tab on.
 * Notifications and the card link to it.
 *
 * @public
 */
export function rollbackGuardTabPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/rollback-guard`;
}
