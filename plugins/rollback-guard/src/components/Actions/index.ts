export { ActionButton } from './ActionButton';
export { ActionDialog } from './ActionDialog';
export { ActionsCard } from './ActionsCard';
export { AuditTrailCard } from './AuditTrailCard';
