import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  rollbackGuardActionApprovePermission,
  rollbackGuardActionOverridePermission,
  rollbackGuardActionRequestPermission,
} from '@rollback-guard/plugin-rollback-guard-common';

/** An entity that does not exist. */
const PROBE_REF = 'component:default/rollback-guard-policy-probe';

/**
 * Whether the permission policy in use looks like the allow-all policy: it
 * lets this person request, approve and override actions on an entity that
 * does not exist. Under such a policy anyone may approve, so approvals by
 * other people prove nothing; the action views say so, and the backend
 * warns once. (The permission backend answers only for a signed-in person,
 * so the question is asked on behalf of the person looking.)
 *
 * @internal
 */
export class PermissivePolicyProbe {
  private warned = false;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      logger: LoggerService;
    },
  ) {}

  async anyoneMayApprove(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const decisions = await this.options.permissions.authorize(
      [
        rollbackGuardActionRequestPermission,
        rollbackGuardActionApprovePermission,
        rollbackGuardActionOverridePermission,
      ].map(permission => ({ permission, resourceRef: PROBE_REF })),
      { credentials },
    );
    const permissive = decisions.every(d => d.result === AuthorizeResult.ALLOW);
    if (permissive && !this.warned) {
      this.warned = true;
      this.options.logger.warn(
        `The permission policy in use lets ${credentials.principal.userEntityRef} request, approve and override Rollback Guard actions on an entity that does not exist: it looks like the allow-all policy, under which anyone may approve and approvals prove nothing. Grant the rollback-guard.action.* permissions to the people who may act before going to production.`,
      );
    }
    return permissive;
  }
}
