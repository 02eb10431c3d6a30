import { z } from 'zod';
import { KnownVulnerability, ParsedSbom, SbomPackage } from './types';
import { normalizeSeverity, worseSeverity } from './severity';
import { mergeVulnerabilities } from '../reopened';

// Light schemas of the fields this check reads; everything else a document
// carries is let through untouched.

type CycloneDxComponent = {
  'bom-ref'?: string;
  name: string;
  version?: string;
  purl?: string;
  components?: CycloneDxComponent[];
};

const cyclonedxVulnerability = z
  .object({
    id: z.string().min(1),
    source: z
      .object({ name: z.string().optional(), url: z.string().optional() })
      .passthrough()
      .optional(),
    references: z
      .array(
        z
          .object({
            id: z.string().min(1),
            source: z
              .object({ url: z.string().optional() })
              .passthrough()
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
    ratings: z
      .array(
        z
          .object({
            severity: z.string().optional(),
            score: z.number().optional(),
          })
          .passthrough(),
      )
      .optional(),
    description: z.string().optional(),
    recommendation: z.string().optional(),
    analysis: z
      .object({ state: z.string().optional() })
      .passthrough()
      .optional(),
    advisories: z.array(z.object({ url: z.string() }).passthrough()).optional(),
    affects: z
      .array(
        z
          .object({
            ref: z.string().min(1),
            versions: z
              .array(
                z
                  .object({
                    version: z.string().optional(),
                    status: z.string().optional(),
                  })
                  .passthrough(),
              )
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

const cyclonedx = z
  .object({
    bomFormat: z.literal('CycloneDX'),
    specVersion: z.enum(['1.4', '1.5', '1.6'], {
      errorMap: (_issue, ctx) => ({
        message: `is CycloneDX ${JSON.stringify(
          ctx.data,
        )}; this check reads CycloneDX 1.4 to 1.6`,
      }),
    }),
    // Checked by hand (checkComponents): SBOMs list thousands, and a
    // recursive zod schema spends most of the parse on them.
    components: z.array(z.unknown()).optional(),
    vulnerabilities: z.array(cyclonedxVulnerability).optional(),
  })
  .passthrough();

const spdx = z
  .object({
    spdxVersion: z.enum(['SPDX-2.2', 'SPDX-2.3'], {
      errorMap: (_issue, ctx) => ({
        message: `is ${JSON.stringify(
          ctx.data,
        )}; this check reads SPDX 2.3 (and 2.2) JSON`,
      }),
    }),
    SPDXID: z.string(),
    packages: z
      .array(
        z
          .object({
            SPDXID: z.string(),
            name: z.string().min(1),
            versionInfo: z.string().optional(),
            externalRefs: z
              .array(
                z
                  .object({
                    referenceCategory: z.string(),
                    referenceType: z.string(),
                    referenceLocator: z.string(),
                  })
                  .passthrough(),
              )
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

const trivyVulnerability = z
  .object({
    VulnerabilityID: z.string().min(1),
    PkgName: z.string().min(1),
    PkgIdentifier: z
      .object({ PURL: z.string().optional() })
      .passthrough()
      .optional(),
    InstalledVersion: z.string().optional(),
    FixedVersion: z.string().optional(),
    Severity: z.string().optional(),
    Title: z.string().optional(),
    PrimaryURL: z.string().optional(),
    References: z.array(z.string()).optional(),
  })
  .passthrough();

const trivy = z
  .object({
    SchemaVersion: z.number().int(),
    Results: z
      .array(
        z
          .object({
            Target: z.string(),
            Packages: z
              .array(
                z
                  .object({
                    Name: z.string().min(1),
                    Version: z.string().optional(),
                    Identifier: z
                      .object({ PURL: z.string().optional() })
                      .passthrough()
                      .optional(),
                  })
                  .passthrough(),
              )
              .nullish(),
            Vulnerabilities: z.array(trivyVulnerability).nullish(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

const grypeVulnerability = z
  .object({
    id: z.string().min(1),
    severity: z.string().optional(),
    urls: z.array(z.string()).nullish(),
    dataSource: z.string().optional(),
    description: z.string().optional(),
  })
  .passthrough();

const grype = z
  .object({
    matches: z.array(
      z
        .object({
          vulnerability: grypeVulnerability.extend({
            fix: z
              .object({ versions: z.array(z.string()).nullish() })
              .passthrough()
              .optional(),
          }),
          relatedVulnerabilities: z.array(grypeVulnerability).nullish(),
          artifact: z
            .object({
              name: z.string().min(1),
              version: z.string().optional(),
              purl: z.string().optional(),
            })
            .passthrough(),
        })
        .passthrough(),
    ),
    descriptor: z.object({ name: z.string() }).passthrough().optional(),
  })
  .passthrough();

/** Why a document is not what its media type says, for the person in CI. */
export class SbomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SbomError';
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map(issue => {
    const path = issue.path.join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = result.error.issues.length - issues.length;
  throw new SbomError(
    `is not valid ${what}: ${issues.join('; ')}${
      more > 0 ? ` (and ${more} more)` : ''
    }`,
  );
}

function uniq<T>(values: Array<T | undefined>): T[] {
  return [
    ...new Set(values.filter((v): v is T => v !== undefined && v !== '')),
  ];
}

const OPTIONAL_STRINGS = ['bom-ref', 'version', 'purl'] as const;

/**
 * The components, nested ones after their parent, each checked for the
 * fields this check reads; the first problem is reported as zod would.
 */
function checkComponents(
  components: unknown[],
  at: string,
  into: CycloneDxComponent[] = [],
): CycloneDxComponent[] {
  components.forEach((value, index) => {
    const path = `${at}.${index}`;
    const fail = (message: string) => {
      throw new SbomError(`is not valid CycloneDX JSON: ${path}${message}`);
    };
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      fail(': Expected object');
    }
    const c = value as Record<string, unknown>;
    if (c.name === undefined) fail('.name: Required');
    if (typeof c.name !== 'string' || c.name.length === 0) {
      fail('.name: Expected a non-empty string');
    }
    for (const key of OPTIONAL_STRINGS) {
      if (c[key] !== undefined && typeof c[key] !== 'string') {
        fail(`.${key}: Expected string`);
      }
    }
    if (c.components !== undefined && !Array.isArray(c.components)) {
      fail('.components: Expected array');
    }
    into.push(c as CycloneDxComponent);
    if (Array.isArray(c.components)) {
      checkComponents(c.components, `${path}.components`, into);
    }
  });
  return into;
}

export function parseCycloneDx(document: unknown): ParsedSbom {
  const bom = check(cyclonedx, document, 'CycloneDX JSON');
  const components = checkComponents(bom.components ?? [], 'components');
  const byRef = new Map<string, CycloneDxComponent>();
  for (const c of components) {
    if (c['bom-ref']) byRef.set(c['bom-ref'], c);
    if (c.purl && !byRef.has(c.purl)) byRef.set(c.purl, c);
  }
  const packages: SbomPackage[] = components.map(c => ({
    name: c.name,
    ...(c.version ? { version: c.version } : {}),
    ...(c.purl ? { purl: c.purl } : {}),
  }));
  const vulnerabilities = bom.vulnerabilities?.map((v): KnownVulnerability => {
    const severity = (v.ratings ?? [])
      .map(r => normalizeSeverity(r.severity))
      .reduce(worseSeverity, 'unknown');
    return {
      id: v.id,
      aliases: uniq((v.references ?? []).map(r => r.id)).filter(
        id => id !== v.id,
      ),
      severity,
      packages: (v.affects ?? []).map(affect => {
        const component = byRef.get(affect.ref);
        const affected = affect.versions?.find(
          ver => ver.status !== 'unaffected',
        );
        return {
          name: component?.name ?? affect.ref,
          ...(component?.version ?? affected?.version
            ? { version: component?.version ?? affected?.version }
            : {}),
          ...(component?.purl ? { purl: component.purl } : {}),
          ...(fixedIn(v.recommendation)
            ? { fixedIn: fixedIn(v.recommendation) }
            : {}),
        };
      }),
      ...(v.description ? { title: firstLine(v.description) } : {}),
      // A scanner's source URL is often a search page: the advisories are
      // the pages about this vulnerability.
      urls: v.advisories?.length
        ? uniq(v.advisories.map(a => a.url))
        : uniq([v.source?.url]),
      source: 'cyclonedx',
      ...(v.analysis?.state === 'not_affected' ||
      v.analysis?.state === 'false_positive'
        ? { notAffected: true }
        : {}),
    };
  });
  return {
    format: 'cyclonedx',
    specVersion: bom.specVersion,
    packages,
    ...(vulnerabilities
      ? { vulnerabilities: mergeVulnerabilities([vulnerabilities]) }
      : {}),
  };
}

export function parseSpdx(document: unknown): ParsedSbom {
  const doc = check(spdx, document, 'SPDX JSON');
  const packages = (doc.packages ?? [])
    .filter(p => p.SPDXID !== doc.SPDXID)
    .map((p): SbomPackage => {
      const purl = p.externalRefs?.find(
        ref =>
          ref.referenceType === 'purl' &&
          /^PACKAGE[-_]MANAGER$/.test(ref.referenceCategory),
      )?.referenceLocator;
      return {
        name: p.name,
        ...(p.versionInfo ? { version: p.versionInfo } : {}),
        ...(purl ? { purl } : {}),
      };
    });
  // SPDX 2.3 has no vulnerability section: it lists packages, nobody's scan.
  return { format: 'spdx', specVersion: doc.spdxVersion, packages };
}

export function parseTrivy(document: unknown): ParsedSbom {
  const report = check(trivy, document, 'Trivy JSON');
  const results = report.Results ?? [];
  const packages: SbomPackage[] = [];
  const vulnerabilities: KnownVulnerability[] = [];
  for (const result of results) {
    for (const p of result.Packages ?? []) {
      packages.push({
        name: p.Name,
        ...(p.Version ? { version: p.Version } : {}),
        ...(p.Identifier?.PURL ? { purl: p.Identifier.PURL } : {}),
      });
    }
    for (const v of result.Vulnerabilities ?? []) {
      const purl = v.PkgIdentifier?.PURL;
      const pkg = {
        name: v.PkgName,
        ...(v.InstalledVersion ? { version: v.InstalledVersion } : {}),
        ...(purl ? { purl } : {}),
      };
      if (
        !packages.some(p => p.name === pkg.name && p.version === pkg.version)
      ) {
        packages.push(pkg);
      }
      vulnerabilities.push({
        id: v.VulnerabilityID,
        aliases: [],
        severity: normalizeSeverity(v.Severity),
        packages: [
          { ...pkg, ...(v.FixedVersion ? { fixedIn: v.FixedVersion } : {}) },
        ],
        ...(v.Title ? { title: v.Title } : {}),
        urls: uniq([v.PrimaryURL]),
        source: 'trivy',
      });
    }
  }
  return {
    format: 'trivy',
    specVersion: String(report.SchemaVersion),
    packages,
    vulnerabilities: mergeVulnerabilities([vulnerabilities]),
  };
}

export function parseGrype(document: unknown): ParsedSbom {
  const report = check(grype, document, 'Grype JSON');
  const packages: SbomPackage[] = [];
  const vulnerabilities = report.matches.map((match): KnownVulnerability => {
    const { artifact, vulnerability } = match;
    const pkg = {
      name: artifact.name,
      ...(artifact.version ? { version: artifact.version } : {}),
      ...(artifact.purl ? { purl: artifact.purl } : {}),
    };
    if (!packages.some(p => p.name === pkg.name && p.version === pkg.version)) {
      packages.push(pkg);
    }
    const related = match.relatedVulnerabilities ?? [];
    const fixes = vulnerability.fix?.versions ?? [];
    return {
      id: vulnerability.id,
      aliases: uniq(related.map(r => r.id)).filter(
        id => id !== vulnerability.id,
      ),
      // Grype rates the match by its own record; a related record (the
      // NVD's CVE) may rate it higher.
      severity: [vulnerability, ...related]
        .map(r => normalizeSeverity(r.severity))
        .reduce(worseSeverity, 'unknown'),
      packages: [
        { ...pkg, ...(fixes.length ? { fixedIn: fixes.join(', ') } : {}) },
      ],
      ...(vulnerability.description
        ? { title: firstLine(vulnerability.description) }
        : {}),
      urls: uniq([vulnerability.dataSource, ...(vulnerability.urls ?? [])]),
      source: 'grype',
    };
  });
  return {
    format: 'grype',
    packages,
    vulnerabilities: mergeVulnerabilities([vulnerabilities]),
  };
}

/** The version in "Upgrade lodash to version 4.17.21", as Trivy writes it. */
function fixedIn(recommendation: string | undefined): string | undefined {
  return recommendation?.match(/\b(?:version|to)\s+v?(\d[^\s,;]*)/i)?.[1];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
