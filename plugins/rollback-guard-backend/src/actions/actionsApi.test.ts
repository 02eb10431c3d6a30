import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import request from 'supertest';
import { fakeCatalog } from '../__testUtils__/fakeCatalog';
import { testModule } from '../__testUtils__/modules';
import { rollbackGuardPlugin } from '../plugin';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

const ENTITY = 'component:default/payments-api';
const user = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

// Who may do what: the permission policy of these tests.
const GRANTS: Record<string, string[]> = {
  'user:default/ana': ['rollback-guard.action.request'],
  'user:default/bob': ['rollback-guard.action.approve'],
  'user:default/dana': ['rollback-guard.action.approve'],
  'user:default/olga': [
    'rollback-guard.action.request',
    'rollback-guard.action.override',
    'rollback-guard.action.approve',
  ],
};

// The candidates' readiness: 2.0.0 low, 1.5.0 high, 1.0.0 blocked.
const versionCheck: ReadinessCheck = {
  id: 'by-version',
  title: 'By version',
  async run({ candidate }) {
    if (candidate.version === '1.0.0') {
      return { status: 'fail', blocking: true, summary: 'Its image is gone' };
    }
    if (candidate.version === '1.5.0') {
      return { status: 'fail', summary: 'Schema moved on' };
    }
    return { status: 'pass', summary: 'Fine' };
  },
};

const auditorEvents: Array<Record<string, unknown>> = [];

async function startBackend(config: object = {}) {
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      fakeCatalog(),
      testModule('by-version', { checks: [versionCheck] }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => {
            const who = (
              options?.credentials.principal as { userEntityRef?: string }
            ).userEntityRef;
            const granted = GRANTS[who ?? '']?.includes(r.permission.name);
            return {
              result: granted ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            };
          }),
      }).factory,
      mockServices.auditor.mock({
        createEvent: async options => {
          auditorEvents.push(options.meta ?? {});
          return { success: async () => {}, fail: async () => {} };
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          rollbackGuard: {
            readiness: {
              disabledChecks: ['artifact-availability', 'registry-credentials'],
            },
            ...config,
          },
        },
      }),
    ],
  });
  const ci = mockCredentials.service.header();
  const deployments = [
    ['1.0.0', 'succeeded', 1],
    ['1.5.0', 'succeeded', 2],
    ['2.0.0', 'succeeded', 3],
    ['3.0.0', 'failed', 4],
  ] as const;
  for (const [version, state, day] of deployments) {
    await request(backend.server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', ci)
      .send({
        id: `d-${version}`,
        entityRef: ENTITY,
        environment: 'production',
        version,
        strategy: 'rolling',
        state,
        startedAt: `2026-11-0${day}T00:00:00Z`,
      })
      .expect(201);
  }
  return backend.server;
}

function requestBody(overrides: Record<string, unknown> = {}) {
  return {
    entityRef: ENTITY,
    environment: 'production',
    kind: 'roll-back',
    targetVersion: '2.0.0',
    reason: '3.0.0 fails half its health checks',
    idempotencyKey: `key-${Math.random()}`,
    ...overrides,
  };
}

