import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { EntityReader } from './EntityReader';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
};
const REF = 'component:default/payments-api';

function reader(cacheTtlMs?: number) {
  const catalog = catalogServiceMock({ entities: [entity] });
  const reads = jest.spyOn(catalog, 'getEntityByRef');
  return {
    entities: new EntityReader({
      catalog,
      auth: mockServices.auth(),
      cacheTtlMs,
    }),
    reads,
  };
}

describe('EntityReader', () => {
  const ana = mockCredentials.user('user:default/ana');
  const bob = mockCredentials.user('user:default/bob');

  it('asks the catalog on every read unless told to keep what it showed', async () => {
    const { entities, reads } = reader();
    await entities.getEntity(REF, ana);
    await entities.getEntity(REF, ana);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('keeps what the catalog showed a person for the interval, per person, never for services', async () => {
    const { entities, reads } = reader(100);
    await entities.getEntity(REF, ana);
    await entities.getEntity(REF, ana);
    expect(reads).toHaveBeenCalledTimes(1);
    await entities.getEntity(REF, bob);
    expect(reads).toHaveBeenCalledTimes(2);
    await entities.getEntity(REF, mockCredentials.service());
    await entities.getEntity(REF, mockCredentials.service());
    expect(reads).toHaveBeenCalledTimes(4);
    await new Promise(resolve => setTimeout(resolve, 150));
    await entities.getEntity(REF, ana);
    expect(reads).toHaveBeenCalledTimes(5);
  });

  it('keeps no refusal: a hidden entity is asked about again', async () => {
    const { entities, reads } = reader(10_000);
    await expect(
      entities.getEntity('component:default/missing', ana),
    ).rejects.toThrow('No entity component:default/missing in the catalog');
    await expect(
      entities.getEntity('component:default/missing', ana),
    ).rejects.toThrow();
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
