import { http, HttpResponse } from 'msw';

export const OSV_BASE = 'https://api.osv.test';

type Query = { package?: { purl?: string }; page_token?: string };

/**
 * OSV records of the test's packages, shaped like api.osv.dev's answers:
 * GitHub's advisories rate in words, PyPI-style records carry only CVSS.
 */
export const OSV_RECORDS: Record<string, object> = {
  'GHSA-35jh-r3h4-6jhm': {
    schema_version: '1.6.0',
    id: 'GHSA-35jh-r3h4-6jhm',
    modified: '2024-11-21T05:51:31Z',
    published: '2021-05-06T16:05:51Z',
    aliases: ['CVE-2021-23337'],
    summary: 'Command Injection in lodash',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash', purl: 'pkg:npm/lodash' },
        ranges: [
          {
            type: 'SEMVER',
            events: [{ introduced: '0' }, { fixed: '4.17.21' }],
          },
        ],
        database_specific: {
          source:
            'https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/2021/05/GHSA-35jh-r3h4-6jhm/GHSA-35jh-r3h4-6jhm.json',
        },
      },
    ],
    severity: [
      {
        type: 'CVSS_V3',
        score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
      },
    ],
    references: [
      {
        type: 'ADVISORY',
        url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337',
      },
      {
        type: 'WEB',
        url: 'https://github.com/lodash/lodash/commit/3469357cff396a26c363f8c1b5a91dde28ba4b1c',
      },
      { type: 'PACKAGE', url: 'https://github.com/lodash/lodash' },
    ],
    database_specific: {
      cwe_ids: ['CWE-77', 'CWE-94'],
      severity: 'HIGH',
      github_reviewed: true,
    },
  },
  'GHSA-29mw-wpgm-hmr9': {
    id: 'GHSA-29mw-wpgm-hmr9',
    modified: '2024-11-21T05:22:55Z',
    aliases: ['CVE-2020-28500'],
    summary: 'Regular Expression Denial of Service (ReDoS) in lodash',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash', purl: 'pkg:npm/lodash' },
        ranges: [
          {
            type: 'SEMVER',
            events: [{ introduced: '4.0.0' }, { fixed: '4.17.21' }],
          },
        ],
      },
    ],
    // Rated by its vector only: 5.3, medium.
    severity: [
      {
        type: 'CVSS_V3',
        score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
      },
    ],
    references: [
      {
        type: 'ADVISORY',
        url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-28500',
      },
    ],
  },
};

/** What OSV knows per package URL; lodash 4.17.20's answer comes in two pages. */
const KNOWN: Record<string, Array<{ id: string; modified: string }>> = {
  'pkg:npm/lodash@4.17.20': [
    { id: 'GHSA-35jh-r3h4-6jhm', modified: '2024-11-21T05:51:31Z' },
    { id: 'GHSA-29mw-wpgm-hmr9', modified: '2024-11-21T05:22:55Z' },
  ],
};

/** Every request the mock OSV received, in order. */
export const osvRequests: Array<{ path: string; body?: { queries: Query[] } }> =
  [];

export const osvHandlers = [
  http.post(`${OSV_BASE}/v1/querybatch`, async ({ request }) => {
    const body = (await request.json()) as { queries: Query[] };
    osvRequests.push({ path: '/v1/querybatch', body });
    if (!Array.isArray(body?.queries)) {
      return HttpResponse.json(
        { code: 3, message: 'Invalid query.' },
        { status: 400 },
      );
    }
    return HttpResponse.json({
      results: body.queries.map(query => {
        const vulns = KNOWN[query.package?.purl ?? ''] ?? [];
        if (vulns.length === 0) return {};
        if (!query.page_token) {
          return { vulns: vulns.slice(0, 1), next_page_token: 'page-2' };
        }
        return { vulns: vulns.slice(1) };
      }),
    });
  }),
  http.get(`${OSV_BASE}/v1/vulns/:id`, ({ params }) => {
    const id = String(params.id);
    osvRequests.push({ path: `/v1/vulns/${id}` });
    const record = OSV_RECORDS[id];
    return record
      ? HttpResponse.json(record)
      : HttpResponse.json(
          { code: 5, message: 'Bug not found.' },
          { status: 404 },
        );
  }),
];
