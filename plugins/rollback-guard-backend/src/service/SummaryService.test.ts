import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ledgerProvider,
  ProviderRegistry,
} from '../providers/ProviderRegistry';
import { SummaryService } from './SummaryService';

const entity: Entity = {
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
};

function createService(extraProviders: string[] = []) {
  const providers = new ProviderRegistry();
  providers.add(ledgerProvider);
  for (const id of extraProviders) {
    providers.add({
      id,
      title: id,
      validateEntity: e =>
        e.metadata.annotations?.['rollback-guard/provider-id']
          ? undefined
          : `${id} needs rollback-guard/provider-id`,
    });
  }
  const catalog = new InMemoryCatalogClient({ entities: [entity] });
  jest.spyOn(catalog, 'getEntityByRef');
  const service = new SummaryService({
    catalog,
    auth: mockServices.auth(),
    providers,
    defaultProvider: 'ledger',
  });
  return { service, catalog };
}

describe('SummaryService', () => {
  const credentials = mockCredentials.user('user:default/ana.lima');

  it('reads the entity with a token on behalf of the caller', async () => {
    const { service, catalog } = createService(['argo-rollouts']);
    await service.getSummary('component:default/payments-api', credentials);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments-api' },
      { token: expect.stringContaining('user:default/ana.lima') },
    );
  });

  it('reports a provider that is not installed, naming the installed ones', async () => {
    const { service } = createService();
    const summary = await service.getSummary(
      'component:payments-api',
      credentials,
    );
    expect(summary.valid).toBe(false);
    expect(summary.provider).toBe('argo-rollouts');
    const provider = summary.annotations.find(
      a => a.name === 'rollback-guard/provider',
    );
    expect(provider?.message).toBe(
      'rollback-guard/provider names "argo-rollouts", which is not installed in this backend; installed providers: ledger',
    );
  });

  it('reports what an installed provider says the entity lacks', async () => {
    const { service } = createService(['argo-rollouts']);
    const summary = await service.getSummary(
      'component:default/payments-api',
      credentials,
    );
    expect(summary.annotations).toContainEqual({
      name: 'rollback-guard/provider',
      value: 'argo-rollouts',
      valid: false,
      message:
        'rollback-guard/provider argo-rollouts needs rollback-guard/provider-id',
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
