import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * Where deployments of an entity are read from and actions are sent to.
 * Each provider is a backend module; an entity picks one with the
 * `rollback-guard/provider` annotation (default: `ledger`, built in).
 *
 * @public
 */
export interface DeploymentProvider {
  /** The name an entity uses in its `rollback-guard/provider` annotation. */
  readonly id: string;
  /** A short human-readable name, e.g. "Argo Rollouts". */
  readonly title: string;
  /**
   * Why the provider cannot serve this entity (e.g. a missing annotation it
   * needs), or undefined when it can.
   */
  validateEntity?(entity: Entity): string | undefined;
}

/**
 * The extension point through which backend modules add deployment providers.
 *
 * @public
 */
export interface RollbackGuardProvidersExtensionPoint {
  addProvider(provider: DeploymentProvider): void;
}

/**
 * @public
 */
export const rollbackGuardProvidersExtensionPoint =
  createExtensionPoint<RollbackGuardProvidersExtensionPoint>({
    id: 'rollback-guard.providers',
  });
