import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { rollbackGuardChecksExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { ApiCompatibilityCheck } from './ApiCompatibilityCheck';

/**
 * Adds the `api-compatibility` readiness check to Rollback Guard.
 *
 * @public
 */
export const rollbackGuardModuleApiCompatibility = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'api-compatibility',
  register(env) {
    env.registerInit({
      deps: {
        checks: rollbackGuardChecksExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ checks, config, catalog, auth }) {
        checks.addCheck(
          new ApiCompatibilityCheck({
            catalog,
            auth,
            consumedApis:
              config.getOptionalBoolean(
                'rollbackGuard.apiCompatibility.consumedApis',
              ) ?? true,
          }),
        );
      },
    });
  },
});
