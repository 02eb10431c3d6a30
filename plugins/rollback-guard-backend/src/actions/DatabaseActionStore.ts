import { parseStoredReadiness } from '../lib/storedJson';
import {
  ActionKind,
  ActionRequest,
  ActionRequestDetail,
  ActionStatus,
  EnvironmentReadiness,
  AuditEntry,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from '../database/migrate';
import { ActionStore, AuditInput, NewAction } from './ActionStore';

const ACTIONS = 'rollback_guard_actions';
const APPROVALS = 'rollback_guard_action_approvals';
const AUDIT = 'rollback_guard_audit';

type Timestamp = Date | string | number;

type ActionRow = {
  id: string;
  entity_ref: string;
  environment: string;
  kind: string;
  target_version: string | null;
  reason: string;
  requested_by: string;
  idempotency_key: string;
  risk: string;
  readiness_computed_at: Timestamp;
  override_justification: string | null;
  required_approvals: number;
  status: string;
  requested_at: Timestamp;
  expires_at: Timestamp;
  decided_by: string | null;
  decision: string | null;
  attempts: number;
  outcome: string | null;
  execution_started_at?: Timestamp | null;
  readiness?: string | null;
  may_have_run?: boolean | number | null;
};

type ApprovalRow = {
  action_id: string;
  approver: string;
  approved_at: Timestamp;
};

type AuditRow = {
  id: number | string;
  action_id: string;
  entity_ref: string;
  step: string;
  actor: string;
  details: string;
  at: Timestamp;
};

function toIso(value: Timestamp): string {
  return new Date(value).toISOString();
}

/**
 * Action requests, their approvals and the audit trail, on knex. Every
 * state change is a conditional update on the state it leaves, so that
 * concurrent writers (several replicas) cannot both move a request. Times
 * that decide expiry come from the database clock.
 *
 * @internal
 */
export class DatabaseActionStore implements ActionStore {
  /** The store on the plugin's database, migrated unless told not to. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseActionStore> {
    return new DatabaseActionStore(await migratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  /** The database's own clock. */
  async now(): Promise<Date> {
    if (this.db.client.config.client === 'pg') {
      const { rows } = await this.db.raw('select now() as now');
      return new Date(rows[0].now);
    }
    const [row] = await this.db.raw(
      "select strftime('%Y-%m-%dT%H:%M:%fZ', 'now') as now",
    );
    return new Date(row.now);
  }

  /**
   * Inserts the request unless its requester already used the idempotency
   * key; returns the stored request and whether this call created it.
   */
  async create(
    action: NewAction,
    audit: AuditInput[] = [],
  ): Promise<{ action: ActionRequest; created: boolean }> {
    const now = await this.now();
    const inserted = await this.db.transaction(async trx => {
      const rows = await trx<ActionRow>(ACTIONS)
        .insert({
          id: action.id,
          entity_ref: action.entityRef,
          environment: action.environment,
          kind: action.kind,
          target_version: action.targetVersion ?? null,
          reason: action.reason,
          requested_by: action.requestedBy,
          idempotency_key: action.idempotencyKey,
          risk: action.risk,
          readiness_computed_at: new Date(action.readinessComputedAt),
          override_justification: action.override?.justification ?? null,
          required_approvals: action.requiredApprovals,
          readiness: action.readiness ? JSON.stringify(action.readiness) : null,
          status: action.status,
          requested_at: now,
          expires_at: new Date(now.getTime() + action.ttlSeconds * 1000),
        })
        .onConflict(['requested_by', 'idempotency_key'])
        .ignore()
        .returning('id');
      if (rows.length > 0) await this.insertAudit(trx, audit);
      return rows;
    });
    const row = await this.db<ActionRow>(ACTIONS)
      .where({
        requested_by: action.requestedBy,
        idempotency_key: action.idempotencyKey,
      })
      .first();
    return {
      action: await this.withApprovals(row!),
      created: inserted.length > 0,
    };
  }

  async get(id: string): Promise<ActionRequest | undefined> {
    const row = await this.db<ActionRow>(ACTIONS).where({ id }).first();
    return row ? this.withApprovals(row) : undefined;
  }

  /** A request with the readiness it was made against. */
  async getDetail(id: string): Promise<ActionRequestDetail | undefined> {
    const row = await this.db<ActionRow>(ACTIONS).where({ id }).first();
    if (!row) return undefined;
    return {
      ...(await this.withApprovals(row)),
      ...(row.readiness
        ? {
            readiness: parseStoredReadiness<EnvironmentReadiness>(
              row.readiness,
            ),
          }
        : {}),
    };
  }

  async list(entityRef: string, limit: number): Promise<ActionRequest[]> {
    const rows = await this.db<ActionRow>(ACTIONS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return this.withApprovalsOf(rows);
  }

  /**
   * Requests waiting for a decision that have not expired by the database
   * clock, across entities, newest first.
   */
  async pending(limit: number): Promise<ActionRequest[]> {
    const rows = await this.db<ActionRow>(ACTIONS)
      .where({ status: 'requested' })
      .where('expires_at', '>', await this.now())
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return this.withApprovalsOf(rows);
  }

  /** Requests still waiting whose time ran out by the database clock. */
  async overdue(limit: number): Promise<ActionRequest[]> {
    const rows = await this.db<ActionRow>(ACTIONS)
      .where({ status: 'requested' })
      .where('expires_at', '<=', await this.now())
      .orderBy('expires_at')
      .limit(limit);
    return this.withApprovalsOf(rows);
  }

  /**
   * Records an approval, only while the request is open (waiting and not
   * expired by the database clock): `closed` when it is not, `duplicate`
   * when this person already approved it.
   */
  async addApproval(
    id: string,
    approver: string,
    audit: AuditInput[] = [],
  ): Promise<'added' | 'duplicate' | 'closed'> {
    // Read before the transaction: SQLite has one connection, which the
    // transaction holds.
    const now = await this.now();
    return this.db.transaction(async trx => {
      // Holds the request's row until the approval is in, so that no
      // decision or expiry slips between the check and the insert.
      const open = await trx<ActionRow>(ACTIONS)
        .where({ id, status: 'requested' })
        .where('expires_at', '>', now)
        .forUpdate()
        .first();
      if (!open) return 'closed';
      const inserted = await trx<ApprovalRow>(APPROVALS)
        .insert({ action_id: id, approver, approved_at: now })
        .onConflict(['action_id', 'approver'])
        .ignore()
        .returning('action_id');
      if (inserted.length === 0) return 'duplicate';
      await this.insertAudit(trx, audit);
      return 'added';
    });
  }

  /**
   * How many requests a person made since `since`, and when the oldest of
   * them was made: for the per-user rate limit.
   */
  async requestsSince(
    requester: string,
    since: Date,
  ): Promise<{ count: number; oldest?: Date }> {
    const row = await this.db<ActionRow>(ACTIONS)
      .where({ requested_by: requester })
      .where('requested_at', '>', since)
      .count({ count: '*' })
      .min({ oldest: 'requested_at' })
      .first();
    const count = Number((row as { count?: unknown })?.count ?? 0);
    const oldest = (row as { oldest?: Timestamp | null })?.oldest;
    return { count, ...(oldest ? { oldest: new Date(oldest) } : {}) };
  }

  /**
   * Requests approved at least `olderThanSeconds` ago and never claimed for
   * execution: left so by a crash between approval and the claim.
   */
  async stuckApproved(
    olderThanSeconds: number,
    limit: number,
  ): Promise<ActionRequest[]> {
    const before = new Date(
      (await this.now()).getTime() - olderThanSeconds * 1000,
    );
    const rows = await this.db<ActionRow>(ACTIONS)
      .where({ status: 'approved' })
      .where('requested_at', '<', before)
      .orderBy('requested_at')
      .limit(limit);
    return this.withApprovalsOf(rows);
  }

  /** Moves a request from one status to another, only if it is still in `from`. */
  async transition(
    id: string,
    from: ActionStatus,
    to: ActionStatus,
    decision?: { by: string; text?: string },
    audit: AuditInput[] = [],
  ): Promise<boolean> {
    return this.db.transaction(async trx => {
      const updated = await trx<ActionRow>(ACTIONS)
        .where({ id, status: from })
        .update({
          status: to,
          ...(decision
            ? { decided_by: decision.by, decision: decision.text ?? null }
            : {}),
        });
      if (updated === 0) return false;
      await this.insertAudit(trx, audit);
      return true;
    });
  }

  /**
   * Claims a request for execution: approved (or failed, for a retry) to
   * executing, counting the attempt. Only one caller wins, whichever replica
   * it runs on; returns the attempt number, or undefined for the losers.
   */
  async claimExecution(
    id: string,
    from: 'approved' | 'failed',
    /** Written with the claim; the attempt number joins its details. */
    audit?: AuditInput,
  ): Promise<number | undefined> {
    const now = await this.now();
    return this.db.transaction(async trx => {
      const updated = await trx<ActionRow>(ACTIONS)
        .where({ id, status: from })
        .update({
          status: 'executing',
          attempts: trx.raw('attempts + 1') as unknown as number,
          outcome: null,
          may_have_run: false,
          execution_started_at: now,
        });
      if (updated === 0) return undefined;
      const row = await trx<ActionRow>(ACTIONS).where({ id }).first();
      const attempt = Number(row!.attempts);
      if (audit) {
        await this.insertAudit(trx, [
          { ...audit, details: { ...audit.details, attempt } },
        ]);
      }
      return attempt;
    });
  }

  /** Ends an execution, only if it is still executing. */
  async finishExecution(
    id: string,
    to: 'succeeded' | 'failed',
    outcome: string,
    mayHaveRun = false,
    audit: AuditInput[] = [],
  ): Promise<boolean> {
    return this.db.transaction(async trx => {
      const updated = await trx<ActionRow>(ACTIONS)
        .where({ id, status: 'executing' })
        .update({ status: to, outcome, may_have_run: mayHaveRun });
      if (updated === 0) return false;
      await this.insertAudit(trx, audit);
      return true;
    });
  }

  /**
   * Every request executing, with when its current attempt started, oldest
   * first: for reading the provider back.
   */
  async allExecuting(
    limit: number,
  ): Promise<Array<{ action: ActionRequest; startedAt: Date }>> {
    const rows = await this.db<ActionRow>(ACTIONS)
      .where({ status: 'executing' })
      .orderBy('execution_started_at')
      .limit(limit);
    return this.withStart(rows);
  }

  /**
   * Requests executing in an environment, with when their current attempt
   * started, for verification.
   */
  async executing(
    entityRef: string,
    environment: string,
  ): Promise<Array<{ action: ActionRequest; startedAt: Date }>> {
    const rows = await this.db<ActionRow>(ACTIONS).where({
      entity_ref: entityRef,
      environment,
      status: 'executing',
    });
    return this.withStart(rows);
  }

  private async withStart(
    rows: ActionRow[],
  ): Promise<Array<{ action: ActionRequest; startedAt: Date }>> {
    const actions = await this.withApprovalsOf(rows);
    return rows.map((row, i) => ({
      action: actions[i],
      startedAt: new Date(row.execution_started_at ?? row.requested_at),
    }));
  }

  /** Appends to the audit trail; there is no way to change a row. */
  async audit(entry: AuditInput): Promise<void> {
    await this.insertAudit(this.db, [entry]);
  }

  private async insertAudit(db: Knex, entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await db(AUDIT).insert(
      entries.map(entry => ({
        action_id: entry.actionId,
        entity_ref: entry.entityRef,
        step: entry.step,
        actor: entry.actor,
        details: JSON.stringify(entry.details),
      })),
    );
  }

  async auditTrail(entityRef: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db<AuditRow>(AUDIT)
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: Number(row.id),
      actionId: row.action_id,
      entityRef: row.entity_ref,
      step: row.step,
      actor: row.actor,
      at: toIso(row.at),
      details: JSON.parse(row.details),
    }));
  }

  private async withApprovals(row: ActionRow): Promise<ActionRequest> {
    return (await this.withApprovalsOf([row]))[0];
  }

  /** The requests of these rows, with their approvals read in one query. */
  private async withApprovalsOf(rows: ActionRow[]): Promise<ActionRequest[]> {
    if (rows.length === 0) return [];
    const approvals = await this.db<ApprovalRow>(APPROVALS)
      .whereIn(
        'action_id',
        rows.map(row => row.id),
      )
      .orderBy('approved_at');
    const byAction = new Map<string, ApprovalRow[]>();
    for (const approval of approvals) {
      const list = byAction.get(approval.action_id) ?? [];
      list.push(approval);
      byAction.set(approval.action_id, list);
    }
    return rows.map(row => this.toAction(row, byAction.get(row.id) ?? []));
  }

  private toAction(row: ActionRow, approvals: ApprovalRow[]): ActionRequest {
    return {
      id: row.id,
      entityRef: row.entity_ref,
      environment: row.environment,
      kind: row.kind as ActionKind,
      ...(row.target_version ? { targetVersion: row.target_version } : {}),
      reason: row.reason,
      requestedBy: row.requested_by,
      requestedAt: toIso(row.requested_at),
      risk: row.risk as Risk,
      readinessComputedAt: toIso(row.readiness_computed_at),
      ...(row.override_justification
        ? { override: { justification: row.override_justification } }
        : {}),
      requiredApprovals: row.required_approvals,
      approvals: approvals.map(a => ({
        by: a.approver,
        at: toIso(a.approved_at),
      })),
      status: row.status as ActionStatus,
      expiresAt: toIso(row.expires_at),
      ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
      ...(row.decision ? { decision: row.decision } : {}),
      attempts: Number(row.attempts),
      ...(row.outcome ? { outcome: row.outcome } : {}),
      ...(row.may_have_run ? { mayHaveRun: true } : {}),
    };
  }
}
