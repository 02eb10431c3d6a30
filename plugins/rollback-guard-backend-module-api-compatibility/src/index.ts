/**
 * The API compatibility check for Rollback Guard, and its pure core
 * `compareApiDefinitions` for CI tools.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleApiCompatibility as default } from './module';
export { ApiCompatibilityCheck } from './ApiCompatibilityCheck';
export * from './compare';
