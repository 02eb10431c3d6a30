import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionKind,
  ActionPolicyView,
  ActionRequest,
  Deployment,
  DeploymentState,
  EnvironmentReadiness,
  ReadinessSnapshot,
  RolloutStatus,
  approvalRuleFor,
  Risk,
  riskRank,
  rollbackGuardActionApprovePermission,
  rollbackGuardActionOverridePermission,
  rollbackGuardActionRequestPermission,
} from '@rollback-guard/plugin-rollback-guard-common';
import { Entity } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { ReadinessService } from '../readiness/ReadinessService';
import { EntityReader } from '../entities/EntityReader';
import { ActionStore, AuditInput } from './ActionStore';
import { ActionPolicy, policyForEntity } from './policy';
import { PermissivePolicyProbe } from './permissivePolicy';
import { ActionAnnouncer, PLUGIN_ACTOR } from './ActionAnnouncer';
import { ActionReads, requireVisible } from './ActionReads';
import { riskNow, verdictFor } from './verification';
import {
  ActionExecutionRequest,
  ActionExecutionResult,
} from '@rollback-guard/plugin-rollback-guard-node';

/**
 * Sends an approved action to where it is carried out (a webhook, a
 * provider's executor). Never retries by itself: a retry is a new, audited
 * attempt.
 *
 * @internal
 */
export type ActionDispatcher = {
  execute(
    request: ActionExecutionRequest,
    options: { signal?: AbortSignal },
  ): Promise<ActionExecutionResult>;
};

/**
 * Too many requests from one person in the window: 429, with when to try
 * again.
 *
 * @internal
 */
export class RateLimitedError extends CustomErrorBase {
  name = 'RateLimitedError' as const;
  statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

// The states of the current deployment each action makes sense in.
const ALLOWED_FROM: Record<
  Exclude<ActionKind, 'roll-back' | 'roll-forward'>,
  DeploymentState[]
> = {
  pause: ['pending', 'progressing'],
  resume: ['paused'],
  abort: ['pending', 'progressing', 'paused'],
};

type User = BackstageCredentials<BackstageUserPrincipal>;

/** How long an approved request may wait for its execution claim. */
const STUCK_APPROVED_SECONDS = 60;
/** Read-backs after a dispatch, before the sweep's (every minute). */
const VERIFY_DELAYS_MS = [2_000, 5_000, 10_000, 20_000, 40_000];

/** The most requests the approvals view shows, and expiry takes at once. */
const PENDING_LIMIT = 200;

/**
 * Supervised actions: a person requests, with a reason and against the
 * readiness in front of them; other people approve as policy says; every
 * step goes to the audit trail and the auditor.
 *
 * @internal
 */
export class ActionService {
  constructor(
    private readonly options: {
      store: ActionStore;
      entities: EntityReader;
      readiness: ReadinessService;
      permissions: PermissionsService;
      auditor: AuditorService;
      executor: ActionDispatcher;
      policy: ActionPolicy;
      /** The entity's rollout status as its providers report it now. */
      readBack: (entityRef: string) => Promise<RolloutStatus>;
      /** Whether a version was ever deployed for the entity (roll-forward targets). */
      knownVersion?: (entityRef: string, version: string) => Promise<boolean>;
      /** The owners of an entity, who hear of its actions. */
      ownersOf?: (entityRef: string) => Promise<string[]>;
      /** Whether the permission policy lets anyone approve (allow-all). */
      permissive?: PermissivePolicyProbe;
      notifications?: NotificationService;
      signals?: SignalsService;
      logger?: LoggerService;
      /**
       * When to read the providers back after a dispatch, so that an action
       * the target carried out is verified without waiting for the sweep.
       */
      verifyDelaysMs?: number[];
    },
  ) {
    this.reads = new ActionReads(options);
    this.announcer = new ActionAnnouncer({
      auditor: options.auditor,
      current: id => options.store.get(id),
      ownersOf: options.ownersOf,
      notifyApprovers: options.policy.notifyApprovers,
      notifications: options.notifications,
      signals: options.signals,
      logger: options.logger,
    });
  }

  private readonly announcer: ActionAnnouncer;
  private readonly reads: ActionReads;
  private readonly pendingChecks = new Set<ReturnType<typeof setTimeout>>();

