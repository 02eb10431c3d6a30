import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { DeploymentProvider } from '@rollback-guard/plugin-rollback-guard-node';
import request from 'supertest';
import {
  fakeCatalog,
  testEntities,
  testModule,
} from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from './plugin';

const argoRollouts: DeploymentProvider = {
  id: 'argo-rollouts',
  title: 'Argo Rollouts',
  getCurrentDeployments: async () => [],
  listDeployments: async () => [],
};

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
    const seenPrincipals: unknown[] = [];
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog({ seenPrincipals })],
    });
    const response = await request(server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header('user:default/ana'))
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      providers: ['ledger'],
      valid: true,
    });
    expect(seenPrincipals).toEqual([
      { type: 'user', userEntityRef: 'user:default/ana' },
    ]);
  });

  it('accepts providers added by modules through the extension point', async () => {
    const entities = [
      {
        ...testEntities[0],
        metadata: {
          ...testEntities[0].metadata,
          annotations: { 'rollback-guard/provider': 'argo-rollouts' },
        },
      },
    ];
    const withoutModule = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog({ entities })],
    });
    const refused = await request(withoutModule.server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header())
      .query({ entityRef: 'component:default/payments-api' });
    expect(refused.body.valid).toBe(false);
    expect(refused.body.annotations[0].message).toBe(
      'rollback-guard/provider: "argo-rollouts" is not installed in this backend; installed providers: ledger',
    );
    await withoutModule.stop();

    const { server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog({ entities }),
        testModule('argo', { providers: [argoRollouts] }),
      ],
    });
    const response = await request(server)
      .get('/api/rollback-guard/summary')
      .set('Authorization', mockCredentials.user.header())
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.body).toMatchObject({
      providers: ['argo-rollouts'],
      valid: true,
    });
  });

  it('answers 404 for an entity the catalog does not know', async () => {
    const { server } = await startTestBackend({
      features: [rollbackGuardPlugin, fakeCatalog()],
    });
    const response = await request(server)
      .get('/api/rollback-guard/rollout')
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

  it('refuses to start when a setting is not a positive number', async () => {
    await expect(
      startTestBackend({
        features: [
          rollbackGuardPlugin,
          mockServices.rootConfig.factory({
            data: { rollbackGuard: { providerTimeoutMs: -1 } },
          }),
        ],
      }),
    ).rejects.toThrow(
      'rollbackGuard.providerTimeoutMs must be a positive number, got -1',
    );
  });
});
