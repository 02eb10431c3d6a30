/*
 * Vulnerabilities benchmark: two CycloneDX 1.5 SBOMs of 5,000 components
 * and 1,000 vulnerabilities each (a deterministic generator; the current
 * version fixed a tenth of them and names another tenth by their alias),
 * parsed, merged and compared as the check does on every readiness run;
 * the median of several runs after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { percentile, print } from './util';
import { parseSbom } from '../plugins/rollback-guard-backend-module-vulnerabilities/src/sbom/parse';
import {
  findReopened,
  mergeVulnerabilities,
} from '../plugins/rollback-guard-backend-module-vulnerabilities/src/reopened';

const COMPONENTS = 5000;
const VULNERABILITIES = 1000;
const RUNS = 7;
const AIM_MS = 500;
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

function bom(version: 'candidate' | 'current'): string {
  const components = Array.from({ length: COMPONENTS }, (_, i) => ({
    'bom-ref': `pkg:npm/package-${i}@1.${i % 7}.${
      version === 'current' ? 1 : 0
    }`,
    type: 'library',
    name: `package-${i}`,
    version: `1.${i % 7}.${version === 'current' ? 1 : 0}`,
    purl: `pkg:npm/package-${i}@1.${i % 7}.${version === 'current' ? 1 : 0}`,
  }));
  const vulnerabilities = Array.from({ length: VULNERABILITIES }, (_, i) => i)
    // The current version fixed every tenth vulnerability.
    .filter(i => version === 'candidate' || i % 10 !== 0)
    .map(i => {
      const cve = `CVE-2026-${10000 + i}`;
      const ghsa = `GHSA-${i.toString(36).padStart(4, '0')}-bench-xxxx`;
      // Every tenth-plus-one is named by its GHSA id in the current SBOM.
      const aliasFirst = version === 'current' && i % 10 === 1;
      return {
        id: aliasFirst ? ghsa : cve,
        references: [{ id: aliasFirst ? cve : ghsa }],
        ratings: [{ severity: SEVERITIES[i % 4], score: 9 - (i % 4) * 2 }],
        description: `Vulnerability ${i} in package-${i * 5}`,
        advisories: [{ url: `https://github.com/advisories/${ghsa}` }],
        affects: [{ ref: components[(i * 5) % COMPONENTS]['bom-ref'] }],
      };
    });
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    components,
    vulnerabilities,
  });
}

function compare(candidate: string, current: string) {
  const then = parseSbom(candidate, 'application/vnd.cyclonedx+json');
  const now = parseSbom(current, 'application/vnd.cyclonedx+json');
  return findReopened({
    candidate: mergeVulnerabilities([then.vulnerabilities ?? []]),
    current: mergeVulnerabilities([now.vulnerabilities ?? []]),
  });
}

function main() {
  const candidate = bom('candidate');
  const current = bom('current');
  const reopened = compare(candidate, current);
  if (reopened.length !== VULNERABILITIES / 10) {
    throw new Error(
      `expected ${VULNERABILITIES / 10} re-opened, got ${reopened.length}`,
    );
  }
  const timings: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    compare(candidate, current);
    timings.push(performance.now() - t0);
  }
  const ms = percentile(timings, 50);
  print(
    'vulnerabilities.sbom_bytes',
    Buffer.byteLength(candidate) + Buffer.byteLength(current),
    'bytes',
  );
  print('vulnerabilities.compare_5k_components_1k_vulns_ms', ms, 'ms');
  print(
    'vulnerabilities.compare_5k_components_1k_vulns_ratio_to_aim',
    ms / AIM_MS,
    'ratio (aim <= 1)',
  );
}

main();
