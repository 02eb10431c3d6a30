export { rollbackGuardApiRef } from './RollbackGuardApi';
export type {
  DeploymentHistoryRequest,
  RollbackGuardApi,
} from './RollbackGuardApi';
export { RollbackGuardClient } from './RollbackGuardClient';
