import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { rollbackGuardChecksExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { createOciRegistryChecks } from './createOciRegistryChecks';

/**
 * Adds the OCI registry checks to Rollback Guard: `artifact-availability`
 * (is the candidate's image still in its registry, by digest) and
 * `registry-credentials` (can the backend still pull from there), for the
 * registries listed in `rollbackGuard.registries`.
 *
 * @public
 */
export const rollbackGuardModuleOciRegistry = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'oci-registry',
  register(env) {
    env.registerInit({
      deps: {
        checks: rollbackGuardChecksExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ checks, config }) {
        createOciRegistryChecks({ config }).forEach(check =>
          checks.addCheck(check),
        );
      },
    });
  },
});
