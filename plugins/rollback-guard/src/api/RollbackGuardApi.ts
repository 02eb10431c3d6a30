import { createApiRef } from '@backstage/core-plugin-api';
import {
  DeploymentHistoryPage,
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * Which page of an entity's deployment history to get.
 *
 * @public
 */
export type DeploymentHistoryRequest = {
  entityRef: string;
  /** Only the deployments to this environment; all environments when absent. */
  environment?: string;
  /** The `nextCursor` of the previous page; the newest page when absent. */
  cursor?: string;
  /** How many deployments at most; the backend's default (20) when absent. */
  limit?: number;
};

/**
 * The Rollback Guard backend, as the frontend sees it.
 *
 * @public
 */
export interface RollbackGuardApi {
  /** What Rollback Guard knows about one entity. */
  getSummary(entityRef: string): Promise<RollbackGuardSummary>;
  /** The current deployment in each of the entity's environments. */
  getRolloutStatus(entityRef: string): Promise<RolloutStatus>;
  /** A page of the entity's deployments, newest first. */
  getDeploymentHistory(
    request: DeploymentHistoryRequest,
  ): Promise<DeploymentHistoryPage>;
  /**
   * The latest readiness snapshot of the entity: per environment, the
   * candidates to go back to, their check results, the risk and what to do.
   */
  getReadiness(entityRef: string): Promise<ReadinessSnapshot>;
  /** Runs every readiness check again now (may take a few seconds). */
  refreshReadiness(entityRef: string): Promise<ReadinessSnapshot>;
}

/**
 * @public
 */
export const rollbackGuardApiRef = createApiRef<RollbackGuardApi>({
  id: 'plugin.rollback-guard.api',
});
