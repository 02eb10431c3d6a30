/**
 * Scaffolder actions for Rollback Guard: `rollback-guard:annotate`,
 * `rollback-guard:readiness` and `rollback-guard:request-action`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleRollbackGuard as default } from './module';
export { createRollbackGuardAnnotateAction } from './actions/annotate';
export { createRollbackGuardReadinessAction } from './actions/readiness';
export { createRollbackGuardRequestAction } from './actions/requestAction';
export { RollbackGuardApi } from './actions/rollbackGuardApi';