  /**
   * The request a decision or retry is about. It must name the request's
   * entity, environment and kind, so it cannot be replayed on another.
   */
  private async named(
    id: string,
    input: { entityRef: string; environment: string; kind: ActionKind },
    what: string,
  ): Promise<ActionRequest> {
    const action = await this.options.store.get(id);
    if (!action) {
      throw new NotFoundError(`No action request ${id}`);
    }
    if (
      action.entityRef !== input.entityRef ||
      action.environment !== input.environment ||
      action.kind !== input.kind
    ) {
      throw new ConflictError(
        `Action request ${id} is a ${action.kind} in ${action.environment} of ${action.entityRef}, not what this ${what} names`,
      );
    }
    return action;
  }

  private ensureEnabled() {
    if (!this.options.policy.enabled) {
      throw new NotAllowedError(
        'Rollback Guard actions are off: the permission framework is disabled (permission.enabled) and rollbackGuard.actions.allowWithoutPermissionFramework is not set',
      );
    }
  }

  /** The one place permissions are checked. */
  private async authorize(
    credentials: User,
    permission:
      | typeof rollbackGuardActionRequestPermission
      | typeof rollbackGuardActionApprovePermission
      | typeof rollbackGuardActionOverridePermission,
    entityRef: string,
  ): Promise<void> {
    this.ensureEnabled();
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${
          credentials.principal.userEntityRef
        } may not ${permission.name.replace(
          'rollback-guard.action.',
          '',
        )} actions on ${entityRef}`,
      );
    }
  }

  /** A step's audit row, for the store to write with the change it records. */
  private auditOf(
    action: Pick<ActionRequest, 'id' | 'entityRef' | 'kind' | 'environment'>,
    step: string,
    actor: string,
    details: Record<string, unknown> = {},
  ): AuditInput {
    return {
      actionId: action.id,
      entityRef: action.entityRef,
      step,
      actor,
      details: {
        kind: action.kind,
        environment: action.environment,
        ...details,
      },
    };
  }

  /** A step that changes nothing but the trail: its row, then the word. */
  private async record(
    action: ActionRequest,
    step: string,
    actor: string,
    details: Record<string, unknown> = {},
  ) {
    await this.options.store.audit(this.auditOf(action, step, actor, details));
    await this.announcer.announce(action, step, actor, details);
  }

  async request(
    input: {
      entityRef: string;
      environment: string;
      kind: ActionKind;
      targetVersion?: string;
      reason: string;
      idempotencyKey: string;
      override?: { justification: string };
    },
    credentials: User,
  ): Promise<{ action: ActionRequest; created: boolean }> {
    return this.announcer.refused(
      {
        what: `request ${input.kind}`,
        actor: credentials.principal.userEntityRef,
        entityRef: input.entityRef,
      },
      () => this.requestOnce(input, credentials),
    );
  }

  /** 429 when the person made too many requests in the window. */
  private async limitRate(requester: string) {
    const { requests, windowSeconds } = this.options.policy.rateLimit;
    const now = await this.options.store.now();
    const since = new Date(now.getTime() - windowSeconds * 1000);
    const { count, oldest } = await this.options.store.requestsSince(
      requester,
      since,
    );
    if (count >= requests) {
      const retryAfter = Math.max(
        1,
        Math.ceil(
          ((oldest ?? now).getTime() + windowSeconds * 1000 - now.getTime()) /
            1000,
        ),
      );
      throw new RateLimitedError(
        `${requester} made ${count} action requests in the last ${
          windowSeconds / 60
        } minutes, the most allowed (rollbackGuard.actions.rateLimit); try again in ${retryAfter} s`,
        retryAfter,
      );
    }
  }

  private async requestOnce(
    input: Parameters<ActionService['request']>[0],
    credentials: User,
  ): Promise<{ action: ActionRequest; created: boolean }> {
    this.ensureEnabled();
    const requester = credentials.principal.userEntityRef;
    // Reads the entity on behalf of the requester: 404 if they cannot see it.
    const { entity, entityRef } = await this.options.entities.getEntity(
      input.entityRef,
      credentials,
    );
    const policy = policyForEntity(this.options.policy, entity, entityRef);
    if (policy.refusal) {
      throw new ConflictError(policy.refusal);
    }
    const snapshot = await this.options.readiness.snapshotOf(entity, entityRef);
    await this.authorize(
      credentials,
      rollbackGuardActionRequestPermission,
      snapshot.entityRef,
    );
    await this.limitRate(requester);

    const environment = snapshot.environments.find(
      e => e.environment === input.environment,
    );
    if (!environment?.current) {
      throw new InputError(
        `Invalid body: body.environment: nothing is deployed to "${input.environment}" of ${snapshot.entityRef}`,
      );
    }
    const current = environment.current;
    let risk: Risk = 'low';
    switch (input.kind) {
      case 'roll-back': {
        const candidate = environment.candidates.find(
          c => c.candidate.version === input.targetVersion,
        );
        if (!candidate) {
          throw new InputError(
            `Invalid body: body.targetVersion: "${
              input.targetVersion ?? ''
            }" is not a candidate in ${input.environment}; candidates: ${
              environment.candidates.map(c => c.candidate.version).join(', ') ||
              'none'
            }`,
          );
        }
        risk = candidate.risk;
        if (risk === 'blocked') {
          if (!input.override?.justification?.trim()) {
            throw new NotAllowedError(
              `Going back to ${candidate.candidate.version} is blocked (${candidate.reasons[0]}); only someone with the override permission may request it, and must write why`,
            );
          }
          await this.authorize(
            credentials,
            rollbackGuardActionOverridePermission,
            snapshot.entityRef,
          );
        }
        break;
      }
      case 'roll-forward':
        if (!input.targetVersion || input.targetVersion === current.version) {
          throw new InputError(
            `Invalid body: body.targetVersion: name the version to roll forward to (not the current ${current.version})`,
          );
        }
        if (
          this.options.knownVersion &&
          !(await this.options.knownVersion(
            snapshot.entityRef,
            input.targetVersion,
          ))
        ) {
          throw new InputError(
            `Invalid body: body.targetVersion: ${input.targetVersion} was never deployed for ${snapshot.entityRef}; roll forward only to a version the ledger or a provider knows`,
          );
        }
        risk = environment.risk;
        break;
      default:
        if (!ALLOWED_FROM[input.kind].includes(current.state)) {
          throw new ConflictError(
            `Cannot ${input.kind} in ${input.environment}: its deployment of ${current.version} is ${current.state}`,
          );
        }
    }
    return this.file(input, requester, risk, policy, snapshot, environment);
  }

  /**
   * A request Rollback Guard makes itself (actor: the plugin), e.g. to
   * pause a canary whose health turned failing: the same policy, approvals,
   * audit trail and notifications as a person's, and never a roll-back.
   * Idempotent on `idempotencyKey`: asking again files nothing new.
   */
  async requestAsPlugin(
    input: {
      environment: string;
      kind: 'pause';
      reason: string;
      idempotencyKey: string;
    },
    /** The entity and the readiness that prompted the request. */
    { entity, snapshot }: { entity: Entity; snapshot: ReadinessSnapshot },
  ): Promise<{ action: ActionRequest; created: boolean }> {
    this.ensureEnabled();
    const policy = policyForEntity(
      this.options.policy,
      entity,
      snapshot.entityRef,
    );
    if (policy.refusal) {
      throw new ConflictError(policy.refusal);
    }
    const environment = snapshot.environments.find(
      e => e.environment === input.environment,
    );
    if (
      !environment?.current ||
      !ALLOWED_FROM[input.kind].includes(environment.current.state)
    ) {
      throw new ConflictError(
        `Cannot ${input.kind} in ${input.environment}: ${
          environment?.current
            ? `its deployment of ${environment.current.version} is ${environment.current.state}`
            : 'nothing is deployed there'
        }`,
      );
    }
    return this.file(input, PLUGIN_ACTOR, 'low', policy, snapshot, environment);
  }

  private async file(
    input: {
      environment: string;
      kind: ActionKind;
      targetVersion?: string;
      reason: string;
      idempotencyKey: string;
      override?: { justification: string };
    },
    requester: string,
    risk: Risk,
    policy: ActionPolicyView,
    snapshot: ReadinessSnapshot,
    environment: EnvironmentReadiness,
  ): Promise<{ action: ActionRequest; created: boolean }> {
    const required = policy.approvals[approvalRuleFor(input.kind, risk)];

    const id = randomUUID();
    const subject = {
      id,
      entityRef: snapshot.entityRef,
      kind: input.kind,
      environment: input.environment,
    };
    const requested = {
      reason: input.reason,
      risk,
      targetVersion: input.targetVersion,
      readinessComputedAt: snapshot.computedAt,
      requiredApprovals: required,
      ...(risk === 'blocked' && input.override
        ? { override: input.override.justification }
        : {}),
      ...(policy.notes.length > 0 ? { policy: policy.notes } : {}),
    };
    const approvedByPolicy = {
      why: `policy needs no approval for ${input.kind} at ${risk} risk`,
    };
    const result = await this.options.store.create(
      {
        id,
        entityRef: snapshot.entityRef,
        environment: input.environment,
        kind: input.kind,
        targetVersion: input.targetVersion,
        reason: input.reason,
        requestedBy: requester,
        idempotencyKey: input.idempotencyKey,
        risk,
        readinessComputedAt: snapshot.computedAt,
        override: risk === 'blocked' ? input.override : undefined,
        requiredApprovals: required,
        readiness: environment,
        status: required === 0 ? 'approved' : 'requested',
        ttlSeconds: this.options.policy.requestTtlSeconds,
      },
      [
        this.auditOf(subject, 'requested', requester, requested),
        ...(required === 0
          ? [this.auditOf(subject, 'approved', 'policy', approvedByPolicy)]
          : []),
      ],
    );
    const { action, created } = result;
    if (!created) {
      if (
        action.entityRef !== snapshot.entityRef ||
        action.environment !== input.environment ||
        action.kind !== input.kind ||
        (action.targetVersion ?? '') !== (input.targetVersion ?? '')
      ) {
        throw new ConflictError(
          `The idempotency key ${input.idempotencyKey} was used for another request (${action.kind} in ${action.environment} of ${action.entityRef})`,
        );
      }
      return result;
    }
    await this.announcer.announce(action, 'requested', requester, requested);
    if (required === 0) {
      await this.announcer.announce(
        action,
        'approved',
        'policy',
        approvedByPolicy,
      );
      await this.execute(action, 'approved');
      return { action: (await this.options.store.get(action.id))!, created };
    }
    return result;
  }

  /**
   * Approves or rejects a request. The body names the request's entity,
   * environment and kind, so an approval cannot be replayed on another.
   */
  async decide(
    id: string,
    input: {
      entityRef: string;
      environment: string;
      kind: ActionKind;
      decision: 'approve' | 'reject';
      comment?: string;
    },
    credentials: User,
  ): Promise<ActionRequest> {
    return this.announcer.refused(
      {
        what: input.decision,
        actor: credentials.principal.userEntityRef,
        actionId: id,
        entityRef: input.entityRef,
      },
      () => this.decideOnce(id, input, credentials),
    );
  }

  /**
   * The request, for someone who may see its entity; 404 as for a request
   * that does not exist otherwise, so nothing of it is revealed.
   */
  private async decideOnce(
    id: string,
    input: Parameters<ActionService['decide']>[1],
    credentials: User,
  ): Promise<ActionRequest> {
    this.ensureEnabled();
    const person = credentials.principal.userEntityRef;
    const action = await this.named(id, input, 'decision');
    await requireVisible(this.options.entities, action, credentials);
    await this.authorize(
      credentials,
      rollbackGuardActionApprovePermission,
      action.entityRef,
    );
    if (action.requestedBy === person) {
      throw new NotAllowedError('Nobody approves or rejects their own request');
    }
    if (action.status !== 'requested') {
      throw new ConflictError(
        `Action request ${id} is ${action.status}, no longer waiting for a decision`,
      );
    }
    if ((await this.options.store.now()) >= new Date(action.expiresAt)) {
      await this.expire(action);
      throw new ConflictError(
        `Action request ${id} expired at ${action.expiresAt}`,
      );
    }

    if (input.decision === 'reject') {
      const rejected = { comment: input.comment };
      if (
        !(await this.options.store.transition(
          id,
          'requested',
          'rejected',
          { by: person, text: input.comment },
          [this.auditOf(action, 'rejected', person, rejected)],
        ))
      ) {
        throw new ConflictError(`Action request ${id} was decided meanwhile`);
      }
      await this.announcer.announce(action, 'rejected', person, rejected);
      return (await this.options.store.get(id))!;
    }

    const approval = { comment: input.comment };
    const added = await this.options.store.addApproval(id, person, [
      this.auditOf(action, 'approval', person, approval),
    ]);
    if (added === 'duplicate') {
      throw new ConflictError(
        `${person} already approved action request ${id}`,
      );
    }
    if (added === 'closed') {
      throw new ConflictError(
        `Action request ${id} was decided or expired meanwhile; the approval was not recorded`,
      );
    }
    await this.announcer.announce(action, 'approval', person, approval);
    const updated = (await this.options.store.get(id))!;
    const approved = { approvers: updated.approvals.map(a => a.by) };
    if (
      updated.approvals.length >= updated.requiredApprovals &&
      (await this.options.store.transition(
        id,
        'requested',
        'approved',
        { by: person, text: input.comment },
        [this.auditOf(action, 'approved', person, approved)],
      ))
    ) {
      await this.announcer.announce(action, 'approved', person, approved);
      // Only the decision that moved it to approved gets here: it executes.
      await this.execute(updated, 'approved');
    }
    return (await this.options.store.get(id))!;
  }

  /**
   * A new attempt at an action whose execution failed; audited as such. It
   * is a decision like an approval: by someone other than the requester who
   * may approve now, and it counts as the only approval (one that needs more
   * is requested anew); when the last attempt may have run, only with the
   * person's confirmation that they checked.
   */
  async retry(
    id: string,
    input: {
      entityRef: string;
      environment: string;
      kind: ActionKind;
      comment?: string;
      confirmMayHaveRun?: boolean;
    },
    credentials: User,
  ): Promise<ActionRequest> {
    return this.announcer.refused(
      {
        what: 'retry',
        actor: credentials.principal.userEntityRef,
        actionId: id,
        entityRef: input.entityRef,
      },
      () => this.retryOnce(id, input, credentials),
    );
  }

  private async retryOnce(
    id: string,
    input: Parameters<ActionService['retry']>[1],
    credentials: User,
  ): Promise<ActionRequest> {
    this.ensureEnabled();
    const person = credentials.principal.userEntityRef;
    const action = await this.named(id, input, 'retry');
    await requireVisible(this.options.entities, action, credentials);
    await this.authorize(
      credentials,
      rollbackGuardActionApprovePermission,
      action.entityRef,
    );
    if (action.requestedBy === person) {
      throw new NotAllowedError(
        'Nobody retries their own request: a retry is a decision, and someone else must make it',
      );
    }
    if (action.status !== 'failed') {
      throw new ConflictError(
        `Only a failed action can be retried; ${id} is ${action.status}`,
      );
    }
    if (action.mayHaveRun && !input.confirmMayHaveRun) {
      throw new ConflictError(
        `The last attempt at ${id} may have run (${action.outcome}); check the target, then retry with confirmMayHaveRun`,
      );
    }
    // Only an approval checked now counts: the retrying person's. Earlier
    // approvals may be stale, and their authors may have lost the
    // permission since, which only their own credentials could tell.
    if (action.requiredApprovals > 1) {
      throw new ConflictError(
        `A retry of ${id} needs ${action.requiredApprovals} approvals, and only yours can be checked now (earlier ones may be stale, or their authors may have lost the permission): request the action anew`,
      );
    }
    await this.record(action, 'retry', person, {
      previousOutcome: action.outcome,
      approvers: [person],
      ...(input.comment ? { comment: input.comment } : {}),
      ...(action.mayHaveRun ? { confirmedMayHaveRun: true } : {}),
    });
    await this.execute(action, 'failed');
    return (await this.options.store.get(id))!;
  }

  /**
   * Executes once: the conditional claim lets exactly one caller through,
   * whichever replica it runs on. Readiness is checked again first; if it got
   * worse than what was approved, the action stops and says so.
   */
  private async execute(action: ActionRequest, from: 'approved' | 'failed') {
    const { store, executor, readiness } = this.options;
    const attempt = await store.claimExecution(
      action.id,
      from,
      this.auditOf(action, 'executing', 'rollback-guard'),
    );
    if (attempt === undefined) return;
    await this.announcer.announce(action, 'executing', 'rollback-guard', {
      attempt,
    });

    const stop = async (
      outcome: string,
      step: string,
      details: Record<string, unknown> = {},
      mayHaveRun = false,
    ) => {
      const stopped = {
        attempt,
        outcome,
        ...details,
        ...(mayHaveRun ? { mayHaveRun } : {}),
      };
      if (
        await store.finishExecution(action.id, 'failed', outcome, mayHaveRun, [
          this.auditOf(action, step, 'rollback-guard', stopped),
        ])
      ) {
        await this.announcer.announce(action, step, 'rollback-guard', stopped);
      }
    };
    let entity: Entity;
    let snapshot: ReadinessSnapshot;
    try {
      ({ entity, snapshot } = await readiness.recheck(action.entityRef));
    } catch (error) {
      await stop(`Readiness could not be checked again: ${error}`, 'stopped');
      return;
    }
    const now = riskNow(action, snapshot);
    if (riskRank(now.risk) > riskRank(action.risk)) {
      await stop(
        `Readiness got worse since the request: ${action.risk} then, ${now.risk} now (${now.reason})`,
        'stopped',
        { riskThen: action.risk, riskNow: now.risk },
      );
      return;
    }
    let result: ActionExecutionResult;
    try {
      result = await executor.execute({ action, attempt, entity }, {});
    } catch (error) {
      // Claimed, so never left executing in silence: it fails with why.
      await stop(`The executor refused: ${(error as Error).message}`, 'failed');
      return;
    }
    if (result.ok) {
      await this.record(action, 'dispatched', 'rollback-guard', {
        attempt,
        target: result.target,
        status: result.status,
      });
      this.verifySoon(action);
    } else {
      // A timeout or a broken connection after sending, or a 5xx: the
      // target may have acted although it did not say so.
      const mayHaveRun =
        result.reachedTarget === true &&
        (result.status === undefined || result.status >= 500);
      await stop(
        mayHaveRun ? `May have run: ${result.reason}` : result.reason,
        'failed',
        {},
        mayHaveRun,
      );
    }
  }

  /**
   * Requests left approved without an execution claim, by a crash between
   * the approval and the claim: each is claimed and executed once (the
   * claim lets one caller through), never left silently. Run by the sweep.
   */
  async pickUpApproved(): Promise<number> {
    const stuck = await this.options.store.stuckApproved(
      STUCK_APPROVED_SECONDS,
      PENDING_LIMIT,
    );
    for (const action of stuck) {
      await this.execute(action, 'approved');
    }
    return stuck.length;
  }

  /**
   * Verification: when the provider reports the environment's deployment,
   * an executing action that it fulfils succeeds, one it contradicts fails.
   */
  async verify(deployment: Deployment): Promise<void> {
    const executing = await this.options.store.executing(
      deployment.entityRef,
      deployment.environment,
    );
    if (executing.length === 0) return;
    // Only what the environment now runs proves anything: a back-dated or
    // superseded record does not.
    const status = await this.options.readBack(deployment.entityRef);
    const current = status.environments.find(
      e => e.environment === deployment.environment,
    )?.current;
    if (current?.id !== deployment.id) return;
    for (const { action, startedAt } of executing) {
      await this.settle(action, current, startedAt, 'ledger');
    }
  }

  /**
   * Ends an executing action that the deployment fulfils or contradicts,
   * once; true when this call ended it.
   */
  private async settle(
    action: ActionRequest,
    deployment: Deployment,
    executionStartedAt: Date,
    actor: string,
  ): Promise<boolean> {
    const verdict = verdictFor(action, deployment, executionStartedAt);
    if (!verdict) return false;
    const outcome = `${deployment.version} is ${deployment.state} in ${deployment.environment} (deployment ${deployment.id})`;
    const step = verdict === 'succeeded' ? 'verified' : 'failed';
    const details = { outcome, deploymentId: deployment.id };
    if (
      !(await this.options.store.finishExecution(
        action.id,
        verdict,
        outcome,
        false,
        [this.auditOf(action, step, actor, details)],
      ))
    ) {
      return false;
    }
    await this.announcer.announce(action, step, actor, details);
    return true;
  }

  /**
   * Reads the providers back a few times soon after a dispatch: a provider
   * that carried the action out (an Argo Rollout aborted) confirms it in
   * seconds, not at the next sweep. The sweep stays the backstop.
   */
  private verifySoon(action: ActionRequest) {
    for (const delay of this.options.verifyDelaysMs ?? VERIFY_DELAYS_MS) {
      const timer = setTimeout(() => {
        this.pendingChecks.delete(timer);
        this.verifyOne(action).catch(error =>
          this.options.logger?.warn(
            `Rollback Guard could not read back ${action.entityRef} in ${action.environment} for action ${action.id}: ${error}`,
          ),
        );
      }, delay);
      timer.unref?.();
      this.pendingChecks.add(timer);
    }
  }

  /** Stops the read-backs still waiting (the backend is shutting down). */
  close() {
    for (const timer of this.pendingChecks) clearTimeout(timer);
    this.pendingChecks.clear();
  }

  private async verifyOne(action: ActionRequest): Promise<void> {
    const executing = (
      await this.options.store.executing(action.entityRef, action.environment)
    ).find(e => e.action.id === action.id);
    if (!executing) return;
    const { current } = await this.currentOf(executing.action);
    if (current) {
      await this.settle(
        executing.action,
        current,
        executing.startedAt,
        `provider ${current.provider ?? 'unknown'}`,
      );
    }
  }

  /** The environment's current deployment as the providers report it now. */
  private async currentOf(action: ActionRequest) {
    const status = await this.options.readBack(action.entityRef);
    return {
      status,
      current: status.environments.find(
        e => e.environment === action.environment,
      )?.current,
    };
  }

  /**
   * Verification by reading the provider back, for every provider: each
   * executing action is checked against the environment's current
   * deployment as the providers report it now. One still unconfirmed after
   * `verifyTimeoutMinutes` fails, saying what the environment runs, so that
   * nobody takes an action nobody confirmed for done. Run by the scheduler.
   */
  async verifyExecuting(): Promise<number> {
    const { store, policy } = this.options;
    const now = (await store.now()).getTime();
    let ended = 0;
    for (const { action, startedAt } of await store.allExecuting(
      PENDING_LIMIT,
    )) {
      let seen: string;
      try {
        const { status, current } = await this.currentOf(action);
        if (
          current &&
          (await this.settle(
            action,
            current,
            startedAt,
            `provider ${current.provider ?? 'unknown'}`,
          ))
        ) {
          ended++;
          continue;
        }
        seen = current
          ? `${action.environment} runs ${current.version}, ${current.state}`
          : `nothing is deployed to ${action.environment}`;
        for (const part of status.sources) {
          if (part.status === 'unknown') {
            seen += `; ${part.provider} is unknown: ${part.reason}`;
          }
        }
      } catch (error) {
        seen = `the providers could not be read: ${error}`;
      }
      if (now - startedAt.getTime() < policy.verifyTimeoutSeconds * 1000) {
        continue;
      }
      const outcome = `Not verified within ${
        policy.verifyTimeoutSeconds / 60
      } min: ${seen}`;
      if (
        await store.finishExecution(action.id, 'failed', outcome, false, [
          this.auditOf(action, 'unverified', 'rollback-guard', { outcome }),
        ])
      ) {
        ended++;
        await this.announcer.announce(action, 'unverified', 'rollback-guard', {
          outcome,
        });
      }
    }
    return ended;
  }

  /**
   * Expires the requests whose time ran out by the database clock, each
   * once, with its audit row and a word to the requester; run by the
   * scheduler so that nobody has to try to approve them first.
   */
  async expireOverdue(): Promise<number> {
    let expired = 0;
    for (const action of await this.options.store.overdue(PENDING_LIMIT)) {
      if (await this.expire(action)) expired++;
    }
    return expired;
  }

  /** Expires a waiting request, once, with its audit row; true if this call did. */
  private async expire(action: ActionRequest): Promise<boolean> {
    const details = { expiresAt: action.expiresAt };
    if (
      await this.options.store.transition(
        action.id,
        'requested',
        'expired',
        undefined,
        [this.auditOf(action, 'expired', 'policy', details)],
      )
    ) {
      await this.announcer.announce(action, 'expired', 'policy', details);
      return true;
    }
    return false;
  }

  /** The approval policy that applies to an entity, for the action dialog. */
  policy(entityRef: string, credentials: BackstageCredentials) {
    return this.reads.policy(entityRef, credentials);
  }

  /** What waits for a decision, on the entities the person may see. */
  pendingApprovals(credentials: User) {
    return this.reads.pendingApprovals(credentials);
  }

  /** One request with the readiness it was made against. */
  detail(id: string, credentials: BackstageCredentials) {
    return this.reads.detail(id, credentials);
  }

  list(entityRef: string, credentials: BackstageCredentials) {
    return this.reads.list(entityRef, credentials);
  }

  auditTrail(entityRef: string, credentials: BackstageCredentials) {
    return this.reads.auditTrail(entityRef, credentials);
  }
}
