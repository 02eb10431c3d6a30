import {
  ActionExecutionRequest,
  ActionExecutionResult,
  ActionExecutor,
} from '@rollback-guard/plugin-rollback-guard-node';
import {
  JSON_PATCH,
  KubeObject,
  KubernetesCallError,
  MERGE_PATCH,
  paths,
} from './client';
import { KubernetesSettings } from './config';
import {
  DEPLOYMENT_HASH_LABEL,
  DEPLOYMENT_REVISION,
  DEPLOYMENT_REVISION_HISTORY,
  imageVersion,
  ownedRevisions,
  PROVIDER_ID,
  Revision,
  ROLLOUT_HASH_LABEL,
} from './read';
import { entityTargets } from './targets';
import { clientFor, findWorkloads, Workload } from './workloads';

export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/** One PATCH of an action, with the exact body `kubectl` sends. */
export type PatchStep = {
  path: string;
  contentType: string;
  body: string;
};

type Plan = { steps: PatchStep[] } | { refuse: string };

// The bodies `kubectl argo rollouts` sends (pkg/kubectl-argo-rollouts/cmd in
// argoproj/argo-rollouts), byte for byte.
const ABORT = '{"status":{"abort":true}}';
const RETRY = '{"status":{"abort":false}}';
const PAUSE = '{"spec":{"paused":true}}';
const UNPAUSE = '{"spec":{"paused":false}}';
const CLEAR_PAUSE_CONDITIONS = '{"status":{"pauseConditions":null}}';
const PROMOTE_FULL = '{"status":{"promoteFull":true}}';
// What `kubectl rollout pause|resume deployment/x` sends (strategic merge).
const DEPLOYMENT_PAUSE = '{"spec":{"paused":true}}';
const DEPLOYMENT_RESUME = '{"spec":{"paused":null}}';

