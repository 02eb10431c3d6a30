import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { DeploymentProvider } from '@rollback-guard/plugin-rollback-guard-node';
import { ProviderRegistry } from './ProviderRegistry';
import { EntityReader } from '../entities/EntityReader';
import { AnnotationReportService } from './AnnotationReportService';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'rollback-guard/environments': 'staging, production',
      'rollback-guard/provider': 'ledger, argo-rollouts',
    },
  },
};

function provider(
  id: string,
  validateEntity?: DeploymentProvider['validateEntity'],
): DeploymentProvider {
  return {
    id,
    title: id,
    validateEntity,
    getCurrentDeployments: async () => [],
    listDeployments: async () => [],
  };
}

function createService(extra: DeploymentProvider[] = []) {
  const providers = new ProviderRegistry();
  providers.add(provider('ledger'));
  extra.forEach(p => providers.add(p));
  const catalog = catalogServiceMock({ entities: [entity] });
  jest.spyOn(catalog, 'getEntityByRef');
  const entities = new EntityReader({ catalog, auth: mockServices.auth() });
  return {
    service: new AnnotationReportService({ entities, providers }),
    catalog,
  };
}

describe('AnnotationReportService', () => {
  const credentials = mockCredentials.user('user:default/ana.lima');

  it('reads the entity as the caller', async () => {
    const { service, catalog } = createService([provider('argo-rollouts')]);
    const summary = await service.getSummary(
      'component:default/payments-api',
      credentials,
    );
    expect(summary).toMatchObject({
      providers: ['ledger', 'argo-rollouts'],
      valid: true,
    });
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments-api' },
      { credentials },
    );
  });

  it('reports a provider that is not installed, naming the installed ones', async () => {
    const { service } = createService();
    const summary = await service.getSummary(
      'component:payments-api',
      credentials,
    );
    expect(summary.valid).toBe(false);
    expect(
      summary.annotations.find(a => a.name === 'rollback-guard/provider')
        ?.message,
    ).toBe(
      'rollback-guard/provider: "argo-rollouts" is not installed in this backend; installed providers: ledger',
    );
  });

  it('reports what an installed provider says the entity lacks', async () => {
    const { service } = createService([
      provider('argo-rollouts', e =>
        e.metadata.annotations?.['rollback-guard/provider-id']
          ? undefined
          : 'Argo Rollouts needs rollback-guard/provider-id',
      ),
    ]);
    const summary = await service.getSummary(
      'component:default/payments-api',
      credentials,
    );
    expect(summary.annotations).toContainEqual({
      name: 'rollback-guard/provider',
      value: 'ledger, argo-rollouts',
      valid: false,
      message:
        'rollback-guard/provider: Argo Rollouts needs rollback-guard/provider-id',
    });
  });

  it('rejects a malformed entity ref with an InputError', async () => {
    const { service } = createService();
    await expect(
      service.getSummary('payments-api', credentials),
    ).rejects.toThrow(InputError);
  });

  it('answers NotFoundError for an entity the catalog does not have', async () => {
    const { service } = createService();
    await expect(
      service.getSummary('component:default/nope', credentials),
    ).rejects.toThrow(
      new NotFoundError('No entity component:default/nope in the catalog'),
    );
  });
});
