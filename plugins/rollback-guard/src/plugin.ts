import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
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
 * Where the approvals view is mounted.
 *
 * @public
 */
export const approvalsRouteRef = createRouteRef({
  id: 'rollback-guard:approvals',
});

/**
 * The Rollback Guard plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const rollbackGuardPlugin = createPlugin({
  id: 'rollback-guard',
  routes: { approvals: approvalsRouteRef },
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

/**
 * The approvals view: every request waiting for a decision, across the
 * entities the user may see. Mount it on a route of the app, e.g.
 * `/rollback-guard/approvals`.
 *
 * @public
 */
export const RollbackGuardApprovalsPage = rollbackGuardPlugin.provide(
  createRoutableExtension({
    name: 'RollbackGuardApprovalsPage',
    component: () =>
      import('./components/Actions/ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);
