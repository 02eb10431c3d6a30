import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasRollbackGuardAnnotations } from '@rollback-guard/plugin-rollback-guard-common';
import { rollbackGuardApiRef, RollbackGuardClient } from './api';

/**
 * Whether Rollback Guard applies to an entity: it carries at least one
 * `rollback-guard/` annotation.
 *
 * @public
 */
export function isRollbackGuardAvailable(entity: Entity): boolean {
  return hasRollbackGuardAnnotations(entity);
}

/**
 * The Rollback Guard plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const rollbackGuardPlugin = createPlugin({
  id: 'rollback-guard',
  apis: [
    createApiFactory({
      api: rollbackGuardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RollbackGuardClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The Rollback Guard card, for an entity's overview page.
 *
 * @public
 */
export const EntityRollbackGuardCard = rollbackGuardPlugin.provide(
  createComponentExtension({
    name: 'EntityRollbackGuardCard',
    component: {
      lazy: () =>
        import('./components/RollbackGuardCard').then(m => m.RollbackGuardCard),
    },
  }),
);

/**
 * The Rollback Guard tab content, for an entity page.
 *
 * @public
 */
export const EntityRollbackGuardContent = rollbackGuardPlugin.provide(
  createComponentExtension({
    name: 'EntityRollbackGuardContent',
    component: {
      lazy: () =>
        import('./components/RollbackGuardContent').then(
          m => m.RollbackGuardContent,
        ),
    },
  }),
);
