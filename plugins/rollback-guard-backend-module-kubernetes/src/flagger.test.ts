import { Entity } from '@backstage/catalog-model';
import { ActionRequest } from '@rollback-guard/plugin-rollback-guard-common';
import { flagger } from './__fixtures__';
import { startFakeKubernetesApi } from './__fixtures__/fakeKubernetesApi';
import { canaryDeployments } from './flagger';
import { KubernetesExecutor } from './KubernetesExecutor';
import { KubernetesProvider } from './KubernetesProvider';

const ctx = {
  entityRef: 'component:default/podinfo',
  environment: 'production',
  cluster: 'prod-eu',
  namespace: 'test',
};
const brief = (d: any) => [d.version, d.state, d.trafficPercent];

describe('Flagger canaries into the deployment model', () => {
  it('reads an analysis in progress: the new version at its canary weight', () => {
    const { canary, target, primary } = flagger();
    const { current, deployments } = canaryDeployments(
      canary,
      target,
      primary,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([
      ['3.0.1', 'progressing', 15],
      ['3.0.0', 'succeeded', 85],
    ]);
    expect(current).toBe(deployments[0]);
    expect(deployments[0]).toMatchObject({
      id: 'prod-eu/test/canary/podinfo/5d8b4c7f9',
      startedAt: '2019-06-30T14:02:07.000Z',
      artifact: { reference: 'stefanprodan/podinfo:3.0.1' },
    });
    expect(deployments[1].startedAt < deployments[0].startedAt).toBe(true);
  });

  it.each([
    ['Waiting', 'paused'],
    ['WaitingPromotion', 'paused'],
    ['Promoting', 'progressing'],
    ['Finalising', 'progressing'],
  ])('reads phase %s as %s', (phase, state) => {
    const { canary, target, primary } = flagger();
    canary.status.phase = phase;
    expect(canaryDeployments(canary, target, primary, ctx).current?.state).toBe(
      state,
    );
  });

  it('after a failed analysis, the primary is what runs and the new version is rolled back', () => {
    const { canary, target, primary } = flagger();
    Object.assign(canary.status, {
      phase: 'Failed',
      canaryWeight: 0,
      failedChecks: 10,
    });
    const { current, deployments } = canaryDeployments(
      canary,
      target,
      primary,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([
      ['3.0.1', 'rolled-back', 0],
      ['3.0.0', 'succeeded', 100],
    ]);
    expect(current?.version).toBe('3.0.0');
  });

  it('after promotion, one deployment: the promoted version', () => {
    const { canary, target, primary } = flagger();
    Object.assign(canary.status, {
      phase: 'Succeeded',
      canaryWeight: 0,
      lastPromotedSpec: '5d8b4c7f9',
    });
    primary.spec.template.spec.containers[0].image =
      'stefanprodan/podinfo:3.0.1';
    const { current, deployments } = canaryDeployments(
      canary,
      target,
      primary,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([['3.0.1', 'succeeded', 100]]);
    expect(current?.id).toBe('prod-eu/test/canary/podinfo/5d8b4c7f9');
  });
});

describe('Flagger canaries through the Kubernetes API', () => {
  let api: Awaited<ReturnType<typeof startFakeKubernetesApi>>;
  const settings = () => ({
    clusters: new Map([
      [
        'prod-eu',
        {
          name: 'prod-eu',
          url: new URL(api.url),
          token: 't',
          allowPrivateAddresses: true,
        },
      ],
    ]),
    timeoutMs: 2000,
  });
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'podinfo',
      annotations: {
        'rollback-guard/kubernetes-environments': 'production=prod-eu/test',
        'backstage.io/kubernetes-id': 'podinfo',
      },
    },
  };

  beforeAll(async () => {
    api = await startFakeKubernetesApi({ tokens: { t: 'write' } });
    const { canary, target, primary } = flagger();
    api.load('canaries', [canary]);
    api.load('deployments', [target, primary]);
  });
  afterAll(() => api.close());

  it('finds the Canary by the Deployment it targets, not listing its Deployments twice', async () => {
    const history = await new KubernetesProvider(settings()).listDeployments({
      entity,
      entityRef: 'component:default/podinfo',
      environments: ['production'],
      signal: new AbortController().signal,
      limit: 10,
    });
    expect(history.map(brief)).toEqual([
      ['3.0.1', 'progressing', 15],
      ['3.0.0', 'succeeded', 85],
    ]);
    expect(api.requests.map(r => [r.path, r.query.labelSelector])).toEqual(
      expect.arrayContaining([
        ['/apis/flagger.app/v1beta1/namespaces/test/canaries', undefined],
      ]),
    );
  });

  it('refuses actions on it, sending nothing', async () => {
    api.requests.length = 0;
    const result = await new KubernetesExecutor(settings()).execute(
      {
        action: {
          id: 'a',
          environment: 'production',
          kind: 'abort',
        } as ActionRequest,
        entity,
        attempt: 1,
      },
      {},
    );
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason: expect.stringContaining(
        'prod-eu/test/canary/podinfo is a Flagger Canary',
      ),
    });
    expect(api.patches()).toEqual([]);
  });
});
