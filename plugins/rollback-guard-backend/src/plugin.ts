import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { CatalogClient } from '@backstage/catalog-client';
import { rollbackGuardProvidersExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import { readRollbackGuardConfig } from './config';
import { DatabaseRollbackGuardStore } from './database/DatabaseRollbackGuardStore';
import { LedgerService } from './ledger/LedgerService';
import { LedgerProvider } from './providers/LedgerProvider';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { EntityReader } from './service/EntityReader';
import { createRouter } from './service/router';
import { RolloutService } from './service/RolloutService';
import { SummaryService } from './service/SummaryService';

/**
 * The Rollback Guard backend plugin.
 *
 * @public
 */
export const rollbackGuardPlugin = createBackendPlugin({
  pluginId: 'rollback-guard',
  register(env) {
    // Modules add their providers here during their own init, which runs
    // before the plugin's.
    const providers = new ProviderRegistry();
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
        scheduler: coreServices.scheduler,
      },
      async init({
        auth,
        config,
        database,
        discovery,
        httpAuth,
        httpRouter,
        logger,
        scheduler,
      }) {
        const settings = readRollbackGuardConfig(config);
        const store = await DatabaseRollbackGuardStore.create({ database });
        providers.add(new LedgerProvider(store));
        providers.setDefault(settings.defaultProvider);

        const entities = new EntityReader({
          catalog: new CatalogClient({ discoveryApi: discovery }),
          auth,
        });
        const router = await createRouter({
          httpAuth,
          summaryService: new SummaryService({ entities, providers }),
          rolloutService: new RolloutService({
            entities,
            providers,
            timeoutMs: settings.providerTimeoutMs,
            logger,
          }),
          ledgerService: new LedgerService({
            store,
            entities,
            auth,
            maxEvidenceBytes: settings.ledger.maxEvidenceBytes,
          }),
          // Room for the deployment's own fields around its evidence.
          maxBodyBytes: settings.ledger.maxEvidenceBytes + 256 * 1024,
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        const { retention } = settings.ledger;
        await scheduler.scheduleTask({
          id: 'rollback-guard-ledger-retention',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const removed = await store.applyRetention({
              maxPerEnvironment: retention.maxDeploymentsPerEnvironment,
              olderThan: new Date(
                Date.now() - retention.maxAgeDays * 24 * 60 * 60 * 1000,
              ),
            });
            if (removed > 0) {
              logger.info(`Ledger retention removed ${removed} deployments`);
            }
          },
        });

        logger.info(
          `Rollback Guard ready; providers: ${providers.ids().join(', ')}`,
        );
      },
    });
  },
});
