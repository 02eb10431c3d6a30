import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentProvider } from '../extensions';

/**
 * A provider that reports the deployments a test gives it (mutable: push to
 * `deployments` as the test goes), newest first by start time, as a real
 * provider answers.
 *
 * @public
 */
export function mockDeploymentProvider(
  id: string,
  deployments: Deployment[] = [],
): DeploymentProvider & { deployments: Deployment[] } {
  const newestFirst = (entityRef: string, environment?: string) =>
    deployments
      .filter(
        d =>
          d.entityRef === entityRef &&
          (!environment || d.environment === environment),
      )
      .sort(
        (a, b) =>
          Date.parse(b.startedAt) - Date.parse(a.startedAt) ||
          b.id.localeCompare(a.id),
      );
  return {
    id,
    title: `Test provider ${id}`,
    deployments,
    async getCurrentDeployments({ entityRef }) {
      const current = new Map<string, Deployment>();
      for (const d of newestFirst(entityRef)) {
        if (!current.has(d.environment)) current.set(d.environment, d);
      }
      return [...current.values()];
    },
    async listDeployments({ entityRef, environment, limit, before }) {
      return newestFirst(entityRef, environment)
        .filter(
          d =>
            !before ||
            Date.parse(d.startedAt) < Date.parse(before.startedAt) ||
            (d.startedAt === before.startedAt && d.id < before.id),
        )
        .slice(0, limit);
    },
  };
}
