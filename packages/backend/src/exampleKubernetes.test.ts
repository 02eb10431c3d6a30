import { ConfigReader } from '@backstage/config';
import {
  KubernetesExecutor,
  KubernetesProvider,
  readKubernetesSettings,
} from '@rollback-guard/plugin-rollback-guard-backend-module-kubernetes';
import { ActionRequest } from '@rollback-guard/plugin-rollback-guard-common';
import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createExampleKubernetesRouter,
  EXAMPLE_KUBERNETES_TOKEN,
} from './exampleKubernetes';

// The example entity's annotations, as examples/entities.yaml gives them.
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'inventory-api',
    annotations: {
      'rollback-guard/environments': 'production',
      'rollback-guard/provider': 'kubernetes',
      'rollback-guard/kubernetes-environments': 'production=example/storefront',
      'backstage.io/kubernetes-id': 'inventory-api',
    },
  },
  spec: {},
};
const entityRef = 'component:default/inventory-api';

describe('the example Kubernetes API', () => {
  let server: Server;
  let provider: KubernetesProvider;
  let executor: KubernetesExecutor;

  beforeEach(async () => {
    // A fresh example for each test.
    const app = express();
    app.use(createExampleKubernetesRouter());
    server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
    const settings = readKubernetesSettings(
      new ConfigReader({
        rollbackGuard: {
          kubernetes: {
            clusters: [
              {
                name: 'example',
                url: `http://127.0.0.1:${
                  (server.address() as AddressInfo).port
                }`,
                serviceAccountToken: EXAMPLE_KUBERNETES_TOKEN,
                allowPrivateAddresses: true,
              },
            ],
          },
        },
      }),
    );
    provider = new KubernetesProvider(settings);
    executor = new KubernetesExecutor(settings);
  });
  afterEach(() => new Promise(resolve => server.close(resolve)));

  const read = () =>
    provider.getCurrentDeployments({
      entity,
      entityRef,
      environments: ['production'],
      signal: new AbortController().signal,
    });
  const history = () =>
    provider.listDeployments({
      entity,
      entityRef,
      environments: ['production'],
      signal: new AbortController().signal,
      limit: 10,
    });
  const act = (kind: ActionRequest['kind'], targetVersion?: string) =>
    executor.execute(
      {
        action: {
          id: 'a',
          environment: 'production',
          kind,
          targetVersion,
        } as ActionRequest,
        entity,
        attempt: 1,
      },
      {},
    );

  it('answers 401 without its token, as an API server does', async () => {
    const res = await request(server).get(
      '/apis/argoproj.io/v1alpha1/namespaces/storefront/rollouts',
    );
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      kind: 'Status',
      code: 401,
      reason: 'Unauthorized',
    });
  });

  it('shows inventory-api’s canary paused at 20%', async () => {
    expect(await read()).toEqual([
      expect.objectContaining({
        version: '2.4.0',
        state: 'paused',
        strategy: 'canary',
        trafficPercent: 20,
        provider: 'kubernetes',
      }),
    ]);
    expect(
      (await history()).map(d => [d.version, d.state, d.trafficPercent]),
    ).toEqual([
      ['2.4.0', 'paused', 20],
      ['2.3.1', 'succeeded', 80],
      ['2.3.0', 'succeeded', undefined],
    ]);
  });

  it('an abort leaves it aborted, all traffic on 2.3.1', async () => {
    expect(await act('abort')).toMatchObject({ ok: true });
    expect(
      (await history())
        .slice(0, 2)
        .map(d => [d.version, d.state, d.trafficPercent]),
    ).toEqual([
      ['2.4.0', 'aborted', 0],
      ['2.3.1', 'succeeded', 100],
    ]);
  });

  it('a roll-back to 2.3.1 makes it what runs, 2.4.0 rolled back', async () => {
    expect(await act('roll-back', '2.3.1')).toMatchObject({ ok: true });
    expect(await read()).toEqual([
      expect.objectContaining({
        version: '2.3.1',
        state: 'succeeded',
        trafficPercent: 100,
      }),
    ]);
    expect((await history()).map(d => [d.version, d.state])).toEqual([
      ['2.3.1', 'succeeded'],
      ['2.4.0', 'rolled-back'],
      ['2.3.0', 'succeeded'],
    ]);
  });

  it('resume lifts the pause; a full promotion makes 2.4.0 stable', async () => {
    expect(await act('resume')).toMatchObject({ ok: true });
    expect((await read())[0]).toMatchObject({
      version: '2.4.0',
      state: 'progressing',
    });
    expect(await act('roll-forward', '2.4.0')).toMatchObject({ ok: true });
    expect((await read())[0]).toMatchObject({
      version: '2.4.0',
      state: 'succeeded',
      trafficPercent: 100,
    });
  });
});
