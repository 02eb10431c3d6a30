import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  attached,
  deployBoth,
  fixture,
  Server,
  startBackend,
  vulnerabilitiesCheck,
} from './__testUtils__/backend';
import { readOsvSettings } from './module';
import { OsvClient } from './osv/OsvClient';
import {
  OSV_BASE,
  osvHandlers,
  osvRequests,
} from './__testUtils__/osvHandlers';

const SPDX = 'application/spdx+json';
const spdx = (version: '1.0.0' | '1.1.0') => [
  {
    name: 'sbom.spdx.json',
    mediaType: SPDX,
    content: fixture(`spdx-${version}.json`),
  },
];

// OSV cannot be reached from here: msw answers as api.osv.dev documents.
// Requests to the test backend itself pass through.
const osv = setupServer(...osvHandlers);

describe('the vulnerabilities module with OSV', () => {
  let server: Server;

  beforeAll(async () => {
    osv.listen({ onUnhandledRequest: 'bypass' });
    server = await startBackend(
      [
        'spdx-web',
        'stale-web',
        'merged-web',
        'bad-request-web',
        'limited-web',
        'retry-web',
        'down-web',
        'down-but-known-web',
      ],
      {
        rollbackGuard: {
          vulnerabilities: {
            // Each test gives OSV's answers anew.
            osv: {
              baseUrl: OSV_BASE,
              allowedHosts: ['api.osv.test'],
              cacheMinutes: 0,
            },
          },
        },
      },
    );
  });
  afterEach(() => {
    osv.resetHandlers();
    osvRequests.length = 0;
  });
  afterAll(() => osv.close());

  it('judges SPDX SBOMs by what OSV knows: the re-opened GHSA with its CVE, severity and links', async () => {
    await deployBoth(server, 'spdx-web', spdx('1.0.0'), spdx('1.1.0'));
    const { check } = await vulnerabilitiesCheck(server, 'spdx-web');
    expect(check.status).toBe('fail');
    expect(
      check.findings?.map(f => [f.rule, f.severity, f.references]),
    ).toEqual([
      ['GHSA-35jh-r3h4-6jhm', 'high', ['CVE-2021-23337']],
      ['GHSA-29mw-wpgm-hmr9', 'medium', ['CVE-2020-28500']],
    ]);
    expect(check.findings?.[0]).toMatchObject({
      message:
        'Command Injection in lodash. 1.0.0 ships lodash 4.17.20 (the current version has 4.17.21); fixed in 4.17.21',
      links: [
        {
          title: 'GHSA-35jh-r3h4-6jhm on osv.dev',
          url: 'https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm',
        },
        {
          title: 'CVE-2021-23337 on nvd.nist.gov',
          url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337',
        },
      ],
    });
    expect(check.facts).toContainEqual({
      label: 'OSV',
      value: 'asked api.osv.test about 3 packages',
    });
    // One batch for both versions' packages, a second page for lodash,
    // then each record once.
    const batches = osvRequests.filter(r => r.path === '/v1/querybatch');
    expect(batches[0].body?.queries.map(q => q.package?.purl).sort()).toEqual([
      'pkg:npm/express@4.21.1',
      'pkg:npm/lodash@4.17.20',
      'pkg:npm/lodash@4.17.21',
    ]);
    expect(batches[1].body?.queries).toEqual([
      { package: { purl: 'pkg:npm/lodash@4.17.20' }, page_token: 'page-2' },
    ]);
    expect(
      osvRequests.filter(r => r.path.startsWith('/v1/vulns/')),
    ).toHaveLength(2);
  });

  it('judges a candidate scanned long ago by today’s knowledge', async () => {
    const scannedClean = JSON.parse(fixture('cyclonedx-trivy-1.0.0.json'));
    scannedClean.vulnerabilities = [];
    await deployBoth(
      server,
      'stale-web',
      [{ name: 'sbom.json', content: JSON.stringify(scannedClean) }],
      attached('cyclonedx-trivy-1.1.0.json', undefined, 'sbom.json'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'stale-web');
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(
      /^Going back to 1.0.0 re-opens GHSA-35jh-r3h4-6jhm \(high\) in lodash 4.17.20/,
    );
  });

  it('makes one finding of a CVE the scanner reported and the GHSA OSV returned for it', async () => {
    await deployBoth(
      server,
      'merged-web',
      attached('trivy-1.0.0.json', undefined, 'trivy.json'),
      attached('trivy-1.1.0.json', undefined, 'trivy.json'),
    );
    const { check } = await vulnerabilitiesCheck(server, 'merged-web');
    expect(check.findings?.map(f => f.rule)).toEqual([
      'CVE-2021-23337',
      'CVE-2020-28500',
    ]);
    expect(check.findings?.[0].references).toEqual(['GHSA-35jh-r3h4-6jhm']);
  });

  it('is unknown when OSV refuses the query (400), naming its message', async () => {
    osv.use(
      http.post(`${OSV_BASE}/v1/querybatch`, () =>
        HttpResponse.json(
          { code: 3, message: 'Invalid query.' },
          { status: 400 },
        ),
      ),
    );
    await deployBoth(server, 'bad-request-web', spdx('1.0.0'), spdx('1.1.0'));
    const { check } = await vulnerabilitiesCheck(server, 'bad-request-web');
    expect(check.status).toBe('unknown');
    expect(check.summary).toBe(
      'The OSV lookup failed (OSV answered POST /v1/querybatch with HTTP 400: Invalid query.) and the SBOM of 1.0.0 and the current version 1.1.0 carries no scan result',
    );
  });

  it('is unknown when OSV rate-limits with a long Retry-After, saying when to retry', async () => {
    osv.use(
      http.post(`${OSV_BASE}/v1/querybatch`, () =>
        HttpResponse.json(
          { code: 8, message: 'Quota exceeded.' },
          { status: 429, headers: { 'Retry-After': '120' } },
        ),
      ),
    );
    await deployBoth(server, 'limited-web', spdx('1.0.0'), spdx('1.1.0'));
    const { check } = await vulnerabilitiesCheck(server, 'limited-web');
    expect(check.status).toBe('unknown');
    expect(check.summary).toContain(
      'OSV is rate-limiting the backend (HTTP 429); it asks to retry after 120 s',
    );
  });

  it('waits out a short Retry-After once and goes on', async () => {
    let calls = 0;
    osv.use(
      http.post(`${OSV_BASE}/v1/querybatch`, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse(null, {
              status: 429,
              headers: { 'Retry-After': '1' },
            })
          : undefined; // falls through to the documented answer
      }),
    );
    await deployBoth(server, 'retry-web', spdx('1.0.0'), spdx('1.1.0'));
    const { check } = await vulnerabilitiesCheck(server, 'retry-web');
    expect(check.status).toBe('fail');
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('never passes when OSV fails (500): unknown, or the SBOMs’ own findings', async () => {
    osv.use(
      http.post(`${OSV_BASE}/v1/querybatch`, () =>
        HttpResponse.text('upstream connect error', { status: 500 }),
      ),
    );
    const clean = {
      name: 'sbom.json',
      content: fixture('cyclonedx-trivy-1.1.0.json'),
    };
    await deployBoth(server, 'down-web', [clean], [clean]);
    const down = await vulnerabilitiesCheck(server, 'down-web');
    expect(down.check.status).toBe('unknown');
    expect(down.check.summary).toBe(
      'The SBOMs show nothing re-opened, but the OSV lookup failed: OSV answered POST /v1/querybatch with HTTP 500',
    );

    await deployBoth(
      server,
      'down-but-known-web',
      attached('cyclonedx-trivy-1.0.0.json', undefined, 'sbom.json'),
      [clean],
    );
    const known = await vulnerabilitiesCheck(server, 'down-but-known-web');
    expect(known.check.status).toBe('fail');
    expect(known.check.details).toContain('The OSV lookup failed');
  });
});

describe('OSV settings and the outbound guard', () => {
  it('refuses a base URL whose host is not in the allow list', () => {
    expect(() =>
      readOsvSettings(
        new ConfigReader({
          rollbackGuard: {
            vulnerabilities: {
              osv: { baseUrl: 'https://osv.attacker.example' },
            },
          },
        }),
      ),
    ).toThrow(
      'rollbackGuard.vulnerabilities.osv.baseUrl names osv.attacker.example, which is not in rollbackGuard.vulnerabilities.osv.allowedHosts (api.osv.dev)',
    );
    expect(readOsvSettings(new ConfigReader({}))).toBeUndefined();
    expect(
      readOsvSettings(
        new ConfigReader({
          rollbackGuard: {
            vulnerabilities: { osv: { baseUrl: 'https://api.osv.dev' } },
          },
        }),
      )?.baseUrl.href,
    ).toBe('https://api.osv.dev/');
  });

  it('sends nothing to a loopback address unless allowed', async () => {
    const client = new OsvClient({
      baseUrl: new URL('http://127.0.0.1:9/'),
      allowPrivateAddresses: false,
      timeoutMs: 1000,
      maxRecordLookups: 10,
      cacheMs: 0,
    });
    await expect(client.queryPurls(['pkg:npm/lodash@4.17.20'])).rejects.toThrow(
      '127.0.0.1 is a loopback address; set rollbackGuard.vulnerabilities.osv.allowPrivateAddresses: true',
    );
  });
});
