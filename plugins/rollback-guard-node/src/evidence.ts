import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { EvidenceKind } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * Checks the shape of evidence content as the ledger records it, so that CI
 * hears at once (a `400`) about an SBOM or definition no check could read,
 * rather than a check turning `unknown` weeks later.
 *
 * @public
 */
export interface EvidenceValidator {
  /** The kind of evidence it reads, e.g. `sbom`. */
  readonly kind: EvidenceKind;
  /**
   * Why the item cannot be read, in words for the person who set up CI
   * (e.g. "is CycloneDX 1.2; send CycloneDX 1.4 to 1.6"), or undefined when
   * it can. Called only for items that come with content.
   */
  validate(item: {
    name: string;
    mediaType?: string;
    content: string;
  }): string | undefined;
}

/**
 * The extension point through which backend modules add evidence validators.
 *
 * @public
 */
export interface RollbackGuardEvidenceExtensionPoint {
  addValidator(validator: EvidenceValidator): void;
}

/**
 * @public
 */
export const rollbackGuardEvidenceExtensionPoint =
  createExtensionPoint<RollbackGuardEvidenceExtensionPoint>({
    id: 'rollback-guard.evidence',
  });
