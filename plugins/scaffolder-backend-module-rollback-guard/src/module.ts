import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createRollbackGuardAnnotateAction } from './actions/annotate';
import { createRollbackGuardReadinessAction } from './actions/readiness';
import { createRollbackGuardRequestAction } from './actions/requestAction';
import { RollbackGuardApi } from './actions/rollbackGuardApi';

/**
 * Adds the Rollback Guard actions to the scaffolder:
 * `rollback-guard:annotate`, `rollback-guard:readiness` and
 * `rollback-guard:request-action`.
 *
 * @public
 */
export const scaffolderModuleRollbackGuard = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'rollback-guard',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, discovery, auth, permissions }) {
        const api = new RollbackGuardApi(discovery, auth);
        scaffolder.addActions(
          createRollbackGuardAnnotateAction(),
          createRollbackGuardReadinessAction({ api }),
          createRollbackGuardRequestAction({ api, permissions }),
        );
      },
    });
  },
});