describe('supervised actions', () => {
  let server: Server;

  const ask = (body: object, auth: string) =>
    request(server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', auth)
      .send(body);
  const decide = (
    id: string,
    decision: 'approve' | 'reject',
    auth: string,
    body: Record<string, unknown> = {},
  ) =>
    request(server)
      .post(`/api/rollback-guard/actions/${id}/${decision}`)
      .set('Authorization', auth)
      .send({
        entityRef: ENTITY,
        environment: 'production',
        kind: 'roll-back',
        ...body,
      });
  const audit = async () =>
    (
      await request(server)
        .get('/api/rollback-guard/audit')
        .set('Authorization', user('bob'))
        .query({ entityRef: ENTITY })
    ).body.items as Array<{ actionId: string; step: string; actor: string }>;

  beforeAll(async () => {
    server = await startBackend();
  });

  describe('who may request', () => {
    it('answers 401 without credentials', async () => {
      expect(
        (await ask(requestBody(), mockCredentials.none.header())).status,
      ).toBe(401);
    });

    it('answers 403 to a service token: only people request', async () => {
      expect(
        (await ask(requestBody(), mockCredentials.service.header())).status,
      ).toBe(403);
    });

    it('answers 403 to a user without the request permission', async () => {
      const response = await ask(requestBody(), user('carl'));
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        `user:default/carl may not request actions on ${ENTITY}`,
      );
    });
  });

  it('records a request with its reason and readiness, once per idempotency key', async () => {
    const body = requestBody();
    const first = await ask(body, user('ana'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      entityRef: ENTITY,
      kind: 'roll-back',
      targetVersion: '2.0.0',
      reason: '3.0.0 fails half its health checks',
      requestedBy: 'user:default/ana',
      risk: 'low',
      requiredApprovals: 1,
      status: 'requested',
      approvals: [],
    });
    expect(Date.parse(first.body.readinessComputedAt)).not.toBeNaN();
    const replay = await ask(body, user('ana'));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    const reused = await ask({ ...body, kind: 'pause' }, user('ana'));
    expect(reused.status).toBe(409);
  });

  it('lets a second person approve, never the requester, and only the request it names', async () => {
    const { body: action } = await ask(requestBody(), user('ana'));
    expect((await decide(action.id, 'approve', user('ana'))).status).toBe(403);
    expect((await decide(action.id, 'approve', user('carl'))).status).toBe(403);
    const elsewhere = await decide(action.id, 'approve', user('bob'), {
      entityRef: 'component:default/checkout-web',
    });
    expect(elsewhere.status).toBe(409);
    const otherKind = await decide(action.id, 'approve', user('bob'), {
      kind: 'abort',
    });
    expect(otherKind.status).toBe(409);

    const approved = await decide(action.id, 'approve', user('bob'), {
      comment: 'ok',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      approvals: [{ by: 'user:default/bob' }],
      decidedBy: 'user:default/bob',
    });
    expect((await decide(action.id, 'approve', user('dana'))).status).toBe(409);

    const steps = (await audit()).filter(e => e.actionId === action.id);
    expect(steps.map(e => [e.step, e.actor]).reverse()).toEqual([
      ['requested', 'user:default/ana'],
      ['approval', 'user:default/bob'],
      ['approved', 'user:default/bob'],
    ]);
    expect(
      auditorEvents.filter(e => e.actionId === action.id).map(e => e.step),
    ).toEqual(['requested', 'approval', 'approved']);
  });

  it('needs two approvers at high risk', async () => {
    const { body: action } = await ask(
      requestBody({ targetVersion: '1.5.0' }),
      user('ana'),
    );
    expect(action).toMatchObject({ risk: 'high', requiredApprovals: 2 });
    expect((await decide(action.id, 'approve', user('bob'))).body.status).toBe(
      'requested',
    );
    expect((await decide(action.id, 'approve', user('dana'))).body.status).toBe(
      'approved',
    );
  });

  it('refuses a blocked rollback unless the requester may override and writes why', async () => {
    const blocked = await ask(
      requestBody({ targetVersion: '1.0.0' }),
      user('ana'),
    );
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.message).toContain(
      'Going back to 1.0.0 is blocked (By version: Its image is gone)',
    );
    const noReason = await ask(
      requestBody({ targetVersion: '1.0.0' }),
      user('olga'),
    );
    expect(noReason.status).toBe(403);
    const withoutPermission = await ask(
      requestBody({
        targetVersion: '1.0.0',
        override: { justification: 'restored by hand' },
      }),
      user('ana'),
    );
    expect(withoutPermission.status).toBe(403);
    const overridden = await ask(
      requestBody({
        targetVersion: '1.0.0',
        override: { justification: 'We re-pushed the image by hand' },
      }),
      user('olga'),
    );
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({
      risk: 'blocked',
      requiredApprovals: 2,
      override: { justification: 'We re-pushed the image by hand' },
    });
  });

  it('rejects, and a rejected request takes no more decisions', async () => {
    const { body: action } = await ask(requestBody(), user('ana'));
    const rejected = await decide(action.id, 'reject', user('bob'), {
      comment: 'Roll forward instead',
    });
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      decision: 'Roll forward instead',
    });
    expect((await decide(action.id, 'approve', user('dana'))).status).toBe(409);
  });

  it.each([
    [
      { targetVersion: '9.9.9' },
      'body.targetVersion: "9.9.9" is not a candidate in production; candidates: 2.0.0, 1.5.0, 1.0.0',
    ],
    [{ reason: '  ' }, 'body.reason: is required: say why'],
    [{ kind: 'explode' }, 'body.kind'],
    [
      { environment: 'staging' },
      'body.environment: nothing is deployed to "staging"',
    ],
  ])('answers 400 for %j', async (overrides, message) => {
    const response = await ask(requestBody(overrides), user('ana'));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(message);
  });

  it('refuses what the deployment state does not allow', async () => {
    const response = await ask(
      requestBody({ kind: 'pause', targetVersion: undefined }),
      user('ana'),
    );
    expect(response.status).toBe(409);
    expect(response.body.error.message).toBe(
      'Cannot pause in production: its deployment of 3.0.0 is failed',
    );
  });

  it('keeps credentials out of the audit trail', async () => {
    const trail = JSON.stringify(await audit());
    expect(trail).not.toMatch(/token|Bearer|password|secret/i);
  });
});

describe('supervised actions, expiry and switches', () => {
  it('refuses to approve a request that expired by the database clock', async () => {
    const server = await startBackend({
      actions: { requestTtlMinutes: 0.001 },
    });
    const { body: action } = await request(server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', user('ana'))
      .send(requestBody());
    await new Promise(resolve => setTimeout(resolve, 200));
    const late = await request(server)
      .post(`/api/rollback-guard/actions/${action.id}/approve`)
      .set('Authorization', user('bob'))
      .send({
        entityRef: ENTITY,
        environment: 'production',
        kind: 'roll-back',
      });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('expired at');
    const { body } = await request(server)
      .get('/api/rollback-guard/actions')
      .set('Authorization', user('bob'))
      .query({ entityRef: ENTITY });
    expect(body.items[0].status).toBe('expired');
  });

  it('refuses actions when the permission framework is off, unless config opts in', async () => {
    const backend = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog(),
        mockServices.rootConfig.factory({
          data: { permission: { enabled: false } },
        }),
      ],
    });
    const response = await request(backend.server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', user('ana'))
      .send(requestBody({ environment: 'staging' }));
    // Refused before anything else is looked at.
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'the permission framework is disabled',
    );
  });
});
