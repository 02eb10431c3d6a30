import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  ActionExecutor,
  rollbackGuardActionsExtensionPoint,
  WebhookFormat,
  rollbackGuardChecksExtensionPoint,
  rollbackGuardEvidenceExtensionPoint,
  rollbackGuardHealthSourcesExtensionPoint,
  rollbackGuardProvidersExtensionPoint,
} from '@rollback-guard/plugin-rollback-guard-node';
import { rollbackGuardPermissions } from '@rollback-guard/plugin-rollback-guard-common';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ActionService } from './actions/ActionService';
import { DatabaseActionStore } from './actions/DatabaseActionStore';
import { PermissivePolicyProbe } from './actions/permissivePolicy';
import { WebhookExecutor } from './actions/executor/WebhookExecutor';
import { ExecutorRouter } from './actions/executor/ExecutorRouter';
import { readRollbackGuardConfig } from './config';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { DatabaseReadinessStore } from './database/DatabaseReadinessStore';
import { LedgerService } from './ledger/LedgerService';
import { EvidenceValidators } from './ledger/EvidenceValidators';
import { DeploymentChanges } from './ledger/DeploymentChanges';
import { ActionsSweep } from './jobs/ActionsSweep';
import { LedgerRetention } from './jobs/LedgerRetention';
import { ReadinessRefresh } from './jobs/ReadinessRefresh';
import { LedgerProvider } from './deployments/LedgerProvider';
import { ProviderRegistry } from './deployments/ProviderRegistry';
import { CheckRegistry, ReadinessEngine } from './readiness/ReadinessEngine';
import { ReadinessService } from './readiness/ReadinessService';
import { HealthHalt } from './health/HealthHalt';
import { HealthReader, HealthSources } from './health/HealthReader';
import { readHealthSettings } from './health/healthConfig';
import { EntityReader } from './entities/EntityReader';
import { createRouter } from './router/router';
import { RolloutService } from './deployments/RolloutService';
import { AnnotationReportService } from './deployments/AnnotationReportService';

/**
 * The Rollback Guard backend plugin.
 *
 * @public
 */
