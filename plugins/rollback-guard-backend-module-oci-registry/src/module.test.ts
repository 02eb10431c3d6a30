import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { fakeCatalog } from '@internal/rollback-guard-test-harness';
// The module is tested in the backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import ociRegistryModule from './index';

// Naming a check in disabledChecks that is not installed stops the backend:
// whether it starts tells whether the module added its checks.
const config = mockServices.rootConfig.factory({
  data: {
    rollbackGuard: {
      readiness: {
        disabledChecks: ['artifact-availability', 'registry-credentials'],
      },
    },
  },
});

describe('the OCI registry module', () => {
  it('adds the artifact availability and registry credentials checks', async () => {
    const started = startTestBackend({
      features: [rollbackGuardPlugin, ociRegistryModule, fakeCatalog(), config],
    });
    await expect(started).resolves.toBeDefined();
    await (await started).stop();
  });

  it('is what brings them: the plugin alone has neither', async () => {
    await expect(
      startTestBackend({
        features: [rollbackGuardPlugin, fakeCatalog(), config],
      }),
    ).rejects.toThrow(
      /disabledChecks names "artifact-availability", which is not installed/,
    );
  });
});
