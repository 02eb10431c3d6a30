/**
 * Extension points and types for Rollback Guard backend modules.
 *
 * @packageDocumentation
 */

export * from './actions';
export * from './checks';
export * from './evidence';
export * from './extensions';
export * from './health';
export * from './outbound';
export * from './webhooks';
