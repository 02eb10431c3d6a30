export { HealthPanel } from './HealthPanel';
export { HealthVerdictBadge } from './HealthVerdictBadge';
export { SignalChart } from './SignalChart';