export const rollbackGuardPlugin = createBackendPlugin({
  pluginId: 'rollback-guard',
  register(env) {
    // Modules add their providers and checks here during their own init,
    // which runs before the plugin's.
    const providers = new ProviderRegistry();
    env.registerExtensionPoint(rollbackGuardProvidersExtensionPoint, {
      addProvider: provider => providers.add(provider),
    });
    const checks = new CheckRegistry();
    env.registerExtensionPoint(rollbackGuardChecksExtensionPoint, {
      addCheck: check => checks.add(check),
    });
    const evidenceValidators = new EvidenceValidators();
    env.registerExtensionPoint(rollbackGuardEvidenceExtensionPoint, {
      addValidator: validator => evidenceValidators.add(validator),
    });
    const executors: ActionExecutor[] = [];
    const webhookFormats: WebhookFormat<any>[] = [];
    env.registerExtensionPoint(rollbackGuardActionsExtensionPoint, {
      addExecutor: executor => executors.push(executor),
      addWebhookFormat: format => webhookFormats.push(format),
    });
    const healthSources = new HealthSources();
    env.registerExtensionPoint(rollbackGuardHealthSourcesExtensionPoint, {
      addHealthSource: source => healthSources.add(source),
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        notifications: notificationService,
        signals: signalsServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        config: coreServices.rootConfig,
        database: coreServices.database,
        catalog: catalogServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        auth,
        auditor,
        notifications,
        signals,
        permissions,
        permissionsRegistry,
        config,
        database,
        catalog,
        httpAuth,
        httpRouter,
        lifecycle,
        logger,
        scheduler,
      }) {
        const settings = readRollbackGuardConfig(config, logger);
        permissionsRegistry.addPermissions(rollbackGuardPermissions);
        const deploymentStore = await DatabaseDeploymentStore.create({
          database,
        });
        const ledger = new LedgerProvider(deploymentStore);
        providers.add(ledger);
        providers.setDefault(settings.defaultProvider);
        checks.disable(settings.readiness.disabledChecks);

        const entities = new EntityReader({
          catalog,
          auth,
          permissions,
          cacheTtlMs: settings.entityCacheTtlMs,
        });
        const rolloutService = new RolloutService({
          entities,
          providers,
          timeoutMs: settings.providerTimeoutMs,
          logger,
        });
        const healthSettings = readHealthSettings(config, logger);
        // Set once the action workflow exists; it needs readiness first.
        let healthHalt: HealthHalt | undefined;
        const readinessService = new ReadinessService({
          entities,
          engine: new ReadinessEngine({
            rollouts: rolloutService,
            checks,
            evidence: ledger,
            candidates: settings.readiness.candidates,
            checkTimeoutMs: settings.readiness.checkTimeoutMs,
            logger,
            health: new HealthReader({
              sources: healthSources,
              settings: healthSettings,
              timeoutMs: settings.providerTimeoutMs,
              logger,
            }),
          }),
          store: await DatabaseReadinessStore.create({ database }),
          catalog,
          auth,
          logger,
          afterCompute: async (entity, snapshot) =>
            healthHalt?.afterReadiness(entity, snapshot),
          refreshMinIntervalMs:
            settings.readiness.refreshMinIntervalSeconds * 1000,
        });
        // Actions go to the webhook an entity names, else to its provider's
        // executor, added by modules.
        const executor = new ExecutorRouter({
          webhooks: WebhookExecutor.fromConfig(config, {
            formats: webhookFormats,
          }),
          defaultProvider: settings.defaultProvider,
        });
        executors.forEach(e => executor.add(e));
        const actionService = new ActionService({
          // Migrated with the rest of the plugin's tables above.
          store: await DatabaseActionStore.create({
            database,
            skipMigrations: true,
          }),
          entities,
          readiness: readinessService,
          permissions,
          auditor,
          executor,
          policy: settings.actions,
          readBack: async entityRef => {
            const read = await entities.getEntity(
              entityRef,
              await auth.getOwnServiceCredentials(),
            );
            return rolloutService.rolloutStatusOf(read.entity, read.entityRef);
          },
          // A version the ledger recorded, or one a provider runs now.
          knownVersion: async (entityRef, version) => {
            if (await deploymentStore.hasVersion(entityRef, version)) {
              return true;
            }
            const read = await entities.getEntity(
              entityRef,
              await auth.getOwnServiceCredentials(),
            );
            const status = await rolloutService.rolloutStatusOf(
              read.entity,
              read.entityRef,
            );
            return status.environments.some(
              e => e.current?.version === version,
            );
          },
          permissive: new PermissivePolicyProbe({ permissions, logger }),
          ownersOf: async entityRef => {
            const { entity } = await entities.getEntity(
              entityRef,
              await auth.getOwnServiceCredentials(),
            );
            return (entity.relations ?? [])
              .filter(r => r.type === RELATION_OWNED_BY)
              .map(r => r.targetRef);
          },
          notifications,
          signals,
          logger,
        });
        lifecycle.addShutdownHook(() => actionService.close());
        if (healthSettings.haltOnFailure) {
          healthHalt = new HealthHalt({
            requestPause: (input, prompt) =>
              actionService.requestAsPlugin(input, prompt),
            logger,
          });
        }
        // The readiness computed before a change no longer holds; then
        // verification: the pipeline reports back through the ledger (and
        // the signal it sends makes pages read again).
        const changes = new DeploymentChanges(logger);
        changes.subscribe('readiness', deployment =>
          readinessService.deploymentsChanged(deployment.entityRef),
        );
        changes.subscribe('action verification', deployment =>
          actionService.verify(deployment),
        );
        const router = await createRouter({
          httpAuth,
          annotationReports: new AnnotationReportService({
            entities,
            providers,
          }),
          rolloutService,
          readinessService,
          actionService,
          ledgerService: new LedgerService({
            store: deploymentStore,
            entities,
            auth,
            maxEvidenceBytes: settings.ledger.maxEvidenceBytes,
            validators: evidenceValidators,
            changes,
            logger,
          }),
          // Room for the deployment's own fields around its evidence.
          maxBodyBytes: settings.ledger.maxEvidenceBytes + 256 * 1024,
          ledgerWriters: settings.ledger.writers,
        });
        if (!settings.ledger.writers) {
          logger.warn(
            'rollbackGuard.ledger.writers is not set: any service principal may record deployments in the Rollback Guard ledger; list your CI token subjects there',
          );
        }
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        const { retention } = settings.ledger;
        const jobs = [
          new LedgerRetention({ store: deploymentStore, ...retention }),
          new ActionsSweep(actionService),
          new ReadinessRefresh(
            readinessService,
            settings.readiness.refreshIntervalMinutes,
          ),
        ];
        for (const job of jobs) {
          await job.scheduleWith(scheduler, message => logger.info(message));
        }

        logger.info(
          `Rollback Guard ready; providers: ${providers
            .ids()
            .join(', ')}; health sources: ${
            healthSources.ids().join(', ') || 'none'
          }; checks: ${
            checks
              .all()
              .map(check => check.id)
              .join(', ') || 'none'
          }`,
        );
      },
    });
  },
});
