export { AnnotationStatusList } from './AnnotationStatusList';
