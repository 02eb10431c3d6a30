import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { rollbackGuardApiRef, RollbackGuardClient } from './api';
import { isRollbackGuardAvailable } from './plugin';

/** @alpha */
export const rollbackGuardApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: rollbackGuardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RollbackGuardClient({ discoveryApi, fetchApi }),
    }),
});

/** @alpha */
export const rollbackGuardEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('./components/RollbackGuardCard').then(m => (
        <m.RollbackGuardCard />
      )),
  },
});

/** @alpha */
export const rollbackGuardEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'rollback-guard',
    title: 'Rollback Guard',
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('./components/RollbackGuardContent').then(m => (
        <m.RollbackGuardContent />
      )),
  },
});

/**
 * The Rollback Guard plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'rollback-guard',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    rollbackGuardApi,
    rollbackGuardEntityCard,
    rollbackGuardEntityContent,
  ],
});
