export { ReadinessCard } from './ReadinessCard';
export { ReadinessSummary } from './ReadinessSummary';
