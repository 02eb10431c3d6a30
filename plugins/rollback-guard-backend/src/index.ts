/**
 * The Rollback Guard backend plugin: rollout status and rollback readiness
 * for every catalog entity.
 *
 * @packageDocumentation
 */

export { rollbackGuardPlugin as default } from './plugin';
export { verifyWebhookSignature } from './actions/executor/WebhookExecutor';
