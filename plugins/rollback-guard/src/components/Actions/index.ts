export { ActionButton } from './ActionButton';
export { ActionDialog } from './ActionDialog';
export { ActionsCard } from './ActionsCard';
export { CardActions } from './CardActions';
export { AuditTrailCard } from './AuditTrailCard';
export { ApprovalsContent, ApprovalsPage } from './ApprovalsPage';
