/**
 * Rollback Guard's test harnesses, shared by the packages' tests, the
 * benchmarks and the browser test's set-up. Private to this repository;
 * module authors use `@rollback-guard/plugin-rollback-guard-node/testUtils`.
 *
 * @packageDocumentation
 */

export * from './actionsBackend';
export * from './authWithActors';
export * from './catalogEntities';
export * from './fakeCatalog';
export * from './ledgerClient';
export * from './modules';
export * from './ociLayout';
export * from './testRegistry';
export * from './testServers';
export * from './tokenService';
