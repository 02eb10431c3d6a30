export {
  Age,
  CheckStatusLabel,
  DeploymentStateLabel,
  RolloutProgress,
  StrategyChip,
  UnknownSources,
  Version,
} from './DeploymentParts';
export { DeploymentTable } from './DeploymentTable';
