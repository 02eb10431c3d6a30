import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ActionPolicyView,
  ActionRequest,
  ActionRequestDetail,
  PendingApproval,
  AuditEntry,
  DeploymentHistoryPage,
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ActionDecisionInput,
  ActionRequestInput,
  ActionTarget,
  DeploymentHistoryRequest,
  RollbackGuardApi,
} from './RollbackGuardApi';

/** A POST of `body` as JSON. */
function postJson(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

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
    return this.request<ReadinessSnapshot>(
      '/readiness/refresh',
      postJson({ entityRef }),
    );
  }

  async requestAction(input: ActionRequestInput): Promise<ActionRequest> {
    return this.request<ActionRequest>('/actions', postJson(input));
  }

  async listActions(entityRef: string): Promise<{ items: ActionRequest[] }> {
    return this.request<{ items: ActionRequest[] }>(
      `/actions?${new URLSearchParams({ entityRef })}`,
    );
  }

  async approveAction(input: ActionDecisionInput): Promise<ActionRequest> {
    return this.decide('approve', input);
  }

  async rejectAction(input: ActionDecisionInput): Promise<ActionRequest> {
    return this.decide('reject', input);
  }

  async retryAction(
    target: ActionTarget & { confirmMayHaveRun?: boolean },
  ): Promise<ActionRequest> {
    const { id, ...body } = target;
    return this.request<ActionRequest>(
      `/actions/${encodeURIComponent(id)}/retry`,
      postJson(body),
    );
  }

  async getActionPolicy(entityRef: string): Promise<ActionPolicyView> {
    return this.request<ActionPolicyView>(
      `/actions/policy?${new URLSearchParams({ entityRef })}`,
    );
  }

  async getAction(id: string): Promise<ActionRequestDetail> {
    return this.request<ActionRequestDetail>(
      `/actions/${encodeURIComponent(id)}`,
    );
  }

  async listPendingApprovals(): Promise<{ items: PendingApproval[] }> {
    return this.request<{ items: PendingApproval[] }>('/approvals');
  }

  async getAuditTrail(entityRef: string): Promise<{ items: AuditEntry[] }> {
    return this.request<{ items: AuditEntry[] }>(
      `/audit?${new URLSearchParams({ entityRef })}`,
    );
  }

  private async decide(
    decision: 'approve' | 'reject',
    input: ActionDecisionInput,
  ): Promise<ActionRequest> {
    const { id, ...body } = input;
    return this.request<ActionRequest>(
      `/actions/${encodeURIComponent(id)}/${decision}`,
      postJson(body),
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
