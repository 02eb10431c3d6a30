export { ApiRollbackGuardCard, apiRollbacks } from './ApiRollbackGuardCard';
