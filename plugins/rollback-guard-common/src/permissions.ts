import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Request a supervised action (pause, resume, abort, roll back, roll
 * forward) on an entity. A resource permission on the entity, so a policy
 * can decide with conditions such as `isEntityOwner`.
 *
 * @public
 */
export const rollbackGuardActionRequestPermission = createPermission({
  name: 'rollback-guard.action.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve or reject someone else's action request on an entity.
 *
 * @public
 */
export const rollbackGuardActionApprovePermission = createPermission({
  name: 'rollback-guard.action.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Request a rollback whose readiness is `blocked`, with a written reason.
 *
 * @public
 */
export const rollbackGuardActionOverridePermission = createPermission({
  name: 'rollback-guard.action.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Every Rollback Guard permission.
 *
 * @public
 */
export const rollbackGuardPermissions = [
  rollbackGuardActionRequestPermission,
  rollbackGuardActionApprovePermission,
  rollbackGuardActionOverridePermission,
];
