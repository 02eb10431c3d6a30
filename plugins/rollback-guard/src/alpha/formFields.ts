export {
  rollbackGuardCandidatePickerField,
  rollbackGuardEnvironmentPickerField,
} from '../scaffolderFields';
