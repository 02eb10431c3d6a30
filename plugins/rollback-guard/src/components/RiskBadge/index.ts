export { RiskBadge } from './RiskBadge';
