export { DeploymentHistoryCard } from './DeploymentHistoryCard';
