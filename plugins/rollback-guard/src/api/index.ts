export { rollbackGuardApiRef } from './RollbackGuardApi';
export type {
  ActionDecisionInput,
  ActionRequestInput,
  ActionTarget,
  DeploymentHistoryRequest,
  RollbackGuardApi,
} from './RollbackGuardApi';
export { RollbackGuardClient } from './RollbackGuardClient';
