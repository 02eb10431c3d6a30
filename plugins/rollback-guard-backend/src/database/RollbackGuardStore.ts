import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * Persistence for Rollback Guard.
 *
 * @internal
 */
export interface RollbackGuardStore {
  /**
   * Records a deployment unless one with the same id exists; returns the
   * stored deployment and whether this call created it.
   */
  recordDeployment(
    deployment: Deployment,
  ): Promise<{ deployment: Deployment; created: boolean }>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** An entity's deployments, newest first. */
  listDeployments(
    entityRef: string,
    options: { environment?: string; limit: number; offset?: number },
  ): Promise<Deployment[]>;
  /** The newest deployment of an entity in each environment. */
  currentDeployments(entityRef: string): Promise<Deployment[]>;
}
