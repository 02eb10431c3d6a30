import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { CatalogClient } from '@backstage/catalog-client';
import { rollbackGuardProvidersExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { DatabaseRollbackGuardStore } from './database/DatabaseRollbackGuardStore';
import { ledgerProvider, ProviderRegistry } from './providers/ProviderRegistry';
import { createRouter } from './service/router';
import { SummaryService } from './service/SummaryService';

/**
 * The Rollback Guard backend plugin.
 *
 * @public
 */
export const rollbackGuardPlugin = createBackendPlugin({
  pluginId: 'rollback-guard',
  register(env) {
    const providers = new ProviderRegistry();
    providers.add(ledgerProvider);
    env.registerExtensionPoint(rollbackGuardProvidersExtensionPoint, {
      addProvider: provider => providers.add(provider),
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({
        auth,
        config,
        database,
        discovery,
        httpAuth,
        httpRouter,
        logger,
      }) {
        const defaultProvider =
          config.getOptionalString('rollbackGuard.defaultProvider') ??
          ledgerProvider.id;
        if (!providers.get(defaultProvider)) {
          throw new Error(
            `rollbackGuard.defaultProvider is "${defaultProvider}", which is not installed; installed providers: ${providers
              .ids()
              .join(', ')}`,
          );
        }
        await DatabaseRollbackGuardStore.create({ database });

        const summaryService = new SummaryService({
          catalog: new CatalogClient({ discoveryApi: discovery }),
          auth,
          providers,
          defaultProvider,
        });

        httpRouter.use(await createRouter({ httpAuth, summaryService }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Rollback Guard ready; providers: ${providers.ids().join(', ')}`,
        );
      },
    });
  },
});
