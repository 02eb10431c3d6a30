import { FindingSeverity } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * The formats an `sbom` evidence item may have.
 *
 * @public
 */
export type SbomFormat = 'cyclonedx' | 'spdx' | 'trivy' | 'grype';

/**
 * A package an SBOM lists.
 *
 * @public
 */
export type SbomPackage = {
  name: string;
  version?: string;
  /** The package URL, e.g. `pkg:npm/lodash@4.17.20`; what OSV is asked about. */
  purl?: string;
};

/**
 * A package a vulnerability affects, as the scanner saw it.
 *
 * @public
 */
export type AffectedPackage = SbomPackage & {
  /** The versions that fix it, as the scanner wrote them. */
  fixedIn?: string;
};

/**
 * A known vulnerability of one version: one entry per id, with the other
 * ids it goes by (a GHSA id and its CVE).
 *
 * @public
 */
export type KnownVulnerability = {
  id: string;
  aliases: string[];
  severity: FindingSeverity;
  packages: AffectedPackage[];
  title?: string;
  /** Advisory pages, as the source gave them. */
  urls: string[];
  /** Who said so: the scanner's format or `osv`. */
  source: string;
  /**
   * The document's own analysis (CycloneDX VEX `analysis.state`
   * `not_affected` or `false_positive`) says this version is not exposed.
   */
  notAffected?: boolean;
};

/**
 * What the check reads from an SBOM or a scanner report.
 *
 * @public
 */
export type ParsedSbom = {
  format: SbomFormat;
  /** e.g. `1.5` for CycloneDX, `SPDX-2.3`. */
  specVersion?: string;
  packages: SbomPackage[];
  /**
   * The scan result the document carries; undefined when it carries none
   * (an SPDX document, a CycloneDX BOM without a `vulnerabilities` section),
   * which is not the same as an empty list: nobody scanned it.
   */
  vulnerabilities?: KnownVulnerability[];
};
