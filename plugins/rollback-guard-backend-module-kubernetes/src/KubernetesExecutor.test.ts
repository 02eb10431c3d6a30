import { Entity } from '@backstage/catalog-model';
import {
  ActionKind,
  ActionRequest,
} from '@rollback-guard/plugin-rollback-guard-common';
import { blueGreen, canary, nginx } from './__fixtures__';
import kubectlPause from './__fixtures__/kubectl/rollout-pause.json';
import kubectlResume from './__fixtures__/kubectl/rollout-resume.json';
import kubectlUndo from './__fixtures__/kubectl/rollout-undo.json';
import { startFakeKubernetesApi } from './__fixtures__/fakeKubernetesApi';
import { KubernetesSettings } from './config';
import { KubernetesExecutor } from './KubernetesExecutor';
import { KubernetesProvider } from './KubernetesProvider';

let api: Awaited<ReturnType<typeof startFakeKubernetesApi>>;

beforeAll(async () => {
  api = await startFakeKubernetesApi({
    tokens: { 'writer-token': 'write', 'reader-token': 'read' },
  });
});
afterAll(() => api.close());

beforeEach(() => {
  api.clear();
  const c = canary();
  const bg = blueGreen();
  const n = nginx();
  api.load('rollouts', [c.rollout, bg.rollout]);
  api.load('deployments', [n.deployment]);
  api.load('replicasets', [
    ...c.replicaSets,
    ...bg.replicaSets,
    ...n.replicaSets,
  ]);
  api.requests.length = 0;
});

function settings(
  overrides: {
    token?: string;
    allowPrivateAddresses?: boolean;
    url?: string;
  } = {},
): KubernetesSettings {
  return {
    clusters: new Map([
      [
        'prod-eu',
        {
          name: 'prod-eu',
          url: new URL(overrides.url ?? api.url),
          token: overrides.token ?? 'writer-token',
          allowPrivateAddresses: overrides.allowPrivateAddresses ?? true,
        },
      ],
    ]),
    timeoutMs: 2000,
  };
}

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'demo', namespace: 'default', annotations },
    spec: {},
  };
}

const canaryEntity = entity({
  'rollback-guard/provider': 'kubernetes',
  'rollback-guard/kubernetes-environments': 'production=prod-eu/jesse-test',
  'backstage.io/kubernetes-label-selector': 'app=canary-demo',
});
const blueGreenEntity = entity({
  'rollback-guard/provider': 'kubernetes',
  'rollback-guard/kubernetes-environments': 'production=prod-eu',
  'backstage.io/kubernetes-namespace': 'jesse-test',
  'backstage.io/kubernetes-label-selector': 'app=bluegreen-demo',
});
const nginxEntity = entity({
  'rollback-guard/provider': 'kubernetes',
  'rollback-guard/kubernetes-environments': 'production=prod-eu/default',
  'backstage.io/kubernetes-label-selector': 'app=nginx',
});

function run(
  e: Entity,
  kind: ActionKind,
  targetVersion?: string,
  s: KubernetesSettings = settings(),
  environment = 'production',
) {
  const action = {
    id: 'a1',
    entityRef: 'component:default/demo',
    environment,
    kind,
    targetVersion,
  } as ActionRequest;
  return new KubernetesExecutor(s).execute(
    { action, entity: e, attempt: 1 },
    {},
  );
}

const ROLLOUTS = '/apis/argoproj.io/v1alpha1/namespaces/jesse-test/rollouts';
const sent = () =>
  api
    .patches()
    .map(r => ({ path: r.path, contentType: r.contentType, body: r.body }));

