import { findReopened, mergeVulnerabilities } from './reopened';
import { KnownVulnerability } from './sbom/types';

const vuln = (
  id: string,
  severity: KnownVulnerability['severity'],
  aliases: string[] = [],
  source = 'trivy',
): KnownVulnerability => ({
  id,
  aliases,
  severity,
  packages: [{ name: 'lodash', version: '4.17.20' }],
  urls: [],
  source,
});

describe('findReopened', () => {
  it('names what the candidate has and the current version lacks, worst first', () => {
    const reopened = findReopened({
      candidate: [
        vuln('CVE-2020-28500', 'medium'),
        vuln('CVE-2021-23337', 'high'),
        vuln('CVE-2024-45590', 'high'),
        vuln('CVE-2099-0001', 'unknown'),
      ],
      current: [vuln('CVE-2024-45590', 'high')],
    });
    expect(reopened.map(v => v.id)).toEqual([
      'CVE-2021-23337',
      'CVE-2020-28500',
      'CVE-2099-0001',
    ]);
  });

  it('leaves out what the candidate’s own VEX analysis marks not affected, whatever OSV says of the package', () => {
    const notAffected = {
      ...vuln('CVE-2021-23337', 'high'),
      notAffected: true,
    };
    expect(findReopened({ candidate: [notAffected], current: [] })).toEqual([]);
    const withOsv = mergeVulnerabilities([
      [vuln('GHSA-35jh-r3h4-6jhm', 'high', ['CVE-2021-23337'], 'osv')],
      [notAffected],
    ]);
    expect(findReopened({ candidate: withOsv, current: [] })).toEqual([]);
    expect(
      findReopened({
        candidate: [...withOsv, vuln('CVE-2020-28500', 'medium')],
        current: [],
      }).map(v => v.id),
    ).toEqual(['CVE-2020-28500']);
  });

  it('matches a GHSA id to its CVE through aliases, either way, whatever the case', () => {
    expect(
      findReopened({
        candidate: [vuln('GHSA-35jh-r3h4-6jhm', 'high', ['CVE-2021-23337'])],
        current: [vuln('cve-2021-23337', 'high')],
      }),
    ).toEqual([]);
    expect(
      findReopened({
        candidate: [vuln('CVE-2021-23337', 'high')],
        current: [vuln('GHSA-35jh-r3h4-6jhm', 'high', ['CVE-2021-23337'])],
      }),
    ).toEqual([]);
  });
});

describe('mergeVulnerabilities', () => {
  it('makes one entry of what several sources say, bridging through aliases', () => {
    const merged = mergeVulnerabilities([
      [vuln('CVE-2021-23337', 'medium')],
      [vuln('GHSA-xxxx', 'unknown', ['PYSEC-1'], 'osv')],
      [
        vuln(
          'GHSA-35jh-r3h4-6jhm',
          'high',
          ['CVE-2021-23337', 'GHSA-xxxx'],
          'osv',
        ),
      ],
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: 'CVE-2021-23337',
      severity: 'high',
      source: 'trivy, osv',
    });
    expect(merged[0].aliases.sort()).toEqual([
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-xxxx',
      'PYSEC-1',
    ]);
  });
});
