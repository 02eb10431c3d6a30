/**
 * Types, annotation names and permissions shared by the Rollback Guard
 * frontend and backend.
 *
 * @packageDocumentation
 */

export * from './actions';
export * from './annotations';
export * from './deployments';
export * from './health';
export * from './permissions';
export * from './policy';
export * from './readiness';
export * from './signals';
export * from './types';
