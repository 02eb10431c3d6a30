/*
 * A stand-in for a Kubernetes API server with Argo Rollouts, for the example
 * backend only, so that `npm start` shows the Kubernetes provider without a
 * cluster: it answers the paths the provider uses (list rollouts,
 * deployments and replicasets by label selector; PATCH a rollout or its
 * status with merge-patch or json-patch) for one example Rollout,
 * `inventory-api` in namespace `storefront`, shaped like Argo Rollouts'
 * objects, errors as Kubernetes `Status` objects. After each patch it plays
 * the controller's part in a few lines: an abort degrades the rollout with
 * all traffic back on the stable revision, an undo or a full promotion
 * makes the chosen revision stable and healthy.
 */

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';

/** The token app-config.yaml gives the provider for the example cluster. */
export const EXAMPLE_KUBERNETES_TOKEN =
  'example-cluster-token-for-local-use-only';

const NAMESPACE = 'storefront';
const NAME = 'inventory-api';
const UID = '0f6b8a52-5d0e-4c55-9a5c-6f1d3b2e7c41';
const IMAGE = 'registry.example.com/storefront/inventory-api';

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, any>;
  spec: any;
  status?: any;
};

function template(version: string, hash?: string) {
  return {
    metadata: {
      labels: {
        app: NAME,
        'backstage.io/kubernetes-id': NAME,
        ...(hash ? { 'rollouts-pod-template-hash': hash } : {}),
      },
    },
    spec: {
      containers: [
        {
          name: NAME,
          image: `${IMAGE}:${version}`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        },
      ],
    },
  };
}

