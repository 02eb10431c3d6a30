import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionKind,
  ActionRequest,
  AuditEntry,
  DeploymentState,
  Risk,
  rollbackGuardActionApprovePermission,
  rollbackGuardActionOverridePermission,
  rollbackGuardActionRequestPermission,
} from '@rollback-guard/plugin-rollback-guard-common';
import { randomUUID } from 'node:crypto';
import { ReadinessService } from '../readiness/ReadinessService';
import { EntityReader } from '../service/EntityReader';
import { DatabaseActionStore } from './DatabaseActionStore';

/** How many approvers (never the requester) each action needs. */
export type ActionPolicy = {
  /** Roll-back, by the risk of its candidate. */
  rollBack: Record<Risk, number>;
  pause: number;
  resume: number;
  abort: number;
  rollForward: number;
  requestTtlSeconds: number;
  /** False when the permission framework is off and config did not opt in. */
  enabled: boolean;
};

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
      store: DatabaseActionStore;
      entities: EntityReader;
      readiness: ReadinessService;
      permissions: PermissionsService;
      auditor: AuditorService;
      policy: ActionPolicy;
    },
  ) {}

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

  private async record(
    action: ActionRequest,
    step: string,
    actor: string,
    details: Record<string, unknown> = {},
  ) {
    await this.options.store.audit({
      actionId: action.id,
      entityRef: action.entityRef,
      step,
      actor,
      details: {
        kind: action.kind,
        environment: action.environment,
        ...details,
      },
    });
    const event = await this.options.auditor.createEvent({
      eventId: 'rollback-guard-action',
      severityLevel:
        step === 'requested' || step === 'approved' ? 'medium' : 'low',
      meta: {
        step,
        actor,
        actionId: action.id,
        entityRef: action.entityRef,
        environment: action.environment,
        kind: action.kind,
        ...details,
      },
    });
    await event.success();
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
    this.ensureEnabled();
    const requester = credentials.principal.userEntityRef;
    // Reads the entity on behalf of the requester: 404 if they cannot see it.
    const snapshot = await this.options.readiness.getSnapshot(
      input.entityRef,
      credentials,
    );
    await this.authorize(
      credentials,
      rollbackGuardActionRequestPermission,
      snapshot.entityRef,
    );

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
    let required: number;
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
        required = this.options.policy.rollBack[risk];
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
        risk = environment.risk;
        required = this.options.policy.rollForward;
        break;
      default:
        if (!ALLOWED_FROM[input.kind].includes(current.state)) {
          throw new ConflictError(
            `Cannot ${input.kind} in ${input.environment}: its deployment of ${current.version} is ${current.state}`,
          );
        }
        required = this.options.policy[input.kind];
    }

    const result = await this.options.store.create({
      id: randomUUID(),
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
      status: required === 0 ? 'approved' : 'requested',
      ttlSeconds: this.options.policy.requestTtlSeconds,
    });
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
    await this.record(action, 'requested', requester, {
      reason: action.reason,
      risk,
      targetVersion: action.targetVersion,
      readinessComputedAt: action.readinessComputedAt,
      requiredApprovals: required,
      ...(action.override ? { override: action.override.justification } : {}),
    });
    if (required === 0) {
      await this.record(action, 'approved', 'policy', {
        why: `policy needs no approval for ${action.kind} at ${risk} risk`,
      });
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
    this.ensureEnabled();
    const person = credentials.principal.userEntityRef;
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
        `Action request ${id} is a ${action.kind} in ${action.environment} of ${action.entityRef}, not what this decision names`,
      );
    }
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
      if (await this.options.store.transition(id, 'requested', 'expired')) {
        await this.record(action, 'expired', 'policy', {
          expiresAt: action.expiresAt,
        });
      }
      throw new ConflictError(
        `Action request ${id} expired at ${action.expiresAt}`,
      );
    }

    if (input.decision === 'reject') {
      if (
        !(await this.options.store.transition(id, 'requested', 'rejected', {
          by: person,
          text: input.comment,
        }))
      ) {
        throw new ConflictError(`Action request ${id} was decided meanwhile`);
      }
      await this.record(action, 'rejected', person, { comment: input.comment });
      return (await this.options.store.get(id))!;
    }

    if (!(await this.options.store.addApproval(id, person))) {
      throw new ConflictError(
        `${person} already approved action request ${id}`,
      );
    }
    await this.record(action, 'approval', person, { comment: input.comment });
    const updated = (await this.options.store.get(id))!;
    if (
      updated.approvals.length >= updated.requiredApprovals &&
      (await this.options.store.transition(id, 'requested', 'approved', {
        by: person,
        text: input.comment,
      }))
    ) {
      await this.record(action, 'approved', person, {
        approvers: updated.approvals.map(a => a.by),
      });
    }
    return (await this.options.store.get(id))!;
  }

  async list(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ActionRequest[]> {
    const { entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    return this.options.store.list(ref, 50);
  }

  async auditTrail(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<AuditEntry[]> {
    const { entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    return this.options.store.auditTrail(ref, 200);
  }
}
