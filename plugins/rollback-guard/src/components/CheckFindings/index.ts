export { CheckFindings } from './CheckFindings';
