import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import catalogBackend from '@backstage/plugin-catalog-backend';
import rollbackGuardBackend from '@rollback-guard/plugin-rollback-guard-backend';
import kubernetesModule from '@rollback-guard/plugin-rollback-guard-backend-module-kubernetes';
import { untilProcessed } from '@internal/rollback-guard-test-harness';
import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import {
  createExampleKubernetesRouter,
  EXAMPLE_KUBERNETES_TOKEN,
} from './exampleKubernetes';

const API = '/api/rollback-guard';
const ENTITY = 'component:default/inventory-api';

// The example as `npm start` runs it: inventory-api from examples/entities.yaml
// and the example Kubernetes API's routes, on a server of their own here so
// that the cluster's URL is known before the backend starts.
describe('the Argo Rollouts example', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let cluster: Server;
  const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  const user = mockCredentials.user.header('user:default/ana');

  beforeAll(async () => {
    const app = express();
    app.use('/api/example-kubernetes', createExampleKubernetesRouter());
    cluster = app.listen(0, '127.0.0.1');
    await new Promise(resolve => cluster.once('listening', resolve));
    const port = (cluster.address() as AddressInfo).port;
    backend = await startTestBackend({
      features: [
        catalogBackend,
        rollbackGuardBackend,
        kubernetesModule,
        mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.push(task);
          },
        }).factory,
        // As the example backend's allow-all policy does.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'API', 'Group', 'User'] },
              ],
              locations: [
                {
                  type: 'file',
                  target: path.resolve(
                    __dirname,
                    '../../../examples/entities.yaml',
                  ),
                },
              ],
            },
            rollbackGuard: {
              kubernetes: {
                clusters: [
                  {
                    name: 'example',
                    url: `http://127.0.0.1:${port}/api/example-kubernetes`,
                    serviceAccountToken: EXAMPLE_KUBERNETES_TOKEN,
                    allowPrivateAddresses: true,
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    await untilProcessed(backend.server, 'inventory-api', user);
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await new Promise(resolve => cluster?.close(resolve));
  });

  const current = async () => {
    const res = await request(backend.server)
      .get(`${API}/rollout?entityRef=${encodeURIComponent(ENTITY)}`)
      .set('Authorization', user)
      .expect(200);
    return res.body.environments.find(
      (e: any) => e.environment === 'production',
    );
  };

  it('shows inventory-api’s canary 2.4.0 paused at 20%, 2.3.1 stable', async () => {
    const production = await current();
    expect(production.current).toMatchObject({
      version: '2.4.0',
      state: 'paused',
      strategy: 'canary',
      trafficPercent: 20,
      provider: 'kubernetes',
    });
    expect(production.stable).toMatchObject({
      version: '2.3.1',
      trafficPercent: 80,
    });
  });

  it('an abort runs to verified', async () => {
    const asked = await request(backend.server)
      .post(`${API}/actions`)
      .set('Authorization', user)
      .send({
        entityRef: ENTITY,
        environment: 'production',
        kind: 'abort',
        reason: '2.4.0 returns 500s on stock reservations',
        idempotencyKey: 'example-abort',
      });
    expect([asked.status, asked.body.error?.message]).toEqual([201, undefined]);
    expect(asked.body.status).toBe('executing');
    expect((await current()).current).toMatchObject({
      version: '2.4.0',
      state: 'aborted',
      trafficPercent: 0,
    });
    await tasks
      .find(t => t.id === 'rollback-guard-actions-sweep')!
      .fn(new AbortController().signal as any);
    const action = await request(backend.server)
      .get(`${API}/actions/${asked.body.id}`)
      .set('Authorization', user)
      .expect(200);
    expect(action.body).toMatchObject({
      status: 'succeeded',
      outcome: expect.stringContaining('2.4.0 is aborted in production'),
    });
  });
});
