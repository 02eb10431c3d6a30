/**
 * Prometheus as a health source of Rollback Guard: error rate, latency and
 * availability of a deployment, a canary against its stable version.
 *
 * @packageDocumentation
 */

export { rollbackGuardModulePrometheus as default } from './module';
export { PrometheusHealthSource } from './PrometheusHealthSource';
export { PrometheusClient } from './PrometheusClient';
export {
  PrometheusSettings,
  type PrometheusServer,
  type QuerySet,
} from './PrometheusConfig';
export {
  QueryTemplate,
  escapeRegex,
  escapeString,
  PLACEHOLDERS,
  type Placeholder,
} from './promql';
