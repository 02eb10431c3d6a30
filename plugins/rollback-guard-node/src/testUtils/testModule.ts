import { createBackendModule } from '@backstage/backend-plugin-api';
import { ActionExecutor, rollbackGuardActionsExtensionPoint } from '../actions';
import { ReadinessCheck, rollbackGuardChecksExtensionPoint } from '../checks';
import {
  DeploymentProvider,
  rollbackGuardProvidersExtensionPoint,
} from '../extensions';
import {
  HealthSource,
  rollbackGuardHealthSourcesExtensionPoint,
} from '../health';

/**
 * What a test module adds to Rollback Guard.
 *
 * @public
 */
export type TestModuleParts = {
  providers?: DeploymentProvider[];
  checks?: ReadinessCheck[];
  executors?: ActionExecutor[];
  healthSources?: HealthSource[];
};

/**
 * A backend module that adds providers, checks, action executors and health
 * sources through the plugin's real extension points, as a module would: for
 * `startTestBackend({ features: [rollbackGuardPlugin, createTestModule(...)] })`.
 *
 * @public
 */
export function createTestModule(moduleId: string, parts: TestModuleParts) {
  return createBackendModule({
    pluginId: 'rollback-guard',
    moduleId,
    register(env) {
      env.registerInit({
        deps: {
          providers: rollbackGuardProvidersExtensionPoint,
          checks: rollbackGuardChecksExtensionPoint,
          actions: rollbackGuardActionsExtensionPoint,
          health: rollbackGuardHealthSourcesExtensionPoint,
        },
        async init({ providers, checks, actions, health }) {
          parts.providers?.forEach(p => providers.addProvider(p));
          parts.checks?.forEach(c => checks.addCheck(c));
          parts.executors?.forEach(e => actions.addExecutor(e));
          parts.healthSources?.forEach(s => health.addHealthSource(s));
        },
      });
    },
  });
}
