import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionPolicyView,
  ActionRequest,
  ActionRequestDetail,
  AuditEntry,
  PendingApproval,
  rollbackGuardActionApprovePermission,
} from '@rollback-guard/plugin-rollback-guard-common';
import { EntityReader } from '../entities/EntityReader';
import { ActionStore } from './ActionStore';
import { PermissivePolicyProbe } from './permissivePolicy';
import { ActionPolicy, policyForEntity } from './policy';

type User = BackstageCredentials<BackstageUserPrincipal>;

/** The most requests the approvals view shows. */
const PENDING_LIMIT = 200;

/**
 * The request, for someone who may see its entity; 404 as for a request
 * that does not exist otherwise, so nothing of it is revealed.
 *
 * @internal
 */
export async function requireVisible(
  entities: EntityReader,
  action: ActionRequest,
  credentials: BackstageCredentials,
): Promise<void> {
  try {
    await entities.getEntity(action.entityRef, credentials);
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') {
      throw new NotFoundError(`No action request ${action.id}`);
    }
    throw error;
  }
}

/**
 * What the action views read: the policy of an entity, its requests and
 * audit trail, what waits for a person's decision; each only for those who
 * may see the entity.
 *
 * @internal
 */
export class ActionReads {
  constructor(
    private readonly options: {
      store: ActionStore;
      entities: EntityReader;
      permissions: PermissionsService;
      policy: ActionPolicy;
      permissive?: PermissivePolicyProbe;
    },
  ) {}

  /** The approval policy that applies to an entity, for the action dialog. */
  async policy(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ActionPolicyView> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    const view = policyForEntity(this.options.policy, entity, ref);
    const { permissive } = this.options;
    if (
      view.enabled &&
      permissive &&
      (credentials.principal as { type?: string }).type === 'user' &&
      (await permissive.anyoneMayApprove(credentials as User))
    ) {
      return { ...view, anyoneMayApprove: true };
    }
    return view;
  }

  /**
   * The approvals view: every request still waiting, on the entities the
   * person may see, each with whether they may approve it.
   */
  async pendingApprovals(credentials: User): Promise<PendingApproval[]> {
    const person = credentials.principal.userEntityRef;
    const pending = await this.options.store.pending(PENDING_LIMIT);
    const visible = await this.options.entities.visible(
      [...new Set(pending.map(a => a.entityRef))],
      credentials,
    );
    const shown = pending.filter(a => visible.has(a.entityRef));
    const refs = [...new Set(shown.map(a => a.entityRef))];
    const allowed = new Set<string>();
    if (this.options.policy.enabled && refs.length > 0) {
      const decisions = await this.options.permissions.authorize(
        refs.map(resourceRef => ({
          permission: rollbackGuardActionApprovePermission,
          resourceRef,
        })),
        { credentials },
      );
      refs.forEach((ref, i) => {
        if (decisions[i].result === AuthorizeResult.ALLOW) allowed.add(ref);
      });
    }
    return shown.map(action => {
      let note: string | undefined;
      if (!this.options.policy.enabled) {
        note = 'Actions are off in this Backstage';
      } else if (action.requestedBy === person) {
        note = 'Your own request: someone else must approve it';
      } else if (!allowed.has(action.entityRef)) {
        note = `You may not approve actions on ${action.entityRef}`;
      } else if (action.approvals.some(a => a.by === person)) {
        note = 'You approved it already';
      }
      return {
        action,
        mayApprove: note === undefined,
        ...(note ? { note } : {}),
      };
    });
  }

  /** One request with the readiness it was made against. */
  async detail(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<ActionRequestDetail> {
    const action = await this.options.store.getDetail(id);
    if (!action) {
      throw new NotFoundError(`No action request ${id}`);
    }
    // Only for those who may see the entity: 404 otherwise, as for a
    // request that does not exist.
    await requireVisible(this.options.entities, action, credentials);
    return action;
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
