/**
 * The vulnerabilities check for Rollback Guard: would going back re-open a
 * vulnerability the current version closed? Its pure core (`parseSbom`,
 * `findReopened`) serves CI tools too.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleVulnerabilities as default } from './module';
export { VulnerabilitiesCheck } from './VulnerabilitiesCheck';
export { sbomValidator } from './sbomValidator';
export { parseSbom, SBOM_MEDIA_TYPES, SbomError } from './sbom/parse';
export { findReopened, mergeVulnerabilities } from './reopened';
export {
  OsvClient,
  type OsvSettings,
  type OsvVulnerability,
} from './osv/OsvClient';
export type {
  AffectedPackage,
  KnownVulnerability,
  ParsedSbom,
  SbomFormat,
  SbomPackage,
} from './sbom/types';
