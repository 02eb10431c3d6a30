import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity, RELATION_API_PROVIDED_BY } from '@backstage/catalog-model';
import { getEntityRelations } from '@backstage/plugin-catalog-react';
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
 * Whether an entity is an API that some component provides: the entities
 * the API card applies to.
 *
 * @public
 */
export function isApiWithProviders(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    getEntityRelations(entity, RELATION_API_PROVIDED_BY).length > 0
  );
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
 * The Rollback Guard card for an API's page: for each component that provides
 * the API, what going back would take from its consumers, linking to that
 * component's Rollback Guard tab. Show it on API pages with
 * `isApiWithProviders`.
 *
 * @public
 */
export const EntityApiRollbackGuardCard = rollbackGuardPlugin.provide(
  createComponentExtension({
    name: 'EntityApiRollbackGuardCard',
    component: {
      lazy: () =>
        import('./components/ApiRollbackGuardCard').then(
          m => m.ApiRollbackGuardCard,
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
