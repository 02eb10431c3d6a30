import fs from 'node:fs';
import path from 'node:path';
import { parseSbom, SbomError } from './parse';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseSbom', () => {
  it('reads a CycloneDX 1.5 BOM as Trivy writes it: packages, vulnerabilities, severities, advisories', () => {
    const sbom = parseSbom(
      fixture('cyclonedx-trivy-1.0.0.json'),
      'application/vnd.cyclonedx+json',
    );
    expect(sbom.format).toBe('cyclonedx');
    expect(sbom.specVersion).toBe('1.5');
    expect(sbom.packages).toEqual([
      { name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
      { name: 'express', version: '4.21.1', purl: 'pkg:npm/express@4.21.1' },
    ]);
    expect(sbom.vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2020-28500',
        severity: 'medium',
        packages: [
          expect.objectContaining({ name: 'lodash', version: '4.17.20' }),
        ],
      }),
      expect.objectContaining({
        id: 'CVE-2021-23337',
        severity: 'high',
        urls: expect.arrayContaining([
          'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
        ]),
      }),
    ]);
  });

  it('tells a scanned BOM with nothing found from a BOM nobody scanned', () => {
    expect(
      parseSbom(fixture('cyclonedx-trivy-1.1.0.json')).vulnerabilities,
    ).toEqual([]);
    const unscanned = JSON.parse(fixture('cyclonedx-trivy-1.1.0.json'));
    delete unscanned.vulnerabilities;
    expect(
      parseSbom(JSON.stringify(unscanned)).vulnerabilities,
    ).toBeUndefined();
  });

  it('keeps a CycloneDX VEX analysis that says not affected', () => {
    const bom = JSON.parse(fixture('cyclonedx-trivy-1.0.0.json'));
    bom.vulnerabilities[1].analysis = {
      state: 'not_affected',
      justification: 'code_not_reachable',
    };
    const sbom = parseSbom(JSON.stringify(bom));
    expect(sbom.vulnerabilities?.map(v => [v.id, v.notAffected])).toEqual([
      ['CVE-2020-28500', undefined],
      ['CVE-2021-23337', true],
    ]);
  });

  it('reads a CycloneDX 1.6 BOM as Grype writes it, with the CVE as an alias of the GHSA id and affects by bom-ref', () => {
    const sbom = parseSbom(fixture('cyclonedx-grype-1.6.json'));
    expect(sbom.vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'GHSA-xvch-5gv4-984h',
        aliases: ['CVE-2021-44906'],
        severity: 'critical',
        packages: [
          {
            name: 'minimist',
            version: '1.2.5',
            purl: 'pkg:npm/minimist@1.2.5',
          },
        ],
      }),
    ]);
  });

  it('reads SPDX 2.3 JSON: packages with their package URLs, no scan result', () => {
    const sbom = parseSbom(fixture('spdx-1.0.0.json'), 'application/spdx+json');
    expect(sbom).toEqual({
      format: 'spdx',
      specVersion: 'SPDX-2.3',
      packages: [
        { name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
        { name: 'express', version: '4.21.1', purl: 'pkg:npm/express@4.21.1' },
      ],
    });
  });

  it('reads a Trivy JSON report: one entry per vulnerability, fixed versions, primary URLs', () => {
    const sbom = parseSbom(
      fixture('trivy-1.0.0.json'),
      'application/vnd.trivy+json',
    );
    expect(sbom.format).toBe('trivy');
    expect(sbom.vulnerabilities?.map(v => [v.id, v.severity])).toEqual([
      ['CVE-2021-23337', 'high'],
      ['CVE-2020-28500', 'medium'],
      ['CVE-2024-45590', 'high'],
    ]);
    expect(sbom.vulnerabilities?.[0]).toMatchObject({
      title: 'nodejs-lodash: command injection via template',
      urls: ['https://avd.aquasec.com/nvd/cve-2021-23337'],
      packages: [
        {
          name: 'lodash',
          version: '4.17.20',
          purl: 'pkg:npm/lodash@4.17.20',
          fixedIn: '4.17.21',
        },
      ],
    });
  });

  it('reads a Grype JSON report: related vulnerabilities are aliases, the worst rating counts', () => {
    const sbom = parseSbom(
      fixture('grype-1.0.0.json'),
      'application/vnd.grype+json',
    );
    expect(sbom.format).toBe('grype');
    expect(
      sbom.vulnerabilities?.map(v => [v.id, v.aliases, v.severity]),
    ).toEqual([
      ['GHSA-xvch-5gv4-984h', ['CVE-2021-44906'], 'critical'],
      // Grype's own record says Low; the NVD's related record says High.
      ['GHSA-qwcr-r2fm-qrc7', ['CVE-2024-45590'], 'high'],
      ['GHSA-952p-6rrq-rcjv', ['CVE-2024-4067'], 'medium'],
    ]);
    expect(sbom.vulnerabilities?.[0].packages[0].fixedIn).toBe('1.2.6');
  });

  it('tells the formats apart by content under application/json or no media type', () => {
    expect(
      parseSbom(fixture('trivy-1.0.0.json'), 'application/json').format,
    ).toBe('trivy');
    expect(parseSbom(fixture('grype-1.0.0.json')).format).toBe('grype');
    expect(parseSbom(fixture('spdx-1.0.0.json')).format).toBe('spdx');
  });

  it.each([
    ['{"bomFormat": "CycloneDX", ', undefined, /^is not JSON: /],
    ['[]', undefined, /^is not a JSON object$/],
    [
      '{"name": "x"}',
      undefined,
      /neither CycloneDX, SPDX, a Trivy report nor a Grype report/,
    ],
    [
      '{"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []}',
      'application/vnd.cyclonedx+json',
      /is not valid CycloneDX JSON: specVersion: is CycloneDX "1.2"; this check reads CycloneDX 1.4 to 1.6/,
    ],
    [
      '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library"}]}',
      undefined,
      /is not valid CycloneDX JSON: components.0.name: Required/,
    ],
    [
      '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": {}}',
      undefined,
      /is not valid SPDX JSON: packages: Expected array/,
    ],
    [
      '{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"PkgName": "a"}]}]}',
      undefined,
      /is not valid Trivy JSON: Results.0.Vulnerabilities.0.VulnerabilityID: Required/,
    ],
    [
      '{"matches": [{"vulnerability": {"id": "GHSA-1"}}]}',
      'application/vnd.grype+json',
      /is not valid Grype JSON: matches.0.artifact: Required/,
    ],
    [
      '<bom/>',
      'application/vnd.cyclonedx+xml',
      /has media type application\/vnd.cyclonedx\+xml, which this check does not read; send one of application\/vnd.cyclonedx\+json/,
    ],
  ])(
    'refuses %s with a reason a person can act on',
    (content, mediaType, reason) => {
      expect(() => parseSbom(content, mediaType)).toThrow(SbomError);
      expect(() => parseSbom(content, mediaType)).toThrow(reason);
    },
  );
});
