import { execFileSync } from 'node:child_process';
import path from 'node:path';
// The real OCI registry harness the backend's tests use.
import {
  registryAvailable,
  startTestRegistry,
} from '@internal/rollback-guard-test-harness';

const ROOT = path.resolve(__dirname, '../../..');
const API = 'http://localhost:7007/api/rollback-guard';
// The example CI token of app-config.yaml.
const CI_TOKEN = 'rollback-guard-example-ci-token';
const REPOSITORY = 'demo/registry-demo';

async function record(body: object) {
  const response = await fetch(`${API}/ledger/deployments`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${CI_TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `recording failed: ${response.status} ${await response.text()}`,
    );
  }
}

/**
 * Records the example deployments, as `npm start` does, and pipeline-demo's
 * canary; then starts a real
 * OCI registry on 127.0.0.1:5055 (the host app-config.e2e.yaml allows) with
 * two images of registry-demo, deletes one of them, and records
 * registry-demo's deployments with their digests.
 */
export default async function globalSetup() {
  execFileSync('node', [path.join(ROOT, 'scripts/seed-ledger.js')], {
    stdio: 'inherit',
  });

  // pipeline-demo: a canary rolling out in production over a stable 1.0.0.
  // The ids are new at each run, so that its newest deployment is always a
  // canary in progress, even against a backend kept from an earlier run.
  const run = Date.now().toString(36);
  const stable = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  for (const [version, state, startedAt] of [
    ['1.0.0', 'succeeded', stable.toISOString()],
    ['1.1.0', 'progressing', new Date().toISOString()],
  ]) {
    await record({
      id: `pipeline-demo-${version}-${run}`,
      entityRef: 'component:default/pipeline-demo',
      environment: 'production',
      version,
      strategy: 'canary',
      state,
      trafficPercent: state === 'progressing' ? 10 : undefined,
      startedAt,
    });
  }

  const { available, missingPackages } = registryAvailable();
  if (!available) {
    if (process.env.CI) {
      throw new Error(
        `The browser test needs a real OCI registry in CI: apt-get install ${missingPackages.join(
          ' ',
        )}`,
      );
    }
    process.stdout.write(
      `[e2e] registry part SKIPPED: apt-get install ${missingPackages.join(
        ' ',
      )}\n`,
    );
    process.env.ROLLBACK_GUARD_E2E_REGISTRY = 'missing';
    return undefined;
  }

  const registry = await startTestRegistry({
    port: 5055,
    username: 'e2e',
    password: 'e2e-registry-password',
  });
  const present = await registry.pushImage(REPOSITORY, '1.1.0');
  const deleted = await registry.pushImage(REPOSITORY, '1.0.0');
  await registry.deleteManifest(REPOSITORY, deleted);

  // Ids carry the digests: a rerun against a running backend records anew.
  const deployments = [
    ['1.0.0', deleted, 'succeeded', '2026-11-01T10:00:00Z'],
    ['1.1.0', present, 'succeeded', '2026-11-10T10:00:00Z'],
    ['1.2.0', undefined, 'failed', '2026-11-20T10:00:00Z'],
  ] as const;
  for (const [version, digest, state, startedAt] of deployments) {
    await record({
      id: `registry-demo-${version}-${(digest ?? present).slice(7, 19)}`,
      entityRef: 'component:default/registry-demo',
      environment: 'production',
      version,
      ...(digest
        ? {
            artifact: {
              reference: `${registry.host}/${REPOSITORY}:${version}`,
              digest,
            },
          }
        : {}),
      strategy: 'rolling',
      state,
      startedAt,
    });
  }
  return async () => registry.stop();
}
