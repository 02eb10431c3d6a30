import { createApiRef } from '@backstage/core-plugin-api';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * The Rollback Guard backend, as the frontend sees it.
 *
 * @public
 */
export interface RollbackGuardApi {
  /** What Rollback Guard knows about one entity. */
  getSummary(entityRef: string): Promise<RollbackGuardSummary>;
}

/**
 * @public
 */
export const rollbackGuardApiRef = createApiRef<RollbackGuardApi>({
  id: 'plugin.rollback-guard.api',
});
