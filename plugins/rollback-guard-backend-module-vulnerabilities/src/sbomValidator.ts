import { EvidenceValidator } from '@rollback-guard/plugin-rollback-guard-node';
import { parseSbom } from './sbom/parse';

/**
 * Refuses, when a deployment is recorded, an `sbom` this check could not
 * read: the ledger answers `400` with the reason.
 *
 * @public
 */
export const sbomValidator: EvidenceValidator = {
  kind: 'sbom',
  validate(item) {
    try {
      parseSbom(item.content, item.mediaType);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
};
