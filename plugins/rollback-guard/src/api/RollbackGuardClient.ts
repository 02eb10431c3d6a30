import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DeploymentHistoryPage,
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentHistoryRequest, RollbackGuardApi } from './RollbackGuardApi';

/**
 * Talks to the Rollback Guard backend through the app's discovery and fetch
 * APIs, so the user's identity travels with every request.
 *
 * @public
 */
export class RollbackGuardClient implements RollbackGuardApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getSummary(entityRef: string): Promise<RollbackGuardSummary> {
    return this.request<RollbackGuardSummary>(
      `/summary?${new URLSearchParams({ entityRef })}`,
    );
  }

  async getRolloutStatus(entityRef: string): Promise<RolloutStatus> {
    return this.request<RolloutStatus>(
      `/rollout?${new URLSearchParams({ entityRef })}`,
    );
  }

  async getDeploymentHistory(
    request: DeploymentHistoryRequest,
  ): Promise<DeploymentHistoryPage> {
    const query = new URLSearchParams({ entityRef: request.entityRef });
    if (request.environment) query.set('environment', request.environment);
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.cursor) query.set('cursor', request.cursor);
    return this.request<DeploymentHistoryPage>(`/deployments?${query}`);
  }

  async getReadiness(entityRef: string): Promise<ReadinessSnapshot> {
    return this.request<ReadinessSnapshot>(
      `/readiness?${new URLSearchParams({ entityRef })}`,
    );
  }

  async refreshReadiness(entityRef: string): Promise<ReadinessSnapshot> {
    return this.request<ReadinessSnapshot>('/readiness/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ entityRef }),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('rollback-guard');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
