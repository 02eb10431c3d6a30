import {
  CheckFact,
  CheckFinding,
  CheckStatus,
  Deployment,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
} from '@rollback-guard/plugin-rollback-guard-node';
import { OsvClient } from './osv/OsvClient';
import { findReopened, mergeVulnerabilities } from './reopened';
import { parseSbom } from './sbom/parse';
import { KnownVulnerability, ParsedSbom, SbomPackage } from './sbom/types';

/** What one version's SBOMs say, or why they cannot be read. */
type VersionSboms =
  | { ok: true; names: string[]; documents: ParsedSbom[] }
  | { ok: false; reason: string; remediation: string };

const FORMAT_NAMES: Record<ParsedSbom['format'], string> = {
  cyclonedx: 'CycloneDX',
  spdx: 'SPDX',
  trivy: 'Trivy report',
  grype: 'Grype report',
};

function which(deployment: Deployment, role: 'candidate' | 'current') {
  return role === 'current'
    ? `the current version ${deployment.version}`
    : deployment.version;
}

function packageText(pkg: { name: string; version?: string }) {
  return pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name;
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Would going back re-open a vulnerability the current version closed? It
 * compares the SBOMs (or scanner reports) CI attached to the two versions
 * and, with an OSV API configured, what OSV knows today about the packages
 * of both.
 *
 * @public
 */
export class VulnerabilitiesCheck implements ReadinessCheck {
  readonly id = 'vulnerabilities';
  readonly title = 'Vulnerabilities';
  readonly weight = 6;

  constructor(private readonly options: { osv?: OsvClient } = {}) {}

  /**
   * An entity whose CI attaches no SBOM to either version is not judged: it
   * would be `unknown` forever. One SBOM on one side only is `unknown`.
   */
  appliesTo(context: Pick<ReadinessCheckContext, 'current' | 'candidate'>) {
    return hasSbom(context.current) || hasSbom(context.candidate);
  }

  async run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome> {
    const { candidate, current } = context;
    const [then, now] = await Promise.all([
      this.read(context, candidate, 'candidate'),
      this.read(context, current, 'current'),
    ]);
    for (const side of [then, now]) {
      if (!side.ok) {
        return {
          status: 'unknown',
          summary: side.reason,
          remediation: side.remediation,
        };
      }
    }
    if (!then.ok || !now.ok) throw new Error('unreachable');

    const facts: CheckFact[] = [
      { label: `SBOM of ${candidate.version}`, value: describe(then) },
      {
        label: `SBOM of the current version ${current.version}`,
        value: describe(now),
      },
    ];
    const scanned = (side: typeof then) =>
      side.documents.some(d => d.vulnerabilities !== undefined);
    const fromSboms = (side: typeof then) =>
      side.documents.map(d => d.vulnerabilities ?? []);

    let osvKnown:
      | { candidate: KnownVulnerability[]; current: KnownVulnerability[] }
      | undefined;
    let osvFailure: string | undefined;
    if (this.options.osv) {
      try {
        osvKnown = await this.askOsv(
          this.options.osv,
          packagesOf(then.documents),
          packagesOf(now.documents),
          facts,
          context.signal,
        );
      } catch (error) {
        osvFailure = (error as Error).message;
        facts.push({ label: 'OSV', value: `no answer: ${osvFailure}` });
      }
    }

    if (!osvKnown) {
      const unscanned = [
        ...(scanned(then) ? [] : [candidate.version]),
        ...(scanned(now) ? [] : [`the current version ${current.version}`]),
      ];
      if (unscanned.length > 0) {
        return {
          status: 'unknown',
          summary: osvFailure
            ? `The OSV lookup failed (${osvFailure}) and the SBOM of ${unscanned.join(
                ' and ',
              )} carries no scan result`
            : `The SBOM of ${unscanned.join(
                ' and ',
              )} lists packages but no scan result, and no OSV API is configured`,
          facts,
          remediation: osvFailure
            ? 'Try again later, or attach scanner output (Trivy or Grype JSON, or a CycloneDX BOM with its vulnerabilities) to each deployment.'
            : 'Attach scanner output (Trivy or Grype JSON, or a CycloneDX BOM with its vulnerabilities) to each deployment, or set rollbackGuard.vulnerabilities.osv.baseUrl.',
        };
      }
    }

    const known = {
      candidate: mergeVulnerabilities([
        ...fromSboms(then),
        osvKnown?.candidate ?? [],
      ]),
      current: mergeVulnerabilities([
        ...fromSboms(now),
        osvKnown?.current ?? [],
      ]),
    };
    facts.push({
      label: 'Known vulnerabilities',
      value: `${known.candidate.length} in ${candidate.version}, ${known.current.length} in the current version`,
    });
    const reopened = findReopened(known);
    const currentPackages = packagesOf(now.documents);
    const findings = reopened.map(v =>
      finding(v, candidate.version, currentPackages),
    );
    const status: CheckStatus = findings.some(f => f.status === 'fail')
      ? 'fail'
      : (findings.length > 0 && 'warn') || 'pass';

    if (status === 'pass') {
      if (osvFailure) {
        // A lookup that failed never counts as a pass.
        return {
          status: 'unknown',
          summary: `The SBOMs show nothing re-opened, but the OSV lookup failed: ${osvFailure}`,
          facts,
          remediation:
            'Try again later; until OSV answers, today’s knowledge of the candidate’s packages is missing.',
        };
      }
      return {
        status,
        summary: `Going back to ${candidate.version} re-opens no known vulnerability`,
        facts,
        findings,
      };
    }
    const first = reopened[0];
    const pkg = first.packages[0];
    const fixedNow = pkg && currentVersionOf(pkg, currentPackages);
    const others = reopened.length - 1;
    return {
      status,
      summary: `Going back to ${candidate.version} re-opens ${first.id} (${
        first.severity === 'unknown' ? 'severity unknown' : first.severity
      })${pkg ? ` in ${packageText(pkg)}` : ''}${
        fixedNow && fixedNow !== pkg?.version
          ? `, fixed in the current version's ${fixedNow}`
          : ''
      }${
        others > 0
          ? ` and ${plural(others, 'more vulnerability')}`.replace(
              'vulnerabilitys',
              'vulnerabilities',
            )
          : ''
      }`,
      ...(osvFailure
        ? {
            details: `The OSV lookup failed (${osvFailure}); this is what the attached scan results show.`,
          }
        : {}),
      facts,
      findings,
      remediation:
        status === 'fail'
          ? `Fix forward rather than going back. If you must go back, patch ${
              pkg ? pkg.name : 'the affected packages'
            } in ${
              candidate.version
            } first, or have your security team accept the risk.`
          : `Read the re-opened vulnerabilities with your security team before going back.`,
    };
  }

  private async read(
    context: ReadinessCheckContext,
    deployment: Deployment,
    role: 'candidate' | 'current',
  ): Promise<VersionSboms> {
    const items = await context.evidence.list(deployment, 'sbom');
    const name = which(deployment, role);
    if (items.length === 0) {
      return {
        ok: false,
        reason: `No SBOM was recorded for ${name}`,
        remediation:
          'Attach an SBOM or a scanner report to each deployment in CI (docs/recording-deployments.md).',
      };
    }
    const documents: ParsedSbom[] = [];
    for (const item of items) {
      if (item.content === undefined) {
        return {
          ok: false,
          reason: `The SBOM ${
            item.name
          } of ${name} was recorded by reference only${
            item.reference ? ` (${item.reference})` : ''
          }; this check reads content`,
          remediation: 'Attach the SBOM’s content to the deployment.',
        };
      }
      try {
        documents.push(parseSbom(item.content, item.mediaType));
      } catch (error) {
        return {
          ok: false,
          reason: `The SBOM ${item.name} of ${name} ${
            (error as Error).message
          }`,
          remediation:
            'Attach CycloneDX 1.4 to 1.6 JSON, SPDX 2.3 JSON, or Trivy or Grype JSON.',
        };
      }
    }
    return { ok: true, names: items.map(item => item.name), documents };
  }

  private async askOsv(
    osv: OsvClient,
    candidatePackages: SbomPackage[],
    currentPackages: SbomPackage[],
    facts: CheckFact[],
    signal: AbortSignal,
  ) {
    const purls = (packages: SbomPackage[]) => [
      ...new Set(packages.flatMap(p => (p.purl ? [p.purl] : []))),
    ];
    const asked = [
      ...new Set([...purls(candidatePackages), ...purls(currentPackages)]),
    ];
    const ids = await osv.queryPurls(asked, signal);
    const { records, unread } = await osv.records(
      [...ids.values()].flat(),
      signal,
    );
    const withoutPurl =
      candidatePackages.length +
      currentPackages.length -
      candidatePackages.filter(p => p.purl).length -
      currentPackages.filter(p => p.purl).length;
    facts.push({
      label: 'OSV',
      value: `asked ${osv.settings.baseUrl.host} about ${plural(
        asked.length,
        'package',
      )}${
        withoutPurl > 0 ? `; ${withoutPurl} listed without a package URL` : ''
      }${
        unread > 0 ? `; ${unread} records left unread (maxRecordLookups)` : ''
      }`,
    });
    const knownFor = (packages: SbomPackage[]) =>
      mergeVulnerabilities([
        packages.flatMap(pkg =>
          (pkg.purl ? ids.get(pkg.purl) ?? [] : []).map(
            ({ id }): KnownVulnerability => {
              const record = records.get(id);
              return {
                id,
                aliases: record?.aliases ?? [],
                severity: record?.severity ?? 'unknown',
                packages: [
                  {
                    ...pkg,
                    ...(record?.fixed.length
                      ? { fixedIn: record.fixed.join(', ') }
                      : {}),
                  },
                ],
                ...(record?.summary ? { title: record.summary } : {}),
                urls: record?.urls ?? [
                  `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
                ],
                source: 'osv',
              };
            },
          ),
        ),
      ]);
    return {
      candidate: knownFor(candidatePackages),
      current: knownFor(currentPackages),
    };
  }
}