function replicaSet(
  version: string,
  hash: string,
  revision: number,
  created: Date,
  replicas: number,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${NAME}-${hash}`,
      namespace: NAMESPACE,
      uid: `rs-${hash}`,
      creationTimestamp: created.toISOString(),
      labels: {
        app: NAME,
        'backstage.io/kubernetes-id': NAME,
        'rollouts-pod-template-hash': hash,
      },
      annotations: {
        'rollout.argoproj.io/desired-replicas': '5',
        'rollout.argoproj.io/revision': String(revision),
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: NAME,
          uid: UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: { app: NAME, 'rollouts-pod-template-hash': hash },
      },
      template: template(version, hash),
    },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

/**
 * The example's objects as they stand at start: inventory-api's canary 2.4.0
 * paused at 20% (its first pause step), 2.3.1 stable, 2.3.0 kept.
 */
export function initialExampleObjects(now = new Date()) {
  const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  const rollout: KubeObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      uid: UID,
      generation: 7,
      resourceVersion: '1',
      creationTimestamp: ago(24 * 30).toISOString(),
      labels: { app: NAME, 'backstage.io/kubernetes-id': NAME },
      annotations: { 'rollout.argoproj.io/revision': '3' },
    },
    spec: {
      replicas: 5,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { app: NAME } },
      template: template('2.4.0'),
      strategy: {
        canary: {
          steps: [
            { setWeight: 20 },
            { pause: {} },
            { setWeight: 50 },
            { pause: { duration: '10m' } },
          ],
        },
      },
    },
    status: {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      currentPodHash: '7d9f8c6b5a',
      stableRS: '5c4b7f9d8e',
      currentStepIndex: 1,
      pauseConditions: [
        { reason: 'CanaryPauseStep', startTime: ago(0.25).toISOString() },
      ],
      controllerPause: true,
      observedGeneration: '7',
      replicas: 6,
      updatedReplicas: 1,
      readyReplicas: 6,
      availableReplicas: 6,
      conditions: [
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'RolloutPaused',
          message: 'Rollout is paused',
          lastUpdateTime: ago(0.25).toISOString(),
          lastTransitionTime: ago(0.25).toISOString(),
        },
      ],
    },
  };
  return {
    rollout,
    replicaSets: [
      replicaSet('2.4.0', '7d9f8c6b5a', 3, ago(0.3), 1),
      replicaSet('2.3.1', '5c4b7f9d8e', 2, ago(24 * 6), 5),
      replicaSet('2.3.0', '6a8e9d7c4b', 1, ago(24 * 20), 0),
    ],
  };
}

function status(res: Response, code: number, reason: string, message: string) {
  res.status(code).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

// The JSON patch ops an undo sends: replace at a path that exists.
function jsonPatch(doc: any, ops: any[]): any {
  const result = JSON.parse(JSON.stringify(doc));
  for (const op of ops) {
    if (op?.op !== 'replace' || typeof op.path !== 'string') {
      throw new Error(`the example API server applies "replace" ops only`);
    }
    const parts = op.path.split('/').slice(1);
    const last = parts.pop();
    let parent = result;
    for (const part of parts) parent = parent?.[part];
    if (!parent || typeof parent !== 'object' || !(last in parent)) {
      throw new Error(`path ${op.path} does not exist`);
    }
    parent[last] = op.value;
  }
  return result;
}

function matches(labels: Record<string, string> = {}, selector: string) {
  return selector
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .every(term => {
      const [key, value] = term.split('=');
      return value === undefined ? key in labels : labels[key] === value;
    });
}

function imageOf(t: any): string {
  return t?.spec?.containers?.[0]?.image ?? '';
}

/** The controller's part after a write, in a few lines. */
function reconcile(rollout: KubeObject, replicaSets: KubeObject[]) {
  const s = rollout.status;
  const steps = rollout.spec.strategy.canary.steps;
  const hashOf = (rs: KubeObject) =>
    rs.metadata.labels['rollouts-pod-template-hash'];
  const revisionOf = (rs: KubeObject) =>
    Number(rs.metadata.annotations['rollout.argoproj.io/revision']);
  // A template that is an older ReplicaSet's: that revision comes back.
  const wanted = replicaSets.find(
    rs => imageOf(rs.spec.template) === imageOf(rollout.spec.template),
  );
  if (wanted && hashOf(wanted) !== s.currentPodHash) {
    const top = Math.max(...replicaSets.map(revisionOf));
    if (revisionOf(wanted) !== top) {
      wanted.metadata.annotations['rollout.argoproj.io/revision-history'] =
        String(revisionOf(wanted));
      wanted.metadata.annotations['rollout.argoproj.io/revision'] = String(
        top + 1,
      );
    }
    s.currentPodHash = hashOf(wanted);
    if (s.currentPodHash === s.stableRS) {
      // Going back to the stable revision skips the steps.
      s.abort = undefined;
      s.pauseConditions = undefined;
      s.controllerPause = undefined;
      s.currentStepIndex = steps.length;
    }
  }
  if (s.promoteFull) {
    s.stableRS = s.currentPodHash;
    s.promoteFull = undefined;
    s.pauseConditions = undefined;
    s.currentStepIndex = steps.length;
  }
  const now = new Date().toISOString();
  let phase = 'Progressing';
  let message = '';
  if (s.abort) {
    phase = 'Degraded';
    message = `RolloutAborted: Rollout aborted update to revision ${rollout.metadata.annotations['rollout.argoproj.io/revision']}`;
  } else if (rollout.spec.paused || (s.pauseConditions ?? []).length > 0) {
    phase = 'Paused';
    message = 'CanaryPauseStep';
  } else if (s.currentPodHash === s.stableRS) {
    phase = 'Healthy';
  }
  if (phase !== s.phase) {
    s.conditions = [
      {
        type: 'Progressing',
        status: phase === 'Degraded' ? 'False' : 'True',
        reason: phase,
        message,
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ];
  }
  s.phase = phase;
  s.message = message || undefined;
}

/**
 * The example API server's routes, from a fresh copy of the example objects.
 */
export function createExampleKubernetesRouter() {
  const objects = initialExampleObjects();
  let resourceVersion = 1;
  const router = Router();
  router.use(
    express.json({
      type: [
        'application/merge-patch+json',
        'application/json-patch+json',
        'application/strategic-merge-patch+json',
      ],
    }),
  );
  router.use((req: Request, res: Response, next) => {
    if (req.headers.authorization !== `Bearer ${EXAMPLE_KUBERNETES_TOKEN}`) {
      status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    next();
  });
  const base = `/namespaces/:namespace`;
  const list = (items: KubeObject[]) => (req: Request, res: Response) => {
    const selector = String(req.query.labelSelector ?? '');
    res.json({
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(resourceVersion) },
      items:
        req.params.namespace === NAMESPACE
          ? items.filter(o => matches(o.metadata.labels, selector))
          : [],
    });
  };
  router.get(
    `/apis/argoproj.io/v1alpha1${base}/rollouts`,
    (req: Request, res: Response) => list([objects.rollout])(req, res),
  );
  router.get(`/apis/apps/v1${base}/deployments`, list([]));
  router.get(`/apis/apps/v1${base}/replicasets`, (req, res) =>
    list(objects.replicaSets)(req, res),
  );
  router.patch(
    `/apis/argoproj.io/v1alpha1${base}/rollouts/:name/:sub(status)?`,
    (req: Request, res: Response) => {
      const { namespace, name, sub } = req.params;
      if (namespace !== NAMESPACE || name !== NAME) {
        status(
          res,
          404,
          'NotFound',
          `rollouts.argoproj.io "${name}" not found`,
        );
        return;
      }
      const current = objects.rollout;
      const type = (req.headers['content-type'] ?? '').split(';')[0];
      let patched: KubeObject;
      try {
        if (type === 'application/json-patch+json') {
          patched = jsonPatch(current, req.body);
        } else if (type === 'application/merge-patch+json') {
          patched = mergePatch(current, req.body);
        } else {
          status(res, 415, 'UnsupportedMediaType', `unsupported ${type}`);
          return;
        }
      } catch (error) {
        status(res, 422, 'Invalid', String((error as Error).message));
        return;
      }
      if (
        patched.metadata.resourceVersion !== current.metadata.resourceVersion
      ) {
        status(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on rollouts.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
        return;
      }
      const next: KubeObject = sub
        ? { ...current, status: patched.status }
        : { ...patched, status: current.status };
      next.metadata = { ...next.metadata };
      if (
        !sub &&
        JSON.stringify(patched.spec) !== JSON.stringify(current.spec)
      ) {
        next.metadata.generation = (current.metadata.generation ?? 0) + 1;
      }
      next.status = JSON.parse(JSON.stringify(next.status));
      reconcile(next, objects.replicaSets);
      next.metadata.resourceVersion = String(++resourceVersion);
      objects.rollout = next;
      res.json(next);
    },
  );
  router.use((_req: Request, res: Response) =>
    status(
      res,
      404,
      'NotFound',
      'the server could not find the requested resource',
    ),
  );
  return router;
}

/**
 * Serves the example Kubernetes API under /api/example-kubernetes (examples
 * only). It checks its own bearer token, as an API server does.
 */
export const exampleKubernetesPlugin = createBackendPlugin({
  pluginId: 'example-kubernetes',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use(createExampleKubernetesRouter());
        httpRouter.addAuthPolicy({ path: '/apis', allow: 'unauthenticated' });
      },
    });
  },
});
