/**
 * Rollback Guard's OCI registry checks: is the candidate's artifact still
 * there, and can it still be pulled.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleOciRegistry as default } from './module';
export { createOciRegistryChecks } from './createOciRegistryChecks';
export { ArtifactAvailabilityCheck } from './ArtifactAvailabilityCheck';
export { RegistryCredentialsCheck } from './RegistryCredentialsCheck';
