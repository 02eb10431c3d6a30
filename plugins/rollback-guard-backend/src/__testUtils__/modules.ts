import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  DeploymentProvider,
  ReadinessCheck,
  rollbackGuardChecksExtensionPoint,
  rollbackGuardProvidersExtensionPoint,
} from '@rollback-guard/plugin-rollback-guard-node';

/**
 * A backend module that adds providers and checks through the plugin's
 * extension points, as a third-party module would.
 */
export function testModule(
  moduleId: string,
  add: { providers?: DeploymentProvider[]; checks?: ReadinessCheck[] },
) {
  return createBackendModule({
    pluginId: 'rollback-guard',
    moduleId,
    register(env) {
      env.registerInit({
        deps: {
          providers: rollbackGuardProvidersExtensionPoint,
          checks: rollbackGuardChecksExtensionPoint,
        },
        async init({ providers, checks }) {
          add.providers?.forEach(provider => providers.addProvider(provider));
          add.checks?.forEach(check => checks.addCheck(check));
        },
      });
    },
  });
}
