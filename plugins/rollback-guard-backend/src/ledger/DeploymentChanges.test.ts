import { mockServices } from '@backstage/backend-test-utils';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentChanges } from './DeploymentChanges';

const deployment: Deployment = {
  id: 'd-1',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  version: '1.0.0',
  strategy: 'rolling',
  state: 'succeeded',
  startedAt: '2026-11-01T00:00:00Z',
};

describe('DeploymentChanges', () => {
  it('tells every subscriber, in order, even after one fails, and logs the failure', async () => {
    const logger = mockServices.logger.mock();
    const changes = new DeploymentChanges(logger);
    const heard: string[] = [];
    changes.subscribe('readiness', async d => {
      heard.push(`readiness ${d.id}`);
      throw new Error('store down');
    });
    changes.subscribe('action verification', async d => {
      heard.push(`verification ${d.id}`);
    });
    await expect(changes.publish(deployment)).resolves.toBeUndefined();
    expect(heard).toEqual(['readiness d-1', 'verification d-1']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('deployment d-1 (readiness): Error: store down'),
    );
  });
});
