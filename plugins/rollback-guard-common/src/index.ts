/**
 * Types and annotation names shared by the Rollback Guard frontend and backend.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './deployments';
export * from './readiness';
export * from './types';
