import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isApiWithProviders, isRollbackGuardAvailable } from '../plugin';

/** @alpha */
export const rollbackGuardEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('../components/RollbackGuardCard').then(m => (
        <m.RollbackGuardCard />
      )),
  },
});

/**
 * On an API's page: what going back in each of its providers would take from
 * the API's consumers, with links to their Rollback Guard tabs.
 *
 * @alpha
 */
export const rollbackGuardApiEntityCard = EntityCardBlueprint.make({
  name: 'api',
  params: {
    filter: isApiWithProviders,
    loader: () =>
      import('../components/ApiRollbackGuardCard').then(m => (
        <m.ApiRollbackGuardCard />
      )),
  },
});