function hasSbom(deployment: Deployment): boolean {
  return Boolean(deployment.evidence?.some(item => item.kind === 'sbom'));
}

function describe(side: { names: string[]; documents: ParsedSbom[] }): string {
  return side.documents
    .map((d, i) => {
      const scan =
        d.vulnerabilities === undefined
          ? 'no scan result'
          : plural(d.vulnerabilities.length, 'vulnerability').replace(
              'vulnerabilitys',
              'vulnerabilities',
            );
      return `${side.names[i]}: ${FORMAT_NAMES[d.format]}${
        d.specVersion && d.format === 'cyclonedx' ? ` ${d.specVersion}` : ''
      }, ${plural(d.packages.length, 'package')}, ${scan}`;
    })
    .join('; ');
}

function packagesOf(documents: ParsedSbom[]): SbomPackage[] {
  return documents.flatMap(d => d.packages);
}

/** The version of the same package in the current version, if it has it. */
function currentVersionOf(
  pkg: SbomPackage,
  currentPackages: SbomPackage[],
): string | undefined {
  const base = (purl?: string) => purl?.split('@')[0];
  const same = currentPackages.find(p =>
    pkg.purl && p.purl ? base(p.purl) === base(pkg.purl) : p.name === pkg.name,
  );
  return same?.version;
}

