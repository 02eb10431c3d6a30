import {
  ActionRequest,
  ActionRequestDetail,
  ActionStatus,
  AuditEntry,
  EnvironmentReadiness,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * An audit row written in the same transaction as the change it records: if
 * either fails, neither is kept.
 */
export type AuditInput = Omit<AuditEntry, 'id' | 'at'>;

/** A new action request, as the service decided it. */
export type NewAction = Omit<
  ActionRequest,
  | 'requestedAt'
  | 'expiresAt'
  | 'approvals'
  | 'decidedBy'
  | 'decision'
  | 'attempts'
  | 'outcome'
> & {
  idempotencyKey: string;
  ttlSeconds: number;
  /** The environment's readiness the request was made against. */
  readiness?: EnvironmentReadiness;
};

/**
 * Action requests, their approvals and the audit trail. Every state change
 * applies only from the state it leaves, so that concurrent writers (several
 * replicas) cannot both move a request.
 *
 * @internal
 */
export interface ActionStore {
  /** The database's own clock. */
  now(): Promise<Date>;
  /**
   * Inserts the request unless its requester already used the idempotency
   * key; returns the stored request and whether this call created it.
   */
  create(
    action: NewAction,
    audit?: AuditInput[],
  ): Promise<{ action: ActionRequest; created: boolean }>;
  get(id: string): Promise<ActionRequest | undefined>;
  /** A request with the readiness it was made against. */
  getDetail(id: string): Promise<ActionRequestDetail | undefined>;
  list(entityRef: string, limit: number): Promise<ActionRequest[]>;
  /**
   * Requests waiting for a decision that have not expired by the database
   * clock, across entities, newest first.
   */
  pending(limit: number): Promise<ActionRequest[]>;
  /** Requests still waiting whose time ran out by the database clock. */
  overdue(limit: number): Promise<ActionRequest[]>;
  /**
   * Records an approval, only while the request is open (waiting and not
   * expired by the database clock): `closed` when it is not, `duplicate`
   * when this person already approved it.
   */
  addApproval(
    id: string,
    approver: string,
    audit?: AuditInput[],
  ): Promise<'added' | 'duplicate' | 'closed'>;
  /**
   * How many requests a person made since `since`, and when the oldest of
   * them was made: for the per-user rate limit.
   */
  requestsSince(
    requester: string,
    since: Date,
  ): Promise<{ count: number; oldest?: Date }>;
  /**
   * Requests approved at least `olderThanSeconds` ago and never claimed for
   * execution: left so by a crash between approval and the claim.
   */
  stuckApproved(
    olderThanSeconds: number,
    limit: number,
  ): Promise<ActionRequest[]>;
  /** Moves a request from one status to another, only if it is still in `from`. */
  transition(
    id: string,
    from: ActionStatus,
    to: ActionStatus,
    decision?: { by: string; text?: string },
    audit?: AuditInput[],
  ): Promise<boolean>;
  /**
   * Claims a request for execution: approved (or failed, for a retry) to
   * executing, counting the attempt. Only one caller wins, whichever replica
   * it runs on; returns the attempt number, or undefined for the losers.
   */
  claimExecution(
    id: string,
    from: 'approved' | 'failed',
    /** Written with the claim; the attempt number joins its details. */
    audit?: AuditInput,
  ): Promise<number | undefined>;
  /** Ends an execution, only if it is still executing. */
  finishExecution(
    id: string,
    to: 'succeeded' | 'failed',
    outcome: string,
    mayHaveRun?: boolean,
    audit?: AuditInput[],
  ): Promise<boolean>;
  /**
   * Every request executing, with when its current attempt started, oldest
   * first: for reading the provider back.
   */
  allExecuting(
    limit: number,
  ): Promise<Array<{ action: ActionRequest; startedAt: Date }>>;
  /**
   * Requests executing in an environment, with when their current attempt
   * started, for verification.
   */
  executing(
    entityRef: string,
    environment: string,
  ): Promise<Array<{ action: ActionRequest; startedAt: Date }>>;
  /** Appends to the audit trail; there is no way to change a row. */
  audit(entry: AuditInput): Promise<void>;
  auditTrail(entityRef: string, limit: number): Promise<AuditEntry[]>;
}
