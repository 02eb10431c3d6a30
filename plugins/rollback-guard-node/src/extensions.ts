import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * What a provider is asked about: one entity, with the environments its
 * annotations declare.
 *
 * @public
 */
export type DeploymentProviderRequest = {
  entity: Entity;
  /** e.g. `component:default/payments-api` */
  entityRef: string;
  /** From `rollback-guard/environments`; empty when the entity declares none. */
  environments: string[];
  /** Aborted when the provider's time budget runs out; pass it to your HTTP calls. */
  signal: AbortSignal;
};

/**
 * A position in an entity's history, newest first: a page continues with the
 * deployments strictly older than this one.
 *
 * @public
 */
export type DeploymentCursor = { startedAt: string; id: string };

/**
 * Where deployments of an entity are read from and actions are sent to.
 * Each provider is a backend module; an entity lists the ones it uses in its
 * `rollback-guard/provider` annotation (default: the built-in `ledger`).
 *
 * A provider that throws or exceeds its time budget makes its part of the
 * answer `unknown`, with the reason; the other providers' parts still show.
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
  /** The newest deployment in each environment. */
  getCurrentDeployments(
    request: DeploymentProviderRequest,
  ): Promise<Deployment[]>;
  /** Deployments newest first (by start time, then id), at most `limit`. */
  listDeployments(
    request: DeploymentProviderRequest & {
      environment?: string;
      limit: number;
      before?: DeploymentCursor;
    },
  ): Promise<Deployment[]>;
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
