import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ENTITY,
  requestBody,
  startActionsBackend,
  startWebhookReceiver,
  userHeader as user,
} from '@internal/rollback-guard-test-harness';
import { canary } from './__fixtures__';
import { startFakeKubernetesApi } from './__fixtures__/fakeKubernetesApi';
import kubernetesModule from './index';

// One backend and one test API server for the file.
let kube: Awaited<ReturnType<typeof startFakeKubernetesApi>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let server: Awaited<ReturnType<typeof startActionsBackend>>['server'];
const tasks: SchedulerServiceTaskInvocationDefinition[] = [];

beforeAll(async () => {
  kube = await startFakeKubernetesApi({ tokens: { 'sa-token': 'write' } });
  receiver = await startWebhookReceiver();
  ({ server } = await startActionsBackend({
    webhookUrl: receiver.url,
    withoutWebhook: true,
    record: false,
    tasks,
    annotations: {
      // staging is read from the ledger, production from the cluster
      'rollback-guard/provider': 'ledger, kubernetes',
      'rollback-guard/kubernetes-environments': 'production=prod-eu/jesse-test',
      'backstage.io/kubernetes-label-selector': 'app=canary-demo',
    },
    rollbackGuard: {
      kubernetes: {
        clusters: [
          {
            name: 'prod-eu',
            url: kube.url,
            serviceAccountToken: 'sa-token',
            allowPrivateAddresses: true,
          },
        ],
        timeoutMs: 2000,
      },
    },
    features: [kubernetesModule],
  }));
});

afterAll(async () => {
  await kube.close();
  await receiver.close();
});

beforeEach(() => {
  kube.clear();
  const { rollout, replicaSets } = canary();
  kube.load('rollouts', [rollout]);
  kube.load('replicasets', replicaSets);
});

const api = (path: string) => `/api/rollback-guard${path}`;

