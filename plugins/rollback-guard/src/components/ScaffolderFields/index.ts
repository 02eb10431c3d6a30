export {
  RollbackGuardCandidatePicker,
  RollbackGuardEnvironmentPicker,
} from './RollbackTargetFields';