function finding(
  v: KnownVulnerability,
  candidateVersion: string,
  currentPackages: SbomPackage[],
): CheckFinding {
  const status: CheckStatus =
    v.severity === 'critical' || v.severity === 'high' ? 'fail' : 'warn';
  const where = v.packages
    .map(pkg => {
      const now = currentVersionOf(pkg, currentPackages);
      let text = packageText(pkg);
      if (now && now !== pkg.version)
        text += ` (the current version has ${now})`;
      else if (!now) text += ' (the current version no longer ships it)';
      if (pkg.fixedIn) text += `; fixed in ${pkg.fixedIn}`;
      return text;
    })
    .join(', ');
  const links = v.urls
    .filter(url => url.length <= 2048)
    .slice(0, 3)
    .map(url => ({ title: linkTitle(url, v.id), url }));
  return {
    rule: v.id,
    status,
    severity: v.severity,
    message: `${
      v.title ? `${v.title.replace(/\.$/, '')}. ` : ''
    }${candidateVersion} ships ${where || 'an affected package'}`,
    ...(v.packages[0] ? { source: packageText(v.packages[0]) } : {}),
    ...(v.aliases.length ? { references: v.aliases } : {}),
    ...(links.length ? { links } : {}),
  };
}

const ADVISORY_ID = /\b(?:GHSA(?:-[0-9a-z]{4}){3}|CVE-\d{4}-\d{4,})\b/i;

/** The GHSA or CVE id in an advisory page's path, spelled as its database does. */
function idInUrl(pathname: string): string | undefined {
  const found = ADVISORY_ID.exec(decodeURIComponent(pathname))?.[0];
  if (!found) return undefined;
  return /^ghsa/i.test(found)
    ? `GHSA${found.slice(4).toLocaleLowerCase('en-US')}`
    : found.toLocaleUpperCase('en-US');
}

/** "GHSA-35jh-r3h4-6jhm on github.com": the id the page is about, and where. */
function linkTitle(url: string, id: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^www\./, '');
    return `${idInUrl(parsed.pathname) ?? id} on ${host}`;
  } catch {
    return id;
  }
}
