import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  BackstageUserPrincipal,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import catalogBackend from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import request from 'supertest';
import {
  ENTITY,
  recordDeployments,
  requestBody,
  userHeader as user,
  versionCheck,
  authWithActors,
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
  testModule,
} from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugin';

// A real catalog, a real permission backend and the plugin in one backend:
// the plugin asks the permission backend, whose policy answers with a
// conditional isEntityOwner decision; the permission backend has the
// catalog apply that condition to the entity the action is about.

const TEAM = 'group:default/team-payments';
const MEMBERS = ['user:default/alice', 'user:default/carol'];

/** Owners act on their entities; everything else is allowed. */
class OwnersActPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    asker?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      query.permission.name.startsWith('rollback-guard.action.') &&
      isResourcePermission(query.permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(
        query.permission,
        catalogConditions.isEntityOwner({
          claims: asker?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'owners-act',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new OwnersActPolicy());
      },
    });
  },
});

const entitiesModule = catalogEntitiesModule(
  [
    ['payments-api', TEAM],
    ['ledger-api', 'group:default/team-ledger'],
  ].map(([name, owner]) =>
    catalogComponent(name, owner, {
      'rollback-guard/environments': 'production',
    }),
  ),
);

/** Alice and Carol belong to team-payments; Bob to no team. */
const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials) {
    const ref = (credentials.principal as BackstageUserPrincipal).userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: MEMBERS.includes(ref) ? [ref, TEAM] : [ref],
    };
  },
});

describe('actions under an isEntityOwner conditional decision', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        testModule('by-version', { checks: [versionCheck] }),
        catalogBackend,
        entitiesModule,
        permissionBackend,
        policyModule,
        userInfo.factory,
        ...authWithActors,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            rollbackGuard: {},
          },
        }),
      ],
    }));
    await untilProcessed(server, 'payments-api', user('alice'));
    await recordDeployments(server);
  }, 60_000);

  const ask = (who: string, body: object = requestBody()) =>
    request(server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', user(who))
      .send(body);

  it('lets an owner request and another owner approve; others get 403', async () => {
    const asked = await ask('alice');
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      requestedBy: 'user:default/alice',
      status: 'requested',
      requiredApprovals: 1,
    });

    const refused = await ask('bob');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `user:default/bob may not request actions on ${ENTITY}`,
    );

    const decide = (who: string) =>
      request(server)
        .post(`/api/rollback-guard/actions/${asked.body.id}/approve`)
        .set('Authorization', user(who))
        .send({
          entityRef: ENTITY,
          environment: 'production',
          kind: 'roll-back',
        });
    const bobApproves = await decide('bob');
    expect(bobApproves.status).toBe(403);
    expect(bobApproves.body.error.message).toContain('may not approve');

    const carolApproves = await decide('carol');
    expect(carolApproves.status).toBe(200);
    expect(carolApproves.body.approvals).toEqual([
      expect.objectContaining({ by: 'user:default/carol' }),
    ]);
  });

  it('judges each entity by its own owner', async () => {
    const res = await ask(
      'alice',
      requestBody({ entityRef: 'component:default/ledger-api' }),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'user:default/alice may not request actions on component:default/ledger-api',
    );
  });
});
