import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { rollbackGuardProvidersExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import Router from 'express-promise-router';
import request from 'supertest';
import { rollbackGuardPlugin } from './plugin';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'staging, production',
        'rollback-guard/provider': 'argo-rollouts',
      },
    },
  },
];

/**
 * A stand-in for the catalog backend, so that the plugin's real
 * CatalogClient makes a real HTTP request through discovery and auth.
 */
function fakeCatalog(seenPrincipals: unknown[]) {
  return createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.get(
            '/entities/by-name/:kind/:namespace/:name',
            async (req, res) => {
              const credentials = await httpAuth.credentials(req);
              seenPrincipals.push(credentials.principal);
              const entity = entities.find(
                e =>
                  e.kind.toLocaleLowerCase('en-US') === req.params.kind &&
                  e.metadata.name === req.params.name,
              );
              if (!entity) {
                res
                  .status(404)
                  .json({
                    error: { name: 'NotFoundError', message: 'not found' },
                  });
                return;
              }
              res.json(entity);
            },
          );
          httpRouter.use(router);
        },
      });
    },
  });
}

const argoModule = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'argo-rollouts',
  register(env) {
    env.registerInit({
      deps: { providers: rollbackGuardProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProvider({ id: 'argo-rollouts', title: 'Argo Rollouts' });
      },
    });
  },
});

describe('rollbackGuardPlugin', () => {
  it('serves /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin],
    });
    const response = await request(server)
      .get('/api/rollback-guard/health')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(200);
  });

  it('reads the entity from the catalog on behalf of the user', async () => {
    const seen: unknown[] = [];
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog(seen)],
    });
    const response = await request(server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header('user:default/ana'))
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.status).toBe(200);
    expect(response.body.entityRef).toBe('component:default/payments-api');
    expect(response.body.valid).toBe(false);
    expect(seen).toEqual([{ type: 'user', userEntityRef: 'user:default/ana' }]);
  });

  it('accepts providers added by modules through the extension point', async () => {
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog([]), argoModule],
    });
    const response = await request(server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header())
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      provider: 'argo-rollouts',
      valid: true,
    });
  });

  it('answers 404 for an entity the catalog does not know', async () => {
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog([])],
    });
    const response = await request(server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header())
      .query({ entityRef: 'component:default/nope' });
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      'No entity component:default/nope in the catalog',
    );
  });

  it('refuses to start when the default provider is not installed', async () => {
    await expect(
      startTestBackend({
        features: [
          rollbackGuardPlugin,
          mockServices.rootConfig.factory({
            data: { rollbackGuard: { defaultProvider: 'spinnaker' } },
          }),
        ],
      }),
    ).rejects.toThrow(/defaultProvider is "spinnaker", which is not installed/);
  });
});
