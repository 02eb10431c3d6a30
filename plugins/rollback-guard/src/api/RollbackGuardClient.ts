import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { RollbackGuardApi } from './RollbackGuardApi';

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

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('rollback-guard');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
