export { RollbackGuardContent } from './RollbackGuardContent';
