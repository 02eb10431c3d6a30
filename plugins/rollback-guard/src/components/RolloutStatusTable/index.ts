export { RolloutStatusTable } from './RolloutStatusTable';
export type { EnvironmentRollout } from './RolloutStatusTable';
