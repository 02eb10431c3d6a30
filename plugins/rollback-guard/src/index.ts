/**
 * Rollback Guard for Backstage: rollout status and rollback readiness on the
 * service page.
 *
 * @packageDocumentation
 */

export {
  rollbackGuardPlugin,
  EntityRollbackGuardCard,
  EntityRollbackGuardContent,
  EntityApiRollbackGuardCard,
  RollbackGuardApprovalsPage,
  approvalsRouteRef,
  isRollbackGuardAvailable,
  isApiWithProviders,
} from './plugin';
export { rollbackGuardApiRef, RollbackGuardClient } from './api';
export type {
  ActionDecisionInput,
  ActionRequestInput,
  ActionTarget,
  DeploymentHistoryRequest,
  RollbackGuardApi,
} from './api';
