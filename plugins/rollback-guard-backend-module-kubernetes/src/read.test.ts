import { blueGreen, canary, nginx } from './__fixtures__';
import { deploymentDeployments, rolloutDeployments } from './read';

const ctx = {
  entityRef: 'component:default/canary-demo',
  environment: 'production',
  cluster: 'prod-eu',
  namespace: 'jesse-test',
};

const brief = (d: any) => ({
  version: d.version,
  state: d.state,
  strategy: d.strategy,
  trafficPercent: d.trafficPercent,
  progressPercent: d.progressPercent,
});

describe('Argo Rollouts into the deployment model', () => {
  it('reads a canary that timed out at its first step (upstream test data)', () => {
    const { rollout, replicaSets } = canary();
    const { current, deployments } = rolloutDeployments(
      rollout,
      replicaSets,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([
      // setWeight 20 at step 0 of 8; ProgressDeadlineExceeded
      {
        version: 'does-not-exist',
        state: 'failed',
        strategy: 'canary',
        trafficPercent: 20,
        progressPercent: 0,
      },
      // stableRS: the rest of the traffic
      {
        version: 'green',
        state: 'succeeded',
        strategy: 'canary',
        trafficPercent: 80,
        progressPercent: undefined,
      },
      {
        version: 'asdf',
        state: 'succeeded',
        strategy: 'canary',
        trafficPercent: undefined,
        progressPercent: undefined,
      },
    ]);
    expect(current).toBe(deployments[0]);
    expect(deployments[0]).toMatchObject({
      id: 'prod-eu/jesse-test/rollout/canary-demo/31-65fb5ffc84',
      artifact: { reference: 'argoproj/rollouts-demo:does-not-exist' },
      startedAt: '2019-10-28T04:52:26.000Z',
      provider: 'kubernetes',
      environment: 'production',
      entityRef: 'component:default/canary-demo',
    });
  });

  it('reads an aborted canary as aborted, all traffic on the stable revision', () => {
    const { rollout, replicaSets } = canary();
    rollout.status.abort = true;
    const { deployments } = rolloutDeployments(rollout, replicaSets, ctx);
    expect(deployments.slice(0, 2).map(brief)).toEqual([
      expect.objectContaining({ state: 'aborted', trafficPercent: 0 }),
      expect.objectContaining({
        version: 'green',
        state: 'succeeded',
        trafficPercent: 100,
      }),
    ]);
  });

  it('uses the weights the traffic router reports, and a paused step', () => {
    const { rollout, replicaSets } = canary();
    delete rollout.status.conditions;
    rollout.status.phase = 'Paused';
    rollout.status.currentStepIndex = 1;
    rollout.status.pauseConditions = [
      { reason: 'CanaryPauseStep', startTime: '2019-10-28T04:53:00Z' },
    ];
    rollout.status.canary = {
      weights: {
        canary: { podTemplateHash: '65fb5ffc84', weight: 25 },
        stable: { podTemplateHash: '877894d5b', weight: 75 },
      },
    };
    const { current } = rolloutDeployments(rollout, replicaSets, ctx);
    expect(brief(current)).toEqual({
      version: 'does-not-exist',
      state: 'paused',
      strategy: 'canary',
      trafficPercent: 25,
      progressPercent: 13,
    });
  });

  it('reads a healthy rollout as succeeded with all the traffic', () => {
    const { rollout, replicaSets } = canary();
    delete rollout.status.conditions;
    rollout.status.phase = 'Healthy';
    rollout.status.stableRS = '65fb5ffc84';
    rollout.status.currentStepIndex = 8;
    const { current } = rolloutDeployments(rollout, replicaSets, ctx);
    expect(brief(current)).toEqual({
      version: 'does-not-exist',
      state: 'succeeded',
      strategy: 'canary',
      trafficPercent: 100,
      progressPercent: 100,
    });
  });

  it('reads a blue-green rollout paused before promotion (upstream test data)', () => {
    const { rollout, replicaSets } = blueGreen();
    const { current, deployments } = rolloutDeployments(
      rollout,
      replicaSets,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([
      // the preview: pauseConditions BlueGreenPause, not behind the active service
      {
        version: 'green',
        state: 'paused',
        strategy: 'blue-green',
        trafficPercent: 0,
        progressPercent: undefined,
      },
      // the active service selects 6cbccd9f99
      {
        version: 'blue',
        state: 'succeeded',
        strategy: 'blue-green',
        trafficPercent: 100,
        progressPercent: undefined,
      },
      {
        version: 'red',
        state: 'succeeded',
        strategy: 'blue-green',
        trafficPercent: undefined,
        progressPercent: undefined,
      },
    ]);
    expect(current?.version).toBe('green');
  });

  it('ignores ReplicaSets another object owns', () => {
    const { rollout } = canary();
    const { replicaSets } = blueGreen();
    expect(rolloutDeployments(rollout, replicaSets, ctx)).toEqual({
      deployments: [],
    });
  });

  it('after an undo, shows the version that runs now and the one it replaced as rolled back', () => {
    const { rollout, replicaSets } = canary();
    // `kubectl argo rollouts undo canary-demo --to-revision=30`: the controller
    // moves the green ReplicaSet to revision 32 and records the old number.
    const green = replicaSets[1];
    green.metadata.annotations!['rollout.argoproj.io/revision'] = '32';
    green.metadata.annotations!['rollout.argoproj.io/revision-history'] = '30';
    delete rollout.status.conditions;
    rollout.status.conditions = [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        lastUpdateTime: '2019-10-28T05:10:00Z',
        lastTransitionTime: '2019-10-28T05:00:00Z',
      },
    ];
    rollout.status.currentPodHash = '877894d5b';
    rollout.status.stableRS = '877894d5b';
    rollout.status.phase = 'Healthy';
    const { current, deployments } = rolloutDeployments(
      rollout,
      replicaSets,
      ctx,
    );
    expect(deployments.map(d => [d.version, d.state])).toEqual([
      ['green', 'succeeded'],
      ['does-not-exist', 'rolled-back'],
      ['asdf', 'succeeded'],
    ]);
    expect(current?.version).toBe('green');
    // it started running again with the undo, after the one it replaced
    expect(current?.startedAt).toBe('2019-10-28T05:10:00.000Z');
  });
});

describe('Deployments into the deployment model', () => {
  it('reads revisions as kubectl rollout history lists them', () => {
    const { deployment, replicaSets } = nginx();
    const { current, deployments } = deploymentDeployments(
      deployment,
      replicaSets,
      ctx,
    );
    expect(deployments.map(brief)).toEqual([
      {
        version: '1.16.1',
        state: 'succeeded',
        strategy: 'rolling',
        trafficPercent: undefined,
        progressPercent: 100,
      },
      {
        version: '1.14.2',
        state: 'succeeded',
        strategy: 'rolling',
        trafficPercent: undefined,
        progressPercent: undefined,
      },
    ]);
    expect(current?.id).toBe(
      'prod-eu/jesse-test/deployment/nginx-deployment/2-1564180365',
    );
  });

  it('reads paused, progressing and failed', () => {
    const paused = nginx();
    paused.deployment.spec.paused = true;
    expect(
      deploymentDeployments(paused.deployment, paused.replicaSets, ctx).current
        ?.state,
    ).toBe('paused');
    const rolling = nginx();
    rolling.deployment.status.updatedReplicas = 1;
    expect(
      brief(
        deploymentDeployments(rolling.deployment, rolling.replicaSets, ctx)
          .current,
      ),
    ).toMatchObject({ state: 'progressing', progressPercent: 33 });
    const failed = nginx();
    failed.deployment.status.updatedReplicas = 1;
    failed.deployment.status.conditions[1] = {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    };
    expect(
      deploymentDeployments(failed.deployment, failed.replicaSets, ctx).current
        ?.state,
    ).toBe('failed');
  });

  it('after kubectl rollout undo, the reinstated revision runs and the newer one is rolled back', () => {
    const { deployment, replicaSets } = nginx();
    replicaSets[0].metadata.annotations!['deployment.kubernetes.io/revision'] =
      '3';
    replicaSets[0].metadata.annotations![
      'deployment.kubernetes.io/revision-history'
    ] = '1';
    const { current, deployments } = deploymentDeployments(
      deployment,
      replicaSets,
      ctx,
    );
    expect(current?.version).toBe('1.14.2');
    expect(deployments.map(d => [d.version, d.state])).toEqual([
      ['1.14.2', 'succeeded'],
      ['1.16.1', 'rolled-back'],
    ]);
  });
});
