import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  rollbackGuardActionsExtensionPoint,
  rollbackGuardProvidersExtensionPoint,
} from '@rollback-guard/plugin-rollback-guard-node';
import { readKubernetesSettings } from './config';
import { KubernetesExecutor } from './KubernetesExecutor';
import { KubernetesProvider } from './KubernetesProvider';

/**
 * Adds the `kubernetes` provider to Rollback Guard: Argo Rollouts and
 * Deployments read from the clusters configuration lists, and approved
 * actions carried out on them.
 *
 * @public
 */
export const rollbackGuardModuleKubernetes = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'kubernetes',
  register(env) {
    env.registerInit({
      deps: {
        providers: rollbackGuardProvidersExtensionPoint,
        actions: rollbackGuardActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, actions, config, logger }) {
        const settings = readKubernetesSettings(config);
        providers.addProvider(new KubernetesProvider(settings));
        actions.addExecutor(new KubernetesExecutor(settings));
        logger.info(
          `Kubernetes provider: clusters ${
            [...settings.clusters.keys()].join(', ') || '(none configured)'
          }`,
        );
      },
    });
  },
});
