import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  OSV_BASE,
  osvHandlers,
  osvRequests,
} from '../__testUtils__/osvHandlers';
import { OsvClient } from './OsvClient';

// OSV cannot be reached from here: msw answers as api.osv.dev documents.
const osv = setupServer(...osvHandlers);

const client = (cacheMs: number, maxRecordLookups = 200) =>
  new OsvClient({
    baseUrl: new URL(OSV_BASE),
    allowPrivateAddresses: false,
    timeoutMs: 2000,
    maxRecordLookups,
    cacheMs,
  });

describe('OsvClient', () => {
  beforeAll(() => osv.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    osv.resetHandlers();
    osvRequests.length = 0;
  });
  afterAll(() => osv.close());

  it('reuses a package’s answer within cacheMs, and asks only about the others', async () => {
    const osvClient = client(60_000);
    const first = await osvClient.queryPurls(['pkg:npm/lodash@4.17.20']);
    expect(first.get('pkg:npm/lodash@4.17.20')?.map(v => v.id)).toEqual([
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-29mw-wpgm-hmr9',
    ]);
    const asked = osvRequests.length; // two pages
    expect(asked).toBe(2);
    const second = await osvClient.queryPurls([
      'pkg:npm/lodash@4.17.20',
      'pkg:npm/express@4.21.1',
    ]);
    expect(second.get('pkg:npm/lodash@4.17.20')).toEqual(
      first.get('pkg:npm/lodash@4.17.20'),
    );
    expect(second.get('pkg:npm/express@4.21.1')).toEqual([]);
    expect(osvRequests.slice(asked).map(r => r.body?.queries)).toEqual([
      [{ package: { purl: 'pkg:npm/express@4.21.1' } }],
    ]);
  });

  it('asks again once cacheMs is over', async () => {
    const osvClient = client(0);
    await osvClient.queryPurls(['pkg:npm/express@4.21.1']);
    await osvClient.queryPurls(['pkg:npm/express@4.21.1']);
    expect(osvRequests).toHaveLength(2);
  });

  it('reads a record again only when its modified time moved, and at most maxRecordLookups', async () => {
    const osvClient = client(0, 1);
    const ids = [
      { id: 'GHSA-35jh-r3h4-6jhm', modified: '2024-11-21T05:51:31Z' },
      { id: 'GHSA-29mw-wpgm-hmr9', modified: '2024-11-21T05:22:55Z' },
    ];
    const first = await osvClient.records(ids);
    expect([...first.records.keys()]).toEqual(['GHSA-35jh-r3h4-6jhm']);
    expect(first.unread).toBe(1);
    expect(first.records.get('GHSA-35jh-r3h4-6jhm')).toMatchObject({
      aliases: ['CVE-2021-23337'],
      severity: 'high',
      fixed: ['4.17.21'],
    });
    const again = await osvClient.records(ids);
    // The first is cached; the second is read now.
    expect([...again.records.keys()].sort()).toEqual([
      'GHSA-29mw-wpgm-hmr9',
      'GHSA-35jh-r3h4-6jhm',
    ]);
    expect(again.records.get('GHSA-29mw-wpgm-hmr9')?.severity).toBe('medium');
    expect(osvRequests.map(r => r.path)).toEqual([
      '/v1/vulns/GHSA-35jh-r3h4-6jhm',
      '/v1/vulns/GHSA-29mw-wpgm-hmr9',
    ]);
    await osvClient.records([{ ...ids[0], modified: '2026-12-01T00:00:00Z' }]);
    expect(osvRequests).toHaveLength(3);
  });

  it('compares a withdrawn record (404) by id alone, and fails on a 500', async () => {
    const osvClient = client(0);
    const missing = await osvClient.records([{ id: 'GHSA-gone-gone-gone' }]);
    expect(missing.records.size).toBe(0);
    expect(missing.unread).toBe(0);

    osv.use(
      http.get(`${OSV_BASE}/v1/vulns/:id`, () =>
        HttpResponse.json(
          { code: 13, message: 'Internal error.' },
          { status: 500 },
        ),
      ),
    );
    await expect(
      osvClient.records([{ id: 'GHSA-35jh-r3h4-6jhm', modified: 'x' }]),
    ).rejects.toThrow(
      'OSV answered /v1/vulns/GHSA-35jh-r3h4-6jhm with HTTP 500: Internal error.',
    );
  });

  it('refuses an answer without one result per query', async () => {
    osv.use(
      http.post(`${OSV_BASE}/v1/querybatch`, () =>
        HttpResponse.json({ results: [] }),
      ),
    );
    await expect(
      client(0).queryPurls(['pkg:npm/express@4.21.1']),
    ).rejects.toThrow('without its documented shape');
  });
});
