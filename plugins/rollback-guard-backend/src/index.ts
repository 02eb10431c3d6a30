/**
 * The Rollback Guard backend plugin: rollout status and rollback readiness
 * for every catalog entity.
 *
 * @packageDocumentation
 */

export { rollbackGuardPlugin as default } from './plugin';
/**
 * @deprecated Import it from `@rollback-guard/plugin-rollback-guard-node`.
 */
export { verifyWebhookSignature } from '@rollback-guard/plugin-rollback-guard-node';