// kubectl's annotationsToSkip: kept from the Deployment on undo, never
// copied from the ReplicaSet.
const ANNOTATIONS_TO_SKIP = [
  'kubectl.kubernetes.io/last-applied-configuration',
  DEPLOYMENT_REVISION,
  DEPLOYMENT_REVISION_HISTORY,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(
        k => (value as any)[k] !== null && (value as any)[k] !== undefined,
      )
      .map(k => `${JSON.stringify(k)}:${canonical((value as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function withoutHashLabel(template: any, hashLabel: string): any {
  const copy = JSON.parse(JSON.stringify(template ?? {}));
  if (copy.metadata?.labels) delete copy.metadata.labels[hashLabel];
  return copy;
}

function describe(workload: Workload): string {
  const { cluster, namespace } = workload.target;
  return `${cluster}/${namespace}/${workload.kind.toLocaleLowerCase('en-US')}/${
    workload.object.metadata.name
  }`;
}

function versionOf(rev: Revision): string {
  return imageVersion(rev.replicaSet.spec?.template, rev.revision).version;
}

/**
 * The undo `kubectl argo rollouts undo` / `kubectl rollout undo` sends: the
 * older ReplicaSet's pod template (without its hash label) into
 * `spec.template`, for a Deployment with its annotations as kubectl computes
 * them; led by the resourceVersion the decision was made on, so that a
 * workload changed since it was read answers 409 and nothing changes.
 */
function undoPlan(
  workload: Workload,
  revisions: Revision[],
  current: Revision | undefined,
  targetVersion: string | undefined,
  hashLabel: string,
): Plan {
  const { object, kind } = workload;
  const older = revisions.filter(r => r !== current);
  let to: Revision | undefined;
  if (targetVersion) {
    to = older.find(r => versionOf(r) === targetVersion);
    if (!to) {
      const kept = older.map(r => `${r.revision} (${versionOf(r)})`);
      return {
        refuse: `${describe(
          workload,
        )} keeps no ReplicaSet running version ${targetVersion}; it keeps ${
          kept.length ? kept.join(', ') : 'no older revision'
        }. Kubernetes can only go back to a revision it keeps`,
      };
    }
  } else {
    to = older[0];
    if (!to) {
      return { refuse: `${describe(workload)} keeps no older revision` };
    }
  }
  const template = withoutHashLabel(to.replicaSet.spec?.template, hashLabel);
  if (
    canonical(withoutHashLabel(object.spec?.template, hashLabel)) ===
    canonical(template)
  ) {
    return {
      refuse: `${describe(workload)} already runs the template of revision ${
        to.revision
      } (${versionOf(to)}); nothing to do`,
    };
  }
  const ops: unknown[] = [
    {
      op: 'replace',
      path: '/metadata/resourceVersion',
      value: object.metadata.resourceVersion,
    },
    { op: 'replace', path: '/spec/template', value: template },
  ];
  if (kind === 'Deployment') {
    const annotations: Record<string, string> = {};
    for (const key of ANNOTATIONS_TO_SKIP) {
      const value = object.metadata.annotations?.[key];
      if (value !== undefined) annotations[key] = value;
    }
    for (const [key, value] of Object.entries(
      to.replicaSet.metadata.annotations ?? {},
    )) {
      if (!ANNOTATIONS_TO_SKIP.includes(key)) annotations[key] = value;
    }
    ops.push({
      op: 'replace',
      path: '/metadata/annotations',
      value: annotations,
    });
  }
  const path =
    kind === 'Rollout'
      ? paths.rollout(workload.target.namespace, object.metadata.name)
      : paths.deployment(workload.target.namespace, object.metadata.name);
  return {
    steps: [{ path, contentType: JSON_PATCH, body: JSON.stringify(ops) }],
  };
}

function rolloutPlan(
  workload: Workload,
  request: ActionExecutionRequest,
): Plan {
  const rollout = workload.object;
  const status = rollout.status ?? {};
  const ns = workload.target.namespace;
  const path = paths.rollout(ns, rollout.metadata.name);
  const statusPath = `${path}/status`;
  const revisions = ownedRevisions(rollout, workload.replicaSets, 'Rollout');
  const current = revisions.find(
    r => r.podHash && r.podHash === status.currentPodHash,
  );
  const settled =
    status.currentPodHash !== undefined &&
    status.currentPodHash === status.stableRS;
  const paused =
    Boolean(rollout.spec?.paused) || (status.pauseConditions ?? []).length > 0;
  const steps: any[] = rollout.spec?.strategy?.canary?.steps ?? [];
  const { kind, targetVersion } = request.action;
  switch (kind) {
    case 'abort':
      if (settled && !status.abort) {
        return {
          refuse: `${describe(
            workload,
          )} is not rolling out (it runs its stable revision); nothing to abort`,
        };
      }
      return {
        steps: [{ path: statusPath, contentType: MERGE_PATCH, body: ABORT }],
      };
    case 'pause':
      return { steps: [{ path, contentType: MERGE_PATCH, body: PAUSE }] };
    case 'resume': {
      // An aborted rollout resumes with `retry`; a paused one with `promote`.
      if (status.abort) {
        return {
          steps: [{ path: statusPath, contentType: MERGE_PATCH, body: RETRY }],
        };
      }
      if (!paused) {
        return {
          refuse: `${describe(
            workload,
          )} is neither paused nor aborted; nothing to resume`,
        };
      }
      const plan: PatchStep[] = [];
      if ((status.pauseConditions ?? []).length > 0) {
        const inconclusive =
          Boolean(rollout.spec?.strategy?.canary) &&
          status.canary?.currentStepAnalysisRunStatus?.status ===
            'Inconclusive' &&
          status.controllerPause;
        if (inconclusive && steps.length > 0) {
          let index: number = status.currentStepIndex ?? 0;
          if (index < steps.length) index++;
          plan.push({
            path: statusPath,
            contentType: MERGE_PATCH,
            body: `{"status":{"pauseConditions":null, "controllerPause":false, "currentStepIndex":${index}}}`,
          });
        } else {
          plan.push({
            path: statusPath,
            contentType: MERGE_PATCH,
            body: CLEAR_PAUSE_CONDITIONS,
          });
        }
      }
      // Unlike `promote` on a rollout paused by hand, resume does not also
      // skip to the next canary step: it only lifts the pause.
      if (rollout.spec?.paused) {
        plan.push({ path, contentType: MERGE_PATCH, body: UNPAUSE });
      }
      return { steps: plan };
    }
    case 'roll-forward': {
      const currentVersion = current ? versionOf(current) : undefined;
      if (targetVersion && targetVersion !== currentVersion) {
        if (rollout.spec?.workloadRef) {
          return {
            refuse: `${describe(workload)} takes its template from ${
              rollout.spec.workloadRef.kind
            } ${rollout.spec.workloadRef.name}; change it there`,
          };
        }
        return undoPlan(
          workload,
          revisions,
          current,
          targetVersion,
          ROLLOUT_HASH_LABEL,
        );
      }
      if (status.abort) {
        return {
          refuse: `${describe(
            workload,
          )} is aborted; resume (retry) it before promoting it`,
        };
      }
      if (settled) {
        return { refuse: `${describe(workload)} is fully promoted already` };
      }
      // `kubectl argo rollouts promote --full`
      const plan: PatchStep[] = [
        { path: statusPath, contentType: MERGE_PATCH, body: PROMOTE_FULL },
      ];
      if (rollout.spec?.paused) {
        plan.push({ path, contentType: MERGE_PATCH, body: UNPAUSE });
      }
      return { steps: plan };
    }
    case 'roll-back': {
      if (rollout.spec?.workloadRef) {
        return {
          refuse: `${describe(workload)} takes its template from ${
            rollout.spec.workloadRef.kind
          } ${rollout.spec.workloadRef.name}; roll that back instead`,
        };
      }
      // Without a version: back to the stable revision while rolling out,
      // else to the previous revision (kubectl's default).
      const stable = revisions.find(r => r.podHash === status.stableRS);
      const version =
        targetVersion ??
        (!settled && stable && stable !== current
          ? versionOf(stable)
          : undefined);
      return undoPlan(
        workload,
        revisions,
        current,
        version,
        ROLLOUT_HASH_LABEL,
      );
    }
    default:
      return {
        refuse: `the kubernetes provider cannot ${String(kind)} a Rollout`,
      };
  }
}

function deploymentPlan(
  workload: Workload,
  request: ActionExecutionRequest,
): Plan {
  const deployment = workload.object;
  const path = paths.deployment(
    workload.target.namespace,
    deployment.metadata.name,
  );
  const revisions = ownedRevisions(
    deployment,
    workload.replicaSets,
    'Deployment',
  );
  const current = revisions[0];
  const { kind, targetVersion } = request.action;
  switch (kind) {
    case 'pause':
      return {
        steps: [
          { path, contentType: STRATEGIC_MERGE_PATCH, body: DEPLOYMENT_PAUSE },
        ],
      };
    case 'resume':
      if (!deployment.spec?.paused) {
        return {
          refuse: `${describe(workload)} is not paused; nothing to resume`,
        };
      }
      return {
        steps: [
          { path, contentType: STRATEGIC_MERGE_PATCH, body: DEPLOYMENT_RESUME },
        ],
      };
    case 'abort':
      return {
        refuse: `${describe(
          workload,
        )} is a Deployment, which has no abort; pause it or roll it back`,
      };
    case 'roll-back':
    case 'roll-forward':
      if (deployment.spec?.paused) {
        // As kubectl: "you cannot rollback a paused deployment; resume it first".
        return {
          refuse: `${describe(
            workload,
          )} is paused; resume it before rolling it back`,
        };
      }
      if (
        kind === 'roll-forward' &&
        (!targetVersion || (current && versionOf(current) === targetVersion))
      ) {
        return {
          refuse: `${describe(workload)} already runs ${
            targetVersion ?? 'its newest revision'
          }`,
        };
      }
      return undoPlan(
        workload,
        revisions,
        current,
        targetVersion,
        DEPLOYMENT_HASH_LABEL,
      );
    default:
      return {
        refuse: `the kubernetes provider cannot ${String(kind)} a Deployment`,
      };
  }
}

/**
 * Carries out approved actions on the entity's Argo Rollout or Deployment,
 * as `kubectl argo rollouts` and `kubectl rollout` do. Only the cluster,
 * namespace and objects the entity's annotations name are touched; anything
 * else is refused before a request is sent.
 *
 * @public
 */
export class KubernetesExecutor implements ActionExecutor {
  readonly providerId = PROVIDER_ID;

  constructor(private readonly settings: KubernetesSettings) {}

  async execute(
    request: ActionExecutionRequest,
    options: { signal?: AbortSignal },
  ): Promise<ActionExecutionResult> {
    const { action, entity } = request;
    const resolved = entityTargets(entity, this.settings);
    if ('error' in resolved) {
      return { ok: false, reason: resolved.error, reachedTarget: false };
    }
    const target = resolved.targets.find(
      t => t.environment === action.environment,
    );
    if (!target) {
      return {
        ok: false,
        reason: `environment ${
          action.environment
        } is not in the entity's rollback-guard/kubernetes-environments (${resolved.targets
          .map(t => t.environment)
          .join(', ')})`,
        reachedTarget: false,
      };
    }
    const client = clientFor(this.settings, target);
    let workloads: Workload[];
    try {
      workloads = await findWorkloads(client, target, options.signal);
    } catch (error) {
      if (error instanceof KubernetesCallError) {
        // Only reads were sent: nothing can have changed.
        return {
          ok: false,
          reason: error.message,
          status: error.status,
          reachedTarget: false,
        };
      }
      throw error;
    }
    const where = `${target.cluster}/${target.namespace}`;
    if (workloads.length === 0) {
      return {
        ok: false,
        reason: `no Rollout or Deployment in ${where} matches ${
          target.labelSelector
        }${target.name ? ` and is named ${target.name}` : ''}`,
        reachedTarget: false,
      };
    }
    if (workloads.length > 1) {
      return {
        ok: false,
        reason: `${workloads.length} objects in ${where} match ${
          target.labelSelector
        } (${workloads
          .map(w => `${w.kind} ${w.object.metadata.name}`)
          .join(', ')}); name one with rollback-guard/provider-id`,
        reachedTarget: false,
      };
    }
    const [workload] = workloads;
    let plan: Plan;
    if (workload.kind === 'Rollout') plan = rolloutPlan(workload, request);
    else if (workload.kind === 'Deployment') {
      plan = deploymentPlan(workload, request);
    } else {
      plan = {
        refuse: `${describe(
          workload,
        )} is a Flagger Canary: Flagger's analysis and its webhooks (confirm-rollout, confirm-promotion, rollback) decide its course; the kubernetes provider does not act on it`,
      };
    }
    const targetName = describe(workload);
    if ('refuse' in plan) {
      return {
        ok: false,
        reason: plan.refuse,
        target: targetName,
        reachedTarget: false,
      };
    }
    let last: KubeObject | undefined;
    for (const [i, step] of plan.steps.entries()) {
      try {
        last = await client.patch(
          step.path,
          step.contentType,
          step.body,
          options.signal,
        );
      } catch (error) {
        if (!(error instanceof KubernetesCallError)) throw error;
        const conflict = error.status === 409;
        let reason = error.message;
        if (conflict) {
          reason = `${targetName} changed since it was read (409 Conflict); nothing was changed, look at it again before retrying`;
        }
        if (i > 0) {
          // An earlier patch of this action went through.
          return {
            ok: false,
            reason: `${reason}; ${i} of ${plan.steps.length} changes were already made`,
            target: targetName,
            reachedTarget: true,
          };
        }
        return {
          ok: false,
          reason,
          target: targetName,
          status: error.status,
          reachedTarget: error.reachedTarget,
        };
      }
    }
    return {
      ok: true,
      target: `${targetName}${
        last?.metadata?.resourceVersion
          ? ` (resourceVersion ${last.metadata.resourceVersion})`
          : ''
      }`,
      status: 200,
    };
  }
}
