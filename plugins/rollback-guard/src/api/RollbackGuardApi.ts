import { createApiRef } from '@backstage/core-plugin-api';
import {
  ActionKind,
  ActionPolicyView,
  ActionRequestDetail,
  PendingApproval,
  ActionRequest,
  AuditEntry,
  DeploymentHistoryPage,
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * Which page of an entity's deployment history to get.
 *
 * @public
 */
export type DeploymentHistoryRequest = {
  entityRef: string;
  /** Only the deployments to this environment; all environments when absent. */
  environment?: string;
  /** The `nextCursor` of the previous page; the newest page when absent. */
  cursor?: string;
  /** How many deployments at most; the backend's default (20) when absent. */
  limit?: number;
};

/**
 * What a person asks Rollback Guard to do in one environment of an entity.
 *
 * @public
 */
export type ActionRequestInput = {
  entityRef: string;
  environment: string;
  kind: ActionKind;
  /** Roll-back: the candidate's version; roll-forward: the version to go to. */
  targetVersion?: string;
  /** Why; required and not blank. */
  reason: string;
  /**
   * Chosen by the client, once per attempt to ask (e.g. once per dialog
   * opening): a request sent again with the same key is not made twice.
   */
  idempotencyKey: string;
  /** Only for a roll-back whose readiness is blocked. */
  override?: { justification: string };
};

/**
 * Which action request to approve, reject or retry.
 *
 * @public
 */
export type ActionTarget = {
  id: string;
  entityRef: string;
  environment: string;
  kind: ActionKind;
};

/**
 * An approval or rejection of someone else's action request.
 *
 * @public
 */
export type ActionDecisionInput = ActionTarget & {
  /** Optional words to go with the decision. */
  comment?: string;
};

/**
 * The Rollback Guard backend, as the frontend sees it.
 *
 * @public
 */
export interface RollbackGuardApi {
  /** What Rollback Guard knows about one entity. */
  getSummary(entityRef: string): Promise<RollbackGuardSummary>;
  /** The current deployment in each of the entity's environments. */
  getRolloutStatus(entityRef: string): Promise<RolloutStatus>;
  /** A page of the entity's deployments, newest first. */
  getDeploymentHistory(
    request: DeploymentHistoryRequest,
  ): Promise<DeploymentHistoryPage>;
  /**
   * The latest readiness snapshot of the entity: per environment, the
   * candidates to go back to, their check results, the risk and what to do.
   */
  getReadiness(entityRef: string): Promise<ReadinessSnapshot>;
  /** Runs every readiness check again now (may take a few seconds). */
  refreshReadiness(entityRef: string): Promise<ReadinessSnapshot>;
  /** Asks for a supervised action; the backend says who must approve it. */
  requestAction(input: ActionRequestInput): Promise<ActionRequest>;
  /** One request, with the readiness it was made against. */
  getAction(id: string): Promise<ActionRequestDetail>;
  /** The entity's action requests, newest first. */
  listActions(entityRef: string): Promise<{ items: ActionRequest[] }>;
  /** Approves someone else's request. */
  approveAction(input: ActionDecisionInput): Promise<ActionRequest>;
  /** Rejects someone else's request. */
  rejectAction(input: ActionDecisionInput): Promise<ActionRequest>;
  /** Runs a failed request again, as a new attempt. */
  /**
   * A new attempt at a failed action. When the last attempt may have run
   * (`mayHaveRun`), the person confirms they checked that it did not.
   */
  retryAction(
    target: ActionTarget & { confirmMayHaveRun?: boolean },
  ): Promise<ActionRequest>;
  /**
   * Who must approve the entity's actions: configuration, refined by the
   * entity's `rollback-guard/approvals` annotation as far as configuration
   * allows.
   */
  getActionPolicy(entityRef: string): Promise<ActionPolicyView>;
  /**
   * The approvals view: every request waiting for a decision on the
   * entities the user may see, each with whether they may approve it.
   */
  listPendingApprovals(): Promise<{ items: PendingApproval[] }>;
  /** Every step of the entity's actions, newest first. */
  getAuditTrail(entityRef: string): Promise<{ items: AuditEntry[] }>;
}

/**
 * @public
 */
export const rollbackGuardApiRef = createApiRef<RollbackGuardApi>({
  id: 'plugin.rollback-guard.api',
});
