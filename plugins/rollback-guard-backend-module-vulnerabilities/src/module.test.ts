import { mockCredentials } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { refreshedCandidate } from '@internal/rollback-guard-test-harness';
import {
  attached,
  deployBoth,
  fixture,
  Server,
  startBackend,
  vulnerabilitiesCheck,
} from './__testUtils__/backend';

const CYCLONEDX = 'application/vnd.cyclonedx+json';

describe('the vulnerabilities module in a backend, without OSV', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startBackend([
      'cyclonedx-web',
      'trivy-web',
      'grype-worker',
      'alias-worker',
      'same-web',
      'spdx-web',
      'no-sbom-web',
      'half-sbom-web',
      'other-half-web',
      'by-reference-web',
      'malformed-web',
      'medium-web',
      'reused-web',
      'search-api',
    ]);
  });

  it('fails going back to a version with a fixed high CVE, naming it, its package, versions and severity', async () => {
    await deployBoth(
      server,
      'cyclonedx-web',
      attached('cyclonedx-trivy-1.0.0.json', CYCLONEDX, 'sbom.cdx.json'),
      attached('cyclonedx-trivy-1.1.0.json', CYCLONEDX, 'sbom.cdx.json'),
    );
    const { check, readiness } = await vulnerabilitiesCheck(
      server,
      'cyclonedx-web',
    );
    expect(check.status).toBe('fail');
    expect(check.summary).toBe(
      "Going back to 1.0.0 re-opens CVE-2021-23337 (high) in lodash 4.17.20, fixed in the current version's 4.17.21 and 1 more vulnerability",
    );
    expect(check.findings?.map(f => [f.rule, f.status, f.severity])).toEqual([
      ['CVE-2021-23337', 'fail', 'high'],
      ['CVE-2020-28500', 'warn', 'medium'],
    ]);
    expect(check.findings?.[0]).toMatchObject({
      source: 'lodash 4.17.20',
      message: expect.stringContaining(
        '1.0.0 ships lodash 4.17.20 (the current version has 4.17.21); fixed in 4.17.21',
      ),
      links: expect.arrayContaining([
        {
          title: 'GHSA-35jh-r3h4-6jhm on github.com',
          url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
        },
      ]),
    });
    expect(check.facts).toContainEqual({
      label: 'SBOM of 1.0.0',
      value: 'sbom.cdx.json: CycloneDX 1.5, 2 packages, 2 vulnerabilities',
    });
    expect(check.remediation).toContain('Fix forward');
    expect(readiness.risk).toBe('high');
  });

  it('reads Trivy JSON reports; a vulnerability both versions have is not re-opened', async () => {
    await deployBoth(
      server,
      'trivy-web',
      attached('trivy-1.0.0.json', 'application/vnd.trivy+json', 'trivy.json'),
      attached('trivy-1.1.0.json', 'application/vnd.trivy+json', 'trivy.json'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'trivy-web');
    expect(check.status).toBe('fail');
    expect(check.findings?.map(f => f.rule)).toEqual([
      'CVE-2021-23337',
      'CVE-2020-28500',
    ]);
    expect(check.findings?.[0].message).toContain('fixed in 4.17.21');
  });

  it('reads Grype JSON reports, matching a GHSA id to the CVE the current report lists', async () => {
    await deployBoth(
      server,
      'grype-worker',
      attached('grype-1.0.0.json', 'application/vnd.grype+json', 'grype.json'),
      attached('grype-1.1.0.json', 'application/vnd.grype+json', 'grype.json'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'grype-worker');
    expect(check.status).toBe('fail');
    // GHSA-qwcr-r2fm-qrc7 is CVE-2024-45590, which 1.1.0 still has.
    expect(
      check.findings?.map(f => [f.rule, f.severity, f.references]),
    ).toEqual([
      ['GHSA-xvch-5gv4-984h', 'critical', ['CVE-2021-44906']],
      ['GHSA-952p-6rrq-rcjv', 'medium', ['CVE-2024-4067']],
    ]);
    expect(check.findings?.[0].message).toContain(
      'minimist 1.2.5 (the current version no longer ships it); fixed in 1.2.6',
    );
  });

  it('matches across formats: a Grype CycloneDX GHSA id against a Trivy report that names the CVE', async () => {
    const trivyWithMinimist = JSON.parse(fixture('trivy-1.1.0.json'));
    trivyWithMinimist.Results[1].Vulnerabilities.push({
      VulnerabilityID: 'CVE-2021-44906',
      PkgName: 'minimist',
      PkgIdentifier: { PURL: 'pkg:npm/minimist@1.2.5' },
      InstalledVersion: '1.2.5',
      FixedVersion: '1.2.6',
      Severity: 'CRITICAL',
    });
    await deployBoth(
      server,
      'alias-worker',
      attached('cyclonedx-grype-1.6.json', undefined, 'bom.json'),
      [{ name: 'bom.json', content: JSON.stringify(trivyWithMinimist) }],
    );
    const { check } = await vulnerabilitiesCheck(server, 'alias-worker');
    expect(check.status).toBe('pass');
    expect(check.summary).toBe(
      'Going back to 1.0.0 re-opens no known vulnerability',
    );
  });

  it('warns, not fails, when only medium or low vulnerabilities are re-opened', async () => {
    const candidate = JSON.parse(fixture('cyclonedx-trivy-1.0.0.json'));
    candidate.vulnerabilities = candidate.vulnerabilities.filter(
      (v: { id: string }) => v.id === 'CVE-2020-28500',
    );
    await deployBoth(
      server,
      'medium-web',
      [
        {
          name: 'sbom.json',
          mediaType: CYCLONEDX,
          content: JSON.stringify(candidate),
        },
      ],
      attached('cyclonedx-trivy-1.1.0.json', CYCLONEDX, 'sbom.json'),
    );
    const { check, readiness } = await vulnerabilitiesCheck(
      server,
      'medium-web',
    );
    expect(check.status).toBe('warn');
    expect(check.summary).toMatch(
      /^Going back to 1.0.0 re-opens CVE-2020-28500 \(medium\)/,
    );
    expect(readiness.risk).toBe('medium');
  });

  it('passes when both versions carry the same vulnerabilities', async () => {
    const sbom = { name: 'trivy.json', content: fixture('trivy-1.1.0.json') };
    await deployBoth(server, 'same-web', [sbom], [sbom]);
    const { check } = await vulnerabilitiesCheck(server, 'same-web');
    expect(check.status).toBe('pass');
    expect(check.findings ?? []).toEqual([]);
  });

  it('is unknown for SPDX without OSV: the packages are listed, nobody scanned them', async () => {
    await deployBoth(
      server,
      'spdx-web',
      attached('spdx-1.0.0.json', 'application/spdx+json', 'sbom.spdx.json'),
      attached('spdx-1.1.0.json', 'application/spdx+json', 'sbom.spdx.json'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'spdx-web');
    expect(check.status).toBe('unknown');
    expect(check.summary).toBe(
      'The SBOM of 1.0.0 and the current version 1.1.0 lists packages but no scan result, and no OSV API is configured',
    );
    expect(check.remediation).toContain(
      'rollbackGuard.vulnerabilities.osv.baseUrl',
    );
  });

  it('does not judge an entity whose CI attaches no SBOM; is unknown when only one version has one', async () => {
    await deployBoth(server, 'no-sbom-web', [], []);
    const none = await refreshedCandidate(server, 'no-sbom-web');
    expect(none.checks.map(c => c.checkId)).not.toContain('vulnerabilities');

    await deployBoth(
      server,
      'half-sbom-web',
      [],
      attached('trivy-1.1.0.json', undefined, 'trivy.json'),
    );
    const candidateLacks = await vulnerabilitiesCheck(server, 'half-sbom-web');
    expect(candidateLacks.check.status).toBe('unknown');
    expect(candidateLacks.check.summary).toBe('No SBOM was recorded for 1.0.0');

    await deployBoth(
      server,
      'other-half-web',
      attached('trivy-1.0.0.json', undefined, 'trivy.json'),
      [],
    );
    const half = await vulnerabilitiesCheck(server, 'other-half-web');
    expect(half.check.status).toBe('unknown');
    expect(half.check.summary).toBe(
      'No SBOM was recorded for the current version 1.1.0',
    );
    expect(half.readiness.risk).not.toBe('low');
  });

  it('is unknown for an SBOM recorded by reference only', async () => {
    await deployBoth(
      server,
      'by-reference-web',
      [
        {
          name: 'sbom',
          mediaType: CYCLONEDX,
          reference: 'registry.example.com/web:sbom-1.0.0',
        },
      ],
      attached('cyclonedx-trivy-1.1.0.json', CYCLONEDX, 'sbom'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'by-reference-web');
    expect(check.status).toBe('unknown');
    expect(check.summary).toContain(
      'recorded by reference only (registry.example.com/web:sbom-1.0.0)',
    );
  });

  it('refuses a malformed SBOM when it is recorded, with a 400 that says why, and records nothing', async () => {
    const record = (sbom: Record<string, string>) =>
      request(server)
        .post('/api/rollback-guard/ledger/deployments')
        .set('Authorization', mockCredentials.service.header())
        .send({
          id: `malformed-web-${sbom.name}`,
          entityRef: 'component:default/malformed-web',
          environment: 'production',
          version: '1.0.0',
          strategy: 'rolling',
          state: 'succeeded',
          evidence: [{ kind: 'sbom', ...sbom }],
        });
    const old = await record({
      name: 'old.cdx.json',
      mediaType: CYCLONEDX,
      content: '{"bomFormat":"CycloneDX","specVersion":"1.2","components":[]}',
    });
    expect(old.status).toBe(400);
    expect(old.body.error).toMatchObject({
      name: 'InputError',
      message:
        'Invalid body: body.evidence.0: sbom "old.cdx.json" is not valid CycloneDX JSON: specVersion: is CycloneDX "1.2"; this check reads CycloneDX 1.4 to 1.6',
    });
    const truncated = await record({
      name: 'trivy.json',
      mediaType: 'application/vnd.trivy+json',
      content: fixture('trivy-1.0.0.json').slice(0, 400),
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.message).toMatch(
      /^Invalid body: body.evidence.0: sbom "trivy.json" is not JSON: /,
    );
    const xml = await record({
      name: 'bom.xml',
      mediaType: 'application/vnd.cyclonedx+xml',
      content: '<bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>',
    });
    expect(xml.status).toBe(400);
    expect(xml.body.error.message).toContain(
      'has media type application/vnd.cyclonedx+xml, which this check does not read',
    );
    const history = await request(server)
      .get('/api/rollback-guard/deployments')
      .query({ entityRef: 'component:default/malformed-web' })
      .set('Authorization', mockCredentials.user.header());
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toContain('malformed-web-');
  });

  it('reads an SBOM recorded once and referenced by its SHA-256 after', async () => {
    const content = fixture('cyclonedx-trivy-1.1.0.json');
    const sha256 = createHash('sha256').update(content).digest('hex');
    await deployBoth(
      server,
      'reused-web',
      [{ name: 'sbom.json', content }],
      [{ name: 'sbom.json', sha256 }],
    );
    const { check } = await vulnerabilitiesCheck(server, 'reused-web');
    expect(check.status).toBe('pass');
  });

  it('shows on the example search-api that going back to 2.3.0 re-opens CVE-2021-23337', async () => {
    // The example data as scripts/seed-ledger.js records it.
    const examples = path.resolve(__dirname, '../../../examples');
    const { deployments } = JSON.parse(
      fs.readFileSync(path.join(examples, 'deployments.json'), 'utf8'),
    );
    const searchApi = deployments.filter(
      (d: { entityRef: string }) =>
        d.entityRef === 'component:default/search-api',
    );
    expect(searchApi.map((d: { version: string }) => d.version)).toEqual([
      '2.3.0',
      '2.4.0',
    ]);
    for (const {
      startedMinutesAgo,
      durationMinutes,
      sboms,
      ...fields
    } of searchApi) {
      const started = Date.now() - startedMinutesAgo * 60_000;
      const response = await request(server)
        .post('/api/rollback-guard/ledger/deployments')
        .set('Authorization', mockCredentials.service.header())
        .send({
          ...fields,
          startedAt: new Date(started).toISOString(),
          finishedAt: new Date(
            started + durationMinutes * 60_000,
          ).toISOString(),
          evidence: sboms.map((file: string) => ({
            kind: 'sbom',
            name: file,
            mediaType: CYCLONEDX,
            content: fs.readFileSync(
              path.join(examples, 'sboms', 'search-api', file),
              'utf8',
            ),
          })),
        });
      expect(response.status).toBe(201);
    }
    const { check, readiness } = await vulnerabilitiesCheck(
      server,
      'search-api',
    );
    expect(readiness.candidate.version).toBe('2.3.0');
    expect(readiness.risk).toBe('high');
    expect(check.summary).toBe(
      "Going back to 2.3.0 re-opens CVE-2021-23337 (high) in lodash 4.17.20, fixed in the current version's 4.17.21 and 1 more vulnerability",
    );
  });
});
