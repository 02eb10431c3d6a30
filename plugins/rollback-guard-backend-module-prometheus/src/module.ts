import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { rollbackGuardHealthSourcesExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { PrometheusSettings } from './PrometheusConfig';
import { PrometheusHealthSource } from './PrometheusHealthSource';

/**
 * Adds Prometheus as a health source of Rollback Guard.
 *
 * @public
 */
export const rollbackGuardModulePrometheus = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'prometheus',
  register(env) {
    env.registerInit({
      deps: {
        health: rollbackGuardHealthSourcesExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ health, config }) {
        health.addHealthSource(
          new PrometheusHealthSource(PrometheusSettings.fromConfig(config)),
        );
      },
    });
  },
});
