import { EnvironmentReadiness, Risk } from './readiness';

/**
 * What a person can ask Rollback Guard to do in one environment.
 *
 * @public
 */
export type ActionKind =
  | 'pause'
  | 'resume'
  | 'abort'
  | 'roll-back'
  | 'roll-forward';

/**
 * @public
 */
export const ACTION_KINDS: readonly ActionKind[] = [
  'pause',
  'resume',
  'abort',
  'roll-back',
  'roll-forward',
];

/**
 * Where an action request stands. Execution states follow approval.
 *
 * @public
 */
export type ActionStatus =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'executing'
  | 'succeeded'
  | 'failed';

/**
 * An action request: who asked for what, why, against which readiness, and
 * who decided.
 *
 * @public
 */
export type ActionRequest = {
  id: string;
  entityRef: string;
  environment: string;
  kind: ActionKind;
  /** The version to go to: the candidate of a roll-back, the version of a roll-forward. */
  targetVersion?: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  /** The readiness the request was made against. */
  risk: Risk;
  readinessComputedAt: string;
  /** Set when a blocked rollback was requested with the override permission. */
  override?: { justification: string };
  requiredApprovals: number;
  approvals: Array<{ by: string; at: string }>;
  status: ActionStatus;
  expiresAt: string;
  decidedBy?: string;
  decision?: string;
  /** Execution attempts so far; a retry is a new attempt, never a silent one. */
  attempts: number;
  /** How execution ended, or why it stopped. */
  outcome?: string;
  /**
   * The last attempt failed after it may have reached its target (a timeout,
   * a broken connection, a 5xx answer): it may have run, so a retry needs
   * the person retrying to confirm they checked.
   */
  mayHaveRun?: boolean;
};

/**
 * One step in the audit trail of an action; rows are only ever appended.
 *
 * @public
 */
export type AuditEntry = {
  id: number;
  actionId: string;
  entityRef: string;
  step: string;
  actor: string;
  at: string;
  details: Record<string, unknown>;
};

/**
 * A request waiting for a decision, as one person sees it in the approvals
 * view: whether they may approve it and, when not, why.
 *
 * @public
 */
export type PendingApproval = {
  action: ActionRequest;
  mayApprove: boolean;
  /** Why this person may not approve, e.g. it is their own request. */
  note?: string;
};

/**
 * A request with the readiness it was made against: the environment's part
 * of the snapshot, as the requester saw it (absent for requests stored
 * before Rollback Guard kept it).
 *
 * @public
 */
export type ActionRequestDetail = ActionRequest & {
  readiness?: EnvironmentReadiness;
};

/**
 * What an action webhook receives, as JSON, once per execution attempt
 * (Rollback Guard's `generic` format). Other formats carry the same fields
 * in their own shape, e.g. GitHub's workflow_dispatch `inputs`.
 *
 * @public
 */
export type WebhookPayload = {
  actionId: string;
  /** 1 for the first execution; each retry is a new, audited attempt. */
  attempt: number;
  entityRef: string;
  environment: string;
  kind: ActionKind;
  /** The version to go to; null for pause, resume and abort. */
  targetVersion: string | null;
  reason: string;
  requestedBy: string;
  approvedBy: string[];
  risk: Risk;
  readinessComputedAt: string;
};
