import {
  parseCycloneDx,
  parseGrype,
  parseSpdx,
  parseTrivy,
  SbomError,
} from './formats';
import { ParsedSbom, SbomFormat } from './types';

/**
 * The media types the check reads, by format.
 *
 * @public
 */
export const SBOM_MEDIA_TYPES: Record<SbomFormat, string> = {
  cyclonedx: 'application/vnd.cyclonedx+json',
  spdx: 'application/spdx+json',
  trivy: 'application/vnd.trivy+json',
  grype: 'application/vnd.grype+json',
};

const PARSERS: Record<SbomFormat, (document: unknown) => ParsedSbom> = {
  cyclonedx: parseCycloneDx,
  spdx: parseSpdx,
  trivy: parseTrivy,
  grype: parseGrype,
};

const ACCEPTED = `${Object.values(SBOM_MEDIA_TYPES).join(
  ', ',
)} (or application/json, told apart by content)`;

function formatOfMediaType(
  mediaType: string | undefined,
): SbomFormat | 'detect' {
  const base = mediaType?.split(';')[0].trim().toLocaleLowerCase('en-US');
  if (!base || base === 'application/json') return 'detect';
  const known = (Object.keys(SBOM_MEDIA_TYPES) as SbomFormat[]).find(
    format => SBOM_MEDIA_TYPES[format] === base,
  );
  if (known) return known;
  throw new SbomError(
    `has media type ${mediaType}, which this check does not read; send one of ${ACCEPTED}`,
  );
}

function detect(document: unknown): SbomFormat {
  const doc = (document ?? {}) as Record<string, unknown>;
  if (doc.bomFormat === 'CycloneDX') return 'cyclonedx';
  if (typeof doc.spdxVersion === 'string') return 'spdx';
  if ('SchemaVersion' in doc && ('Results' in doc || 'ArtifactName' in doc)) {
    return 'trivy';
  }
  if (Array.isArray(doc.matches)) return 'grype';
  throw new SbomError(
    `is JSON but neither CycloneDX, SPDX, a Trivy report nor a Grype report; send one of ${ACCEPTED}`,
  );
}

/**
 * Reads an SBOM (CycloneDX 1.4 to 1.6 JSON, SPDX 2.3 JSON) or a scanner
 * report (Trivy JSON, Grype JSON): its packages and, when it carries a scan
 * result, its vulnerabilities. Throws an {@link SbomError} that says what
 * is wrong, in words for the person who set up CI.
 *
 * @public
 */
export function parseSbom(content: string, mediaType?: string): ParsedSbom {
  const declared = formatOfMediaType(mediaType);
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new SbomError(`is not JSON: ${(error as Error).message}`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new SbomError('is not a JSON object');
  }
  return PARSERS[declared === 'detect' ? detect(document) : declared](document);
}

export { SbomError };
