export {
  Age,
  CheckStatusLabel,
  DeploymentStateLabel,
  RolloutProgress,
  StrategyChip,
  TimestampCell,
  UnknownSources,
  Version,
} from './DeploymentParts';
export { DeploymentTable } from './DeploymentTable';
