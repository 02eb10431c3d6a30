import { createBackendModule } from '@backstage/backend-plugin-api';
import { rollbackGuardActionsExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { githubWorkflowDispatchFormat } from './githubWorkflowDispatch';

/**
 * Adds the `github-workflow-dispatch` webhook format to Rollback Guard, so
 * that approved actions can start a GitHub Actions workflow.
 *
 * @public
 */
export const rollbackGuardModuleGithubActions = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'github-actions',
  register(env) {
    env.registerInit({
      deps: { actions: rollbackGuardActionsExtensionPoint },
      async init({ actions }) {
        actions.addWebhookFormat(githubWorkflowDispatchFormat);
      },
    });
  },
});
