import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  ActionExecutor,
  DeploymentProvider,
  ReadinessCheck,
  rollbackGuardActionsExtensionPoint,
  rollbackGuardChecksExtensionPoint,
  rollbackGuardProvidersExtensionPoint,
} from '@rollback-guard/plugin-rollback-guard-node';

/**
 * A backend module that adds providers and checks through the plugin's
 * extension points, as a third-party module would.
 */
export function testModule(
  moduleId: string,
  add: {
    providers?: DeploymentProvider[];
    checks?: ReadinessCheck[];
    executors?: ActionExecutor[];
  },
) {
  return createBackendModule({
    pluginId: 'rollback-guard',
    moduleId,
    register(env) {
      env.registerInit({
        deps: {
          providers: rollbackGuardProvidersExtensionPoint,
          checks: rollbackGuardChecksExtensionPoint,
          actions: rollbackGuardActionsExtensionPoint,
        },
        async init({ providers, checks, actions }) {
          add.providers?.forEach(provider => providers.addProvider(provider));
          add.checks?.forEach(check => checks.addCheck(check));
          add.executors?.forEach(executor => actions.addExecutor(executor));
        },
      });
    },
  });
}
