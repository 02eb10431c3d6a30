import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { fakeCatalog } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from './plugin';

// The example configuration people copy: its rate limit for the plugin's
// routes holds, and its ledger writers are what the example writes with.
const example = YAML.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
);

describe('the example app-config.yaml', () => {
  it('limits the requests to the plugin per client with backend.rateLimit', async () => {
    const rateLimit = example.backend.rateLimit;
    const limit: number =
      rateLimit.plugin['rollback-guard'].incomingRequestLimit;
    expect(limit).toBeGreaterThan(0);
    const { server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog(),
        mockServices.rootConfig.factory({ data: { backend: { rateLimit } } }),
      ],
    });
    // The whole allowance, 50 at a time, then one more.
    const statuses: number[] = [];
    for (let sent = 0; sent < limit; sent += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, limit - sent) }, () =>
          request(server).get('/api/rollback-guard/health'),
        ),
      );
      statuses.push(...batch.map(r => r.status));
    }
    expect(statuses.filter(status => status !== 200)).toEqual([]);
    const over = await request(server).get('/api/rollback-guard/health');
    expect(over.status).toBe(429);
  }, 60_000);

  it('lets its CI token and its example pipeline write the ledger, by subject', () => {
    // A static external access token's principal has the configured
    // subject as it is; another plugin's is plugin:<pluginId>.
    expect(example.rollbackGuard.ledger.writers).toEqual([
      example.backend.auth.externalAccess[0].options.subject,
      'plugin:example-pipeline',
    ]);
  });
});