describe('Argo Rollouts actions, as kubectl argo rollouts sends them', () => {
  it('abort: merge patch on the status subresource', async () => {
    const result = await run(canaryEntity, 'abort');
    expect(result).toEqual({
      ok: true,
      target: expect.stringMatching(
        /^prod-eu\/jesse-test\/rollout\/canary-demo \(resourceVersion \d+\)$/,
      ),
      status: 200,
    });
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/canary-demo/status`,
        contentType: 'application/merge-patch+json',
        body: '{"status":{"abort":true}}',
      },
    ]);
    expect(api.get('rollouts', 'jesse-test', 'canary-demo')?.status.abort).toBe(
      true,
    );
    // the reads it made first: the rollout by the entity's selector, its ReplicaSets by the rollout's
    expect(
      api.requests
        .filter(r => r.method === 'GET')
        .map(r => [r.path, r.query.labelSelector]),
    ).toEqual(
      expect.arrayContaining([
        [ROLLOUTS, 'app=canary-demo'],
        ['/apis/apps/v1/namespaces/jesse-test/deployments', 'app=canary-demo'],
        ['/apis/apps/v1/namespaces/jesse-test/replicasets', 'app=canary-demo'],
      ]),
    );
    expect(
      api.requests.every(r => r.authorization === 'Bearer writer-token'),
    ).toBe(true);
    // and the provider now reads it as aborted
    const [current] = await new KubernetesProvider(
      settings(),
    ).getCurrentDeployments({
      entity: canaryEntity,
      entityRef: 'component:default/demo',
      environments: ['production'],
      signal: new AbortController().signal,
    });
    expect(current).toMatchObject({
      version: 'does-not-exist',
      state: 'aborted',
      trafficPercent: 0,
    });
  });

  it('resume of an aborted rollout is retry', async () => {
    await run(canaryEntity, 'abort');
    api.requests.length = 0;
    expect((await run(canaryEntity, 'resume')).ok).toBe(true);
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/canary-demo/status`,
        contentType: 'application/merge-patch+json',
        body: '{"status":{"abort":false}}',
      },
    ]);
  });

  it('pause sets spec.paused; resume lifts it without skipping a step', async () => {
    expect((await run(canaryEntity, 'pause')).ok).toBe(true);
    expect((await run(canaryEntity, 'resume')).ok).toBe(true);
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/canary-demo`,
        contentType: 'application/merge-patch+json',
        body: '{"spec":{"paused":true}}',
      },
      {
        path: `${ROLLOUTS}/canary-demo`,
        contentType: 'application/merge-patch+json',
        body: '{"spec":{"paused":false}}',
      },
    ]);
    expect(api.get('rollouts', 'jesse-test', 'canary-demo')?.spec.paused).toBe(
      false,
    );
  });

  it('resume of a rollout paused by its strategy clears the pause conditions, as promote does', async () => {
    expect((await run(blueGreenEntity, 'resume')).ok).toBe(true);
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/bluegreen-demo/status`,
        contentType: 'application/merge-patch+json',
        body: '{"status":{"pauseConditions":null}}',
      },
    ]);
    expect(
      api.get('rollouts', 'jesse-test', 'bluegreen-demo')?.status
        .pauseConditions,
    ).toBeUndefined();
  });

  it('roll-forward to the new version is promote --full', async () => {
    expect((await run(blueGreenEntity, 'roll-forward', 'green')).ok).toBe(true);
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/bluegreen-demo/status`,
        contentType: 'application/merge-patch+json',
        body: '{"status":{"promoteFull":true}}',
      },
    ]);
  });

  it('roll-back is undo: the older ReplicaSet’s pod template into spec.template', async () => {
    const before = api.get('rollouts', 'jesse-test', 'canary-demo')!;
    const result = await run(canaryEntity, 'roll-back', 'green');
    expect(result.ok).toBe(true);
    const stableTemplate = canary().replicaSets[1].spec.template;
    delete stableTemplate.metadata.labels['rollouts-pod-template-hash'];
    expect(sent()).toEqual([
      {
        path: `${ROLLOUTS}/canary-demo`,
        contentType: 'application/json-patch+json',
        body: JSON.stringify([
          {
            op: 'replace',
            path: '/metadata/resourceVersion',
            value: before.metadata.resourceVersion,
          },
          { op: 'replace', path: '/spec/template', value: stableTemplate },
        ]),
      },
    ]);
    const after = api.get('rollouts', 'jesse-test', 'canary-demo')!;
    expect(after.spec.template.spec.containers[0].image).toBe(
      'argoproj/rollouts-demo:green',
    );
    expect(after.metadata.generation).toBe(before.metadata.generation! + 1);
  });

  it('roll-back without a version goes to the stable revision while rolling out', async () => {
    expect((await run(canaryEntity, 'roll-back')).ok).toBe(true);
    const [patch] = sent();
    expect(JSON.parse(patch.body!)[1].value.spec.containers[0].image).toBe(
      'argoproj/rollouts-demo:green',
    );
  });

  it('a rollout changed between read and undo answers 409 and nothing changes', async () => {
    api.hooks.beforePatch = () =>
      api.touch('rollouts', 'jesse-test', 'canary-demo');
    const result = await run(canaryEntity, 'roll-back', 'green');
    expect(result).toEqual({
      ok: false,
      reason:
        'prod-eu/jesse-test/rollout/canary-demo changed since it was read (409 Conflict); nothing was changed, look at it again before retrying',
      target: 'prod-eu/jesse-test/rollout/canary-demo',
      status: 409,
      reachedTarget: true,
    });
    expect(
      api.get('rollouts', 'jesse-test', 'canary-demo')?.spec.template.spec
        .containers[0].image,
    ).toBe('argoproj/rollouts-demo:does-not-exist');
  });

  it('refuses, sending nothing, what the rollout cannot do', async () => {
    const refusals = [
      [
        canaryEntity,
        'roll-back',
        '9.9.9',
        /keeps no ReplicaSet running version 9\.9\.9; it keeps 30 \(green\), 29 \(asdf\)/,
      ],
      [
        canaryEntity,
        'resume',
        undefined,
        /neither paused nor aborted; nothing to resume/,
      ],
      [
        canaryEntity,
        'roll-back',
        'does-not-exist',
        /keeps no ReplicaSet running version does-not-exist/,
      ],
    ] as const;
    for (const [e, kind, version, reason] of refusals) {
      const result = await run(e, kind, version);
      expect(result).toMatchObject({
        ok: false,
        reachedTarget: false,
        reason: expect.stringMatching(reason),
      });
    }
    expect(api.patches()).toEqual([]);
  });
});

describe('Deployment actions, as kubectl rollout sends them', () => {
  const DEPLOYMENT =
    '/apis/apps/v1/namespaces/default/deployments/nginx-deployment';

  it('pause, resume and undo send what kubectl v1.32 sends (captured)', async () => {
    await run(nginxEntity, 'pause');
    await run(nginxEntity, 'resume');
    const before = api.get('deployments', 'default', 'nginx-deployment')!;
    await run(nginxEntity, 'roll-back', '1.14.2');
    const [pause, resume, undo] = api.patches();
    for (const [ours, theirs] of [
      [pause, kubectlPause],
      [resume, kubectlResume],
    ] as const) {
      expect([ours.path, ours.contentType, ours.body]).toEqual([
        theirs.path,
        theirs.contentType,
        theirs.body,
      ]);
    }
    expect(pause.query).toEqual({ fieldManager: 'rollback-guard' });
    // The same ops, led by the resourceVersion the undo was decided on.
    const [precondition, ...ops] = JSON.parse(undo.body!);
    expect(precondition).toEqual({
      op: 'replace',
      path: '/metadata/resourceVersion',
      value: before.metadata.resourceVersion,
    });
    expect([undo.path, undo.contentType, ops]).toEqual([
      kubectlUndo.path,
      kubectlUndo.contentType,
      JSON.parse(kubectlUndo.body),
    ]);
  });

  it('pause and resume', async () => {
    expect((await run(nginxEntity, 'pause')).ok).toBe(true);
    expect((await run(nginxEntity, 'resume')).ok).toBe(true);
    expect(sent()).toEqual([
      {
        path: DEPLOYMENT,
        contentType: 'application/strategic-merge-patch+json',
        body: '{"spec":{"paused":true}}',
      },
      {
        path: DEPLOYMENT,
        contentType: 'application/strategic-merge-patch+json',
        body: '{"spec":{"paused":null}}',
      },
    ]);
    expect(
      api.get('deployments', 'default', 'nginx-deployment')?.spec.paused,
    ).toBeUndefined();
  });

  it('roll-back is rollout undo: template and annotations as kubectl computes them', async () => {
    const before = api.get('deployments', 'default', 'nginx-deployment')!;
    expect((await run(nginxEntity, 'roll-back', '1.14.2')).ok).toBe(true);
    const template = nginx().replicaSets[0].spec.template;
    delete template.metadata.labels['pod-template-hash'];
    expect(sent()).toEqual([
      {
        path: DEPLOYMENT,
        contentType: 'application/json-patch+json',
        body: JSON.stringify([
          {
            op: 'replace',
            path: '/metadata/resourceVersion',
            value: before.metadata.resourceVersion,
          },
          { op: 'replace', path: '/spec/template', value: template },
          {
            op: 'replace',
            path: '/metadata/annotations',
            value: {
              // kept from the Deployment
              'deployment.kubernetes.io/revision': '2',
              // copied from the ReplicaSet, but for desired/max replicas and revision
              'kubernetes.io/change-cause':
                'kubectl apply --filename=https://k8s.io/examples/controllers/nginx-deployment.yaml',
            },
          },
        ]),
      },
    ]);
  });

  it('refuses, sending nothing, an abort and a roll-back of a paused Deployment', async () => {
    expect(await run(nginxEntity, 'abort')).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason:
        'prod-eu/default/deployment/nginx-deployment is a Deployment, which has no abort; pause it or roll it back',
    });
    await run(nginxEntity, 'pause');
    api.requests.length = 0;
    expect(await run(nginxEntity, 'roll-back', '1.14.2')).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'is paused; resume it before rolling it back',
      ),
    });
    expect(api.patches()).toEqual([]);
  });
});

describe('targets the annotations do not name are refused before any call', () => {
  it.each([
    [
      'an environment the annotation does not map',
      canaryEntity,
      'staging',
      /environment staging is not in the entity's rollback-guard\/kubernetes-environments \(production\)/,
    ],
    [
      'a cluster configuration does not list',
      entity({
        'rollback-guard/kubernetes-environments':
          'production=elsewhere/jesse-test',
        'backstage.io/kubernetes-id': 'canary-demo',
      }),
      'production',
      /names cluster "elsewhere", which rollbackGuard.kubernetes.clusters does not list \(configured: prod-eu\)/,
    ],
    [
      'no way to find the objects',
      entity({
        'rollback-guard/kubernetes-environments':
          'production=prod-eu/jesse-test',
      }),
      'production',
      /neither backstage.io\/kubernetes-id nor backstage.io\/kubernetes-label-selector/,
    ],
    [
      'no environments annotation',
      entity({ 'backstage.io/kubernetes-id': 'x' }),
      'production',
      /no rollback-guard\/kubernetes-environments annotation/,
    ],
    [
      'a malformed environments annotation',
      entity({
        'rollback-guard/kubernetes-environments':
          'production=https://evil.example.com',
        'backstage.io/kubernetes-id': 'x',
      }),
      'production',
      /expected "environment=cluster\/namespace"/,
    ],
  ])('%s', async (_name, e, environment, reason) => {
    const result = await run(e, 'abort', undefined, settings(), environment);
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason: expect.stringMatching(reason),
    });
    expect(api.requests).toEqual([]);
  });

  it('a namespace the cluster’s configuration does not allow', async () => {
    const s = settings();
    s.clusters.get('prod-eu')!.namespaces = ['payments'];
    const result = await run(canaryEntity, 'abort', undefined, s);
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason:
        'namespace "jesse-test" of cluster "prod-eu" is not one rollbackGuard.kubernetes.clusters allows there (payments)',
    });
    expect(api.requests).toEqual([]);
  });

  it('a cluster on a private address that configuration does not allow', async () => {
    const result = await run(
      canaryEntity,
      'abort',
      undefined,
      settings({ allowPrivateAddresses: false }),
    );
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason: expect.stringContaining(
        '127.0.0.1 is a loopback address; set allowPrivateAddresses: true',
      ),
    });
    expect(api.requests).toEqual([]);
  });

  it('several objects match and the entity names none', async () => {
    const result = await run(
      entity({
        'rollback-guard/kubernetes-environments':
          'production=prod-eu/jesse-test',
        'backstage.io/kubernetes-label-selector': 'app.kubernetes.io/instance',
      }),
      'abort',
    );
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: false,
      reason: expect.stringMatching(
        /2 objects in prod-eu\/jesse-test match .*name one with rollback-guard\/provider-id/,
      ),
    });
    expect(api.patches()).toEqual([]);
  });
});

describe('what the API server answers', () => {
  it('401 for a token it does not know: nothing ran', async () => {
    const result = await run(
      canaryEntity,
      'abort',
      undefined,
      settings({ token: 'stale' }),
    );
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      reachedTarget: false,
      reason: expect.stringContaining('answered 401: Unauthorized'),
    });
  });

  it('403 for a token that may only read: reached, did not run', async () => {
    const result = await run(
      canaryEntity,
      'abort',
      undefined,
      settings({ token: 'reader-token' }),
    );
    expect(result).toMatchObject({
      ok: false,
      status: 403,
      reachedTarget: true,
      reason: expect.stringContaining('forbidden'),
    });
    expect(
      api.get('rollouts', 'jesse-test', 'canary-demo')?.status.abort,
    ).toBeUndefined();
  });

  it('500 on the patch: may have run', async () => {
    api.failNext('PATCH', 500, 'etcdserver: request timed out');
    const result = await run(canaryEntity, 'abort');
    expect(result).toMatchObject({
      ok: false,
      status: 500,
      reachedTarget: true,
      reason: expect.stringContaining('etcdserver: request timed out'),
    });
  });

  it('a patch answered too late: may have run', async () => {
    const s = settings();
    s.timeoutMs = 300;
    api.hooks.delay = { method: 'PATCH', ms: 1000 };
    const result = await run(canaryEntity, 'abort', undefined, s);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining('did not answer within 300 ms'),
      target: 'prod-eu/jesse-test/rollout/canary-demo',
      status: undefined,
      reachedTarget: true,
    });
    expect(api.patches()).toHaveLength(1);
  });

  it('a failure after the first of two patches says the first went through', async () => {
    await run(canaryEntity, 'pause');
    const rollout = api.get('rollouts', 'jesse-test', 'canary-demo')!;
    rollout.status.pauseConditions = [
      { reason: 'CanaryPauseStep', startTime: '2019-10-28T04:53:00Z' },
    ];
    api.requests.length = 0;
    api.hooks.beforePatch = () => api.failNext('PATCH', 500, 'boom');
    const result = await run(canaryEntity, 'resume');
    expect(result).toMatchObject({
      ok: false,
      reachedTarget: true,
      reason: expect.stringContaining('1 of 2 changes were already made'),
    });
    expect(result).not.toHaveProperty('status');
  });

  it('the provider makes an unreachable cluster its reason', async () => {
    const provider = new KubernetesProvider(
      settings({ url: 'http://127.0.0.1:1' }),
    );
    await expect(
      provider.getCurrentDeployments({
        entity: canaryEntity,
        entityRef: 'component:default/demo',
        environments: [],
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(
      'cluster prod-eu refused the connection: nothing listens there',
    );
  });
});

describe('the provider', () => {
  const request = (e: Entity) => ({
    entity: e,
    entityRef: 'component:default/demo',
    environments: ['production'],
    signal: new AbortController().signal,
  });

  it('lists history newest first, by page', async () => {
    const provider = new KubernetesProvider(settings());
    const first = await provider.listDeployments({
      ...request(nginxEntity),
      limit: 1,
    });
    expect(first.map(d => d.version)).toEqual(['1.16.1']);
    const next = await provider.listDeployments({
      ...request(nginxEntity),
      limit: 5,
      before: first[0],
    });
    expect(next.map(d => d.version)).toEqual(['1.14.2']);
  });

  it('after a roll-back through it, the current row shows what runs now', async () => {
    const provider = new KubernetesProvider(settings());
    await run(nginxEntity, 'roll-back', '1.14.2');
    // until the controller has seen the new generation, it is rolling out
    expect(
      (await provider.getCurrentDeployments(request(nginxEntity)))[0],
    ).toMatchObject({ state: 'progressing' });
    // what the Deployment controller then does: the old ReplicaSet gets the next revision
    const deployment = api.get('deployments', 'default', 'nginx-deployment')!;
    deployment.status.observedGeneration = deployment.metadata.generation;
    const rs1 = api.get(
      'replicasets',
      'default',
      'nginx-deployment-75675f5897',
    )!;
    rs1.metadata.annotations!['deployment.kubernetes.io/revision'] = '3';
    rs1.metadata.annotations!['deployment.kubernetes.io/revision-history'] =
      '1';
    const [current] = await provider.getCurrentDeployments(
      request(nginxEntity),
    );
    expect(current).toMatchObject({ version: '1.14.2', state: 'succeeded' });
    const history = await provider.listDeployments({
      ...request(nginxEntity),
      limit: 5,
    });
    expect(history.map(d => [d.version, d.state])).toContainEqual([
      '1.16.1',
      'rolled-back',
    ]);
  });
});