describe('the kubernetes module in a Rollback Guard backend', () => {
  const status = async () => {
    const res = await request(server)
      .get(api(`/rollout?entityRef=${encodeURIComponent(ENTITY)}`))
      .set('Authorization', user('ana'));
    expect(res.status).toBe(200);
    return res.body;
  };

  it('merges the Argo Rollout with the ledger per environment, each with its source', async () => {
    await request(server)
      .post(api('/ledger/deployments'))
      .set('Authorization', mockCredentials.service.header())
      .send({
        id: 'staging-31',
        entityRef: ENTITY,
        environment: 'staging',
        version: 'does-not-exist',
        strategy: 'canary',
        state: 'succeeded',
        startedAt: '2019-10-28T04:00:00Z',
      })
      .expect(201);
    const body = await status();
    const byEnvironment = Object.fromEntries(
      body.environments.map((e: any) => [e.environment, e]),
    );
    expect(byEnvironment.production.current).toMatchObject({
      version: 'does-not-exist',
      state: 'failed',
      strategy: 'canary',
      trafficPercent: 20,
      provider: 'kubernetes',
    });
    expect(byEnvironment.staging.current).toMatchObject({
      version: 'does-not-exist',
      state: 'succeeded',
      provider: 'ledger',
    });
    expect(body.sources).toEqual([
      expect.objectContaining({ provider: 'ledger', status: 'ok' }),
      expect.objectContaining({ provider: 'kubernetes', status: 'ok' }),
    ]);
  });

  it('a cluster that fails makes only its part unknown, with the reason', async () => {
    kube.failNext('GET', 500, 'etcdserver: leader changed');
    const body = await status();
    expect(body.sources).toEqual([
      expect.objectContaining({ provider: 'ledger', status: 'ok' }),
      expect.objectContaining({
        provider: 'kubernetes',
        status: 'unknown',
        reason: expect.stringContaining(
          'answered 500: etcdserver: leader changed',
        ),
      }),
    ]);
    const staging = body.environments.find(
      (e: any) => e.environment === 'staging',
    );
    expect(staging.current).toMatchObject({ provider: 'ledger' });
  });

  function pausedAtFirstStep() {
    // The canary at its first pause (20%), as the controller leaves it there.
    const rollout = kube.get('rollouts', 'jesse-test', 'canary-demo')!;
    delete rollout.status.conditions;
    Object.assign(rollout.status, {
      phase: 'Paused',
      currentStepIndex: 1,
      pauseConditions: [
        { reason: 'CanaryPauseStep', startTime: '2019-10-28T04:53:00Z' },
      ],
    });
    return rollout;
  }

  const sweep = () =>
    tasks
      .find(t => t.id === 'rollback-guard-actions-sweep')!
      .fn(new AbortController().signal as any);
  const read = async (id: string) =>
    (
      await request(server)
        .get(api(`/actions/${id}`))
        .set('Authorization', user('bob'))
    ).body;

  it('an abort (no approval needed by default) patches the rollout, and reading it back verifies it', async () => {
    pausedAtFirstStep();
    const asked = await request(server)
      .post(api('/actions'))
      .set('Authorization', user('ana'))
      .send(
        requestBody({
          kind: 'abort',
          targetVersion: undefined,
          reason: 'canary errors',
        }),
      );
    expect([asked.status, asked.body.error?.message]).toEqual([201, undefined]);
    expect(
      kube.patches().map(r => [r.path, r.contentType, r.body, r.authorization]),
    ).toEqual([
      [
        '/apis/argoproj.io/v1alpha1/namespaces/jesse-test/rollouts/canary-demo/status',
        'application/merge-patch+json',
        '{"status":{"abort":true}}',
        'Bearer sa-token',
      ],
    ]);
    expect(receiver.received).toHaveLength(0);
    await sweep();
    expect(await read(asked.body.id)).toMatchObject({
      status: 'succeeded',
      outcome: expect.stringContaining(
        'does-not-exist is aborted in production',
      ),
    });
  });

  it('an abort is verified by reading the rollout back seconds after it was sent, before any sweep', async () => {
    pausedAtFirstStep();
    const asked = await request(server)
      .post(api('/actions'))
      .set('Authorization', user('ana'))
      .send(
        requestBody({
          kind: 'abort',
          targetVersion: undefined,
          reason: 'canary errors, no sweep',
        }),
      );
    expect(asked.status).toBe(201);
    expect((await read(asked.body.id)).status).toBe('executing');
    // The first read-back comes 2 s after the dispatch.
    const until = Date.now() + 8_000;
    let action = await read(asked.body.id);
    while (action.status === 'executing' && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 250));
      action = await read(asked.body.id);
    }
    expect(action).toMatchObject({
      status: 'succeeded',
      outcome: expect.stringContaining('is aborted in production'),
    });
  });

  it('a resume waits for another person’s approval, then lifts the pause', async () => {
    pausedAtFirstStep();
    const asked = await request(server)
      .post(api('/actions'))
      .set('Authorization', user('ana'))
      .send(
        requestBody({
          kind: 'resume',
          targetVersion: undefined,
          reason: 'metrics look fine',
        }),
      );
    expect([asked.status, asked.body.status]).toEqual([201, 'requested']);
    expect(kube.patches()).toEqual([]);
    const approved = await request(server)
      .post(api(`/actions/${asked.body.id}/approve`))
      .set('Authorization', user('bob'))
      .send({ entityRef: ENTITY, environment: 'production', kind: 'resume' });
    expect(approved.body.status).toBe('executing');
    expect(kube.patches().map(r => [r.path, r.body])).toEqual([
      [
        '/apis/argoproj.io/v1alpha1/namespaces/jesse-test/rollouts/canary-demo/status',
        '{"status":{"pauseConditions":null}}',
      ],
    ]);
    // Not verified until the rollout reads as progressing again.
    await sweep();
    expect((await read(asked.body.id)).status).toBe('executing');
    kube.get('rollouts', 'jesse-test', 'canary-demo')!.status.phase =
      'Progressing';
    await sweep();
    expect((await read(asked.body.id)).status).toBe('succeeded');
  });
});
