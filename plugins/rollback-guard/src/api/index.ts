export { rollbackGuardApiRef } from './RollbackGuardApi';
export type { RollbackGuardApi } from './RollbackGuardApi';
export { RollbackGuardClient } from './RollbackGuardClient';
