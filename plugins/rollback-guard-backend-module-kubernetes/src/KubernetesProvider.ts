import { Entity } from '@backstage/catalog-model';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import {
  DeploymentCursor,
  DeploymentProvider,
  DeploymentProviderRequest,
} from '@rollback-guard/plugin-rollback-guard-node';
import { KubernetesSettings } from './config';
import { PROVIDER_ID, WorkloadHistory } from './read';
import { entityTargets, KubernetesTarget } from './targets';
import { clientFor, findWorkloads, workloadHistory } from './workloads';

function newestFirst(a: Deployment, b: Deployment): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

function olderThan(d: Deployment, cursor: DeploymentCursor): boolean {
  return (
    d.startedAt < cursor.startedAt ||
    (d.startedAt === cursor.startedAt && d.id < cursor.id)
  );
}

/**
 * Reads Argo Rollouts and Deployments through the Kubernetes API: each
 * environment in the entity's `rollback-guard/kubernetes-environments` is a
 * cluster and namespace, where the entity's objects are found by
 * `backstage.io/kubernetes-id` or `backstage.io/kubernetes-label-selector`.
 *
 * @public
 */
export class KubernetesProvider implements DeploymentProvider {
  readonly id = PROVIDER_ID;
  readonly title = 'Kubernetes';

  constructor(private readonly settings: KubernetesSettings) {}

  validateEntity(entity: Entity): string | undefined {
    const result = entityTargets(entity, this.settings);
    return 'error' in result ? result.error : undefined;
  }

  private targets(entity: Entity): KubernetesTarget[] {
    const result = entityTargets(entity, this.settings);
    if ('error' in result) throw new Error(result.error);
    return result.targets;
  }

  private async read(
    request: DeploymentProviderRequest,
    environment?: string,
  ): Promise<WorkloadHistory[]> {
    const targets = this.targets(request.entity).filter(
      t => !environment || t.environment === environment,
    );
    const perTarget = await Promise.all(
      targets.map(target =>
        findWorkloads(clientFor(this.settings, target), target, request.signal),
      ),
    );
    return perTarget
      .flat()
      .map(workload => workloadHistory(workload, request.entityRef));
  }

  async getCurrentDeployments(
    request: DeploymentProviderRequest,
  ): Promise<Deployment[]> {
    const perWorkload = await this.read(request);
    // Each workload's current revision is what runs there now; with several
    // workloads in one environment, the one that changed last.
    const byEnvironment = new Map<string, Deployment>();
    for (const { current } of perWorkload) {
      if (!current) continue;
      const seen = byEnvironment.get(current.environment);
      if (!seen || newestFirst(current, seen) < 0) {
        byEnvironment.set(current.environment, current);
      }
    }
    return [...byEnvironment.values()];
  }

  async listDeployments(
    request: DeploymentProviderRequest & {
      environment?: string;
      limit: number;
      before?: DeploymentCursor;
    },
  ): Promise<Deployment[]> {
    const perWorkload = await this.read(request, request.environment);
    return perWorkload
      .flatMap(history => history.deployments)
      .filter(d => !request.before || olderThan(d, request.before))
      .sort(newestFirst)
      .slice(0, Math.max(0, request.limit));
  }
}
