export { RollbackGuardCard } from './RollbackGuardCard';
