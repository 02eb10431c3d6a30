import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ENTITY,
  readinessMode,
  requestBody,
  startActionsBackend,
  startWebhookReceiver,
  userHeader as user,
  fakeCatalog,
  testModule,
} from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugin';
import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

function client(server: Server) {
  return {
    ask: (body: object, auth: string) =>
      request(server)
        .post('/api/rollback-guard/actions')
        .set('Authorization', auth)
        .send(body),
    decide: (
      id: string,
      decision: 'approve' | 'reject' | 'retry',
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
        }),
    get: async (id: string) =>
      (
        await request(server)
          .get('/api/rollback-guard/actions')
          .set('Authorization', user('bob'))
          .query({ entityRef: ENTITY })
      ).body.items.find((a: { id: string }) => a.id === id),
    audit: async (id: string) =>
      (
        (
          await request(server)
            .get('/api/rollback-guard/audit')
            .set('Authorization', user('bob'))
            .query({ entityRef: ENTITY })
        ).body.items as Array<{ actionId: string; step: string; actor: string }>
      )
        .filter(e => e.actionId === id)
        .reverse(),
    report: (body: Record<string, unknown>) =>
      request(server)
        .post('/api/rollback-guard/ledger/deployments')
        .set('Authorization', mockCredentials.service.header())
        .send({
          entityRef: ENTITY,
          environment: 'production',
          strategy: 'rolling',
          ...body,
        }),
  };
}

describe('supervised actions', () => {
  const auditorEvents: Array<Record<string, unknown>> = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      auditorEvents,
    });
    api = client(backend.server);
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    readinessMode.worse = false;
  });

  describe('who may request', () => {
    it('answers 401 without credentials', async () => {
      expect(
        (await api.ask(requestBody(), mockCredentials.none.header())).status,
      ).toBe(401);
    });

    it('answers 403 to a service token: only people request', async () => {
      expect(
        (await api.ask(requestBody(), mockCredentials.service.header())).status,
      ).toBe(403);
    });

    it('answers 403 to a user without the request permission', async () => {
      const response = await api.ask(requestBody(), user('carl'));
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        `user:default/carl may not request actions on ${ENTITY}`,
      );
    });
  });

  it('records a request with its reason and readiness, once per idempotency key', async () => {
    const body = requestBody();
    const first = await api.ask(body, user('ana'));
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
      attempts: 0,
    });
    expect(Date.parse(first.body.readinessComputedAt)).not.toBeNaN();
    const replay = await api.ask(body, user('ana'));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    expect(
      (await api.ask({ ...body, kind: 'pause' }, user('ana'))).status,
    ).toBe(409);
  });

  it('lets a second person approve, never the requester, only the request it names, then executes once', async () => {
    // Its own backend: the verified rollback changes what runs in production.
    const hook = await startWebhookReceiver();
    const own = client(
      (await startActionsBackend({ webhookUrl: hook.url, auditorEvents }))
        .server,
    );
    const before = hook.received.length;
    const { body: action } = await own.ask(requestBody(), user('ana'));
    expect((await own.decide(action.id, 'approve', user('ana'))).status).toBe(
      403,
    );
    expect((await own.decide(action.id, 'approve', user('carl'))).status).toBe(
      403,
    );
    expect(
      (
        await own.decide(action.id, 'approve', user('bob'), {
          entityRef: 'component:default/checkout-web',
        })
      ).status,
    ).toBe(409);
    expect(
      (await own.decide(action.id, 'approve', user('bob'), { kind: 'abort' }))
        .status,
    ).toBe(409);

    const approved = await own.decide(action.id, 'approve', user('bob'), {
      comment: 'ok',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'executing',
      attempts: 1,
      approvals: [{ by: 'user:default/bob' }],
      decidedBy: 'user:default/bob',
    });
    expect(hook.received.length).toBe(before + 1);
    const sent = hook.received[hook.received.length - 1];
    expect(JSON.parse(sent.body)).toMatchObject({
      actionId: action.id,
      attempt: 1,
      targetVersion: '2.0.0',
    });
    expect(sent.headers['x-rollback-guard-signature']).toMatch(
      /^sha256=[0-9a-f]{64}$/,
    );
    expect((await own.decide(action.id, 'approve', user('dana'))).status).toBe(
      409,
    );

    // The pipeline reports back through the ledger: verification.
    await own
      .report({ id: `rb-${action.id}`, version: '2.0.0', state: 'succeeded' })
      .expect(201);
    expect(await own.get(action.id)).toMatchObject({ status: 'succeeded' });

    const steps = (await own.audit(action.id)).map(e => [e.step, e.actor]);
    expect(steps).toEqual([
      ['requested', 'user:default/ana'],
      ['approval', 'user:default/bob'],
      ['approved', 'user:default/bob'],
      ['executing', 'rollback-guard'],
      ['dispatched', 'rollback-guard'],
      ['verified', 'ledger'],
    ]);
    const events = auditorEvents.filter(e => e.actionId === action.id);
    expect(events.filter(e => e.step !== 'refused').map(e => e.step)).toEqual(
      steps.map(([step]) => step),
    );
    // The refused attempts (403 twice, 409 thrice) reached the auditor too.
    expect(events.filter(e => e.step === 'refused').map(e => e.actor)).toEqual([
      'user:default/ana',
      'user:default/carl',
      'user:default/bob',
      'user:default/bob',
      'user:default/dana',
    ]);
    await hook.close();
  });

  it('needs two approvers at high risk', async () => {
    const { body: action } = await api.ask(
      requestBody({ targetVersion: '1.5.0' }),
      user('ana'),
    );
    expect(action).toMatchObject({ risk: 'high', requiredApprovals: 2 });
    expect(
      (await api.decide(action.id, 'approve', user('bob'))).body.status,
    ).toBe('requested');
    expect(
      (await api.decide(action.id, 'approve', user('dana'))).body.status,
    ).toBe('executing');
  });

  it('stops when readiness got worse than what was approved', async () => {
    const before = receiver.received.length;
    const { body: action } = await api.ask(requestBody(), user('ana'));
    readinessMode.worse = true;
    const approved = await api.decide(action.id, 'approve', user('bob'));
    expect(approved.body).toMatchObject({
      status: 'failed',
      outcome:
        'Readiness got worse since the request: low then, high now (By version: A migration since 2.0.0 dropped a column)',
    });
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a blocked rollback unless the requester may override and writes why', async () => {
    const blocked = await api.ask(
      requestBody({ targetVersion: '1.0.0' }),
      user('ana'),
    );
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.message).toContain(
      'Going back to 1.0.0 is blocked (By version: Its image is gone)',
    );
    expect(
      (await api.ask(requestBody({ targetVersion: '1.0.0' }), user('olga')))
        .status,
    ).toBe(403);
    const withoutPermission = await api.ask(
      requestBody({
        targetVersion: '1.0.0',
        override: { justification: 'restored by hand' },
      }),
      user('ana'),
    );
    expect(withoutPermission.status).toBe(403);
    const overridden = await api.ask(
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
    const { body: action } = await api.ask(requestBody(), user('ana'));
    const rejected = await api.decide(action.id, 'reject', user('bob'), {
      comment: 'Roll forward instead',
    });
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      decision: 'Roll forward instead',
    });
    expect((await api.decide(action.id, 'approve', user('dana'))).status).toBe(
      409,
    );
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
    const response = await api.ask(requestBody(overrides), user('ana'));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(message);
  });

  it('refuses what the deployment state does not allow', async () => {
    const response = await api.ask(
      requestBody({ kind: 'pause', targetVersion: undefined }),
      user('ana'),
    );
    expect(response.status).toBe(409);
    expect(response.body.error.message).toBe(
      'Cannot pause in production: its deployment of 3.0.0 is failed',
    );
  });
});

describe('supervised actions, execution failures and switches', () => {
  it('notifies the owners when approval is needed and the requester when it ends, and signals every change', async () => {
    const receiver = await startWebhookReceiver();
    const sent = { notifications: [] as any[], signals: [] as any[] };
    const api = client(
      (
        await startActionsBackend({
          webhookUrl: receiver.url,
          sent,
          actions: { notifyApprovers: ['group:default/sre-on-call'] },
        })
      ).server,
    );
    const { body: action } = await api.ask(requestBody(), user('ana'));
    expect(sent.notifications).toEqual([
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: [ENTITY, 'group:default/sre-on-call'],
        },
        payload: expect.objectContaining({
          title: `Approval needed: roll-back to 2.0.0 in production of ${ENTITY}`,
          severity: 'high',
          link: '/catalog/default/component/payments-api/rollback-guard',
        }),
      }),
    ]);
    await api.decide(action.id, 'reject', user('bob'), { comment: 'no' });
    expect(sent.notifications[1]).toMatchObject({
      recipients: { type: 'entity', entityRef: [ENTITY, 'user:default/ana'] },
      payload: {
        title: `Rejected: roll-back to 2.0.0 in production of ${ENTITY}`,
      },
    });
    // Each change on the entity's channel and the approvals view's, to the
    // people concerned only: approvers and requester (no owner in this
    // catalog), never a broadcast.
    expect(sent.signals).toEqual(
      ['requested', 'rejected'].flatMap(step =>
        [`rollback-guard:actions:${ENTITY}`, 'rollback-guard:approvals'].map(
          channel => ({
            recipients: {
              type: 'user',
              entityRef: ['group:default/sre-on-call', 'user:default/ana'],
            },
            channel,
            message: {
              actionId: action.id,
              entityRef: ENTITY,
              status: step,
              step,
            },
          }),
        ),
      ),
    );
    expect(JSON.stringify(sent)).not.toMatch(/secret|token|Bearer/i);
    await receiver.close();
  });

  it('leaves the action failed when the CI endpoint answers 500, and a retry is a new audited attempt', async () => {
    let answer = 500;
    const receiver = await startWebhookReceiver(() => answer);
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      actions: { approvals: { rollBack: { low: 0 } } },
    });
    const api = client(backend.server);
    const { body: action } = await api.ask(requestBody(), user('ana'));
    expect(action.status).toBe('failed');
    expect(action.outcome).toMatch(/^May have run: ci answered 500/);
    expect(receiver.received).toHaveLength(1);

    answer = 204;
    expect((await api.decide(action.id, 'retry', user('ana'))).status).toBe(
      403,
    );
    // A 500 came after the request was sent: it may have run.
    expect((await api.decide(action.id, 'retry', user('bob'))).status).toBe(
      409,
    );
    const retried = await api.decide(action.id, 'retry', user('bob'), {
      confirmMayHaveRun: true,
    });
    expect(retried.body).toMatchObject({ status: 'executing', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(JSON.parse(receiver.received[1].body).attempt).toBe(2);
    expect((await api.audit(action.id)).map(e => e.step)).toEqual([
      'requested',
      'approved',
      'executing',
      'failed',
      'retry',
      'executing',
      'dispatched',
    ]);
    await receiver.close();
  });

  it('fails with the reason when the CI endpoint is unreachable', async () => {
    const receiver = await startWebhookReceiver();
    await receiver.close();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      actions: { approvals: { rollBack: { low: 0 } } },
    });
    const { body: action } = await client(backend.server).ask(
      requestBody(),
      user('ana'),
    );
    expect(action.status).toBe('failed');
    expect(action.outcome).toContain('ci');
  });

  it('refuses to approve a request that expired by the database clock', async () => {
    const receiver = await startWebhookReceiver();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      actions: { requestTtlMinutes: 0.001 },
    });
    const api = client(backend.server);
    const { body: action } = await api.ask(requestBody(), user('ana'));
    await new Promise(resolve => setTimeout(resolve, 200));
    const late = await api.decide(action.id, 'approve', user('bob'));
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('expired at');
    expect((await api.get(action.id)).status).toBe('expired');
    expect(receiver.received).toHaveLength(0);
    await receiver.close();
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
      .send(requestBody());
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'the permission framework is disabled',
    );
  });

  describe('the policy refined by the entity', () => {
    const policyOf = (server: Server) =>
      request(server)
        .get('/api/rollback-guard/actions/policy')
        .set('Authorization', user('ana'))
        .query({ entityRef: ENTITY });

    it('asks for more approvals where the annotation asks, never for fewer', async () => {
      const receiver = await startWebhookReceiver();
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        annotations: {
          'rollback-guard/approvals': 'roll-back.low=2, pause=0, resume=0',
        },
        actions: { approvals: { pause: 1 } },
      });
      const policy = await policyOf(backend.server);
      expect(policy.status).toBe(200);
      expect(policy.body).toMatchObject({
        entityRef: ENTITY,
        enabled: true,
        entityRefinement: 'stricter',
        approvals: { 'roll-back.low': 2, pause: 1, resume: 1 },
      });
      expect(policy.body.notes).toEqual([
        'pause: the annotation asks for 0, but configuration only lets entities ask for more approvals; 1 apply',
        'resume: the annotation asks for 0, but configuration only lets entities ask for more approvals; 1 apply',
        'roll-back.low: 2 (configuration: 1), set by rollback-guard/approvals',
      ]);

      const api = client(backend.server);
      const { body: action } = await api.ask(requestBody(), user('ana'));
      expect(action).toMatchObject({ status: 'requested', risk: 'low' });
      expect(action.requiredApprovals).toBe(2);
      await api.decide(action.id, 'approve', user('bob'));
      expect(receiver.received).toHaveLength(0);
      await api.decide(action.id, 'approve', user('dana'));
      expect(receiver.received).toHaveLength(1);
      const [requested] = await api.audit(action.id);
      expect(requested).toMatchObject({ step: 'requested' });
      await receiver.close();
    });

    it('lets the annotation lower approvals only where config allows, never below two people at high risk', async () => {
      const receiver = await startWebhookReceiver();
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        annotations: { 'rollback-guard/approvals': 'roll-back=0' },
        actions: { entityRefinement: 'any' },
      });
      const policy = await policyOf(backend.server);
      expect(policy.body.approvals).toMatchObject({
        'roll-back.low': 0,
        'roll-back.medium': 0,
        'roll-back.high': 2,
        'roll-back.blocked': 2,
      });
      const api = client(backend.server);
      const low = await api.ask(requestBody(), user('ana'));
      expect(low.body.status).toBe('executing');
      const high = await api.ask(
        requestBody({ targetVersion: '1.5.0' }),
        user('ana'),
      );
      expect(high.body).toMatchObject({
        status: 'requested',
        requiredApprovals: 2,
      });
      await receiver.close();
    });

    it('ignores the annotation when config says none', async () => {
      const receiver = await startWebhookReceiver();
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        annotations: { 'rollback-guard/approvals': 'roll-back.low=3' },
        actions: { entityRefinement: 'none' },
      });
      const policy = await policyOf(backend.server);
      expect(policy.body.approvals['roll-back.low']).toBe(1);
      expect(policy.body.notes[0]).toContain('is ignored');
      const { body: action } = await client(backend.server).ask(
        requestBody(),
        user('ana'),
      );
      expect(action.requiredApprovals).toBe(1);
      await receiver.close();
    });

    it('refuses requests while the annotation is malformed, and says how to fix it', async () => {
      const receiver = await startWebhookReceiver();
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        annotations: { 'rollback-guard/approvals': 'roll-back.low=two' },
      });
      const policy = await policyOf(backend.server);
      expect(policy.body.refusal).toBe(
        'Actions are refused until rollback-guard/approvals is fixed in the entity\'s catalog-info.yaml: it sets roll-back.low to "two"; a count is a whole number from 0 to 10',
      );
      const refused = await client(backend.server).ask(
        requestBody(),
        user('ana'),
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(policy.body.refusal);
      expect(receiver.received).toHaveLength(0);
      await receiver.close();
    });
  });

  it('keeps the readiness each request was made against, for those who may see the entity', async () => {
    const receiver = await startWebhookReceiver();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      hiddenFrom: { 'user:default/dana': ['payments-api'] },
    });
    const api = client(backend.server);
    const { body: asked } = await api.ask(requestBody(), user('ana'));
    const detail = (who: string, id = asked.id) =>
      request(backend.server)
        .get(`/api/rollback-guard/actions/${id}`)
        .set('Authorization', user(who));

    const seen = await detail('bob');
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: asked.id, status: 'requested' });
    expect(seen.body.readiness).toMatchObject({
      environment: 'production',
      current: { version: '3.0.0', state: 'failed' },
    });
    expect(
      seen.body.readiness.candidates.map(
        (c: { candidate: { version: string }; risk: string }) => [
          c.candidate.version,
          c.risk,
        ],
      ),
    ).toEqual([
      ['2.0.0', 'low'],
      ['1.5.0', 'high'],
      ['1.0.0', 'blocked'],
    ]);
    // The list stays light: no readiness in it.
    expect((await api.get(asked.id)).readiness).toBeUndefined();

    // Readiness changes afterwards; what the request was made against does not.
    readinessMode.worse = true;
    await request(backend.server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', user('bob'))
      .send({ entityRef: ENTITY })
      .expect(200);
    expect((await detail('bob')).body.readiness.candidates[0].risk).toBe('low');
    readinessMode.worse = false;

    expect((await detail('dana')).status).toBe(404);
    expect((await detail('bob', 'no-such-request')).status).toBe(404);
    await receiver.close();
  });

  describe('the approvals view', () => {
    const approvals = (server: Server, auth: string) =>
      request(server)
        .get('/api/rollback-guard/approvals')
        .set('Authorization', auth);

    it('lists what waits for a decision on the entities one may see, with whether one may approve it', async () => {
      const receiver = await startWebhookReceiver();
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        hiddenFrom: { 'user:default/dana': ['payments-api'] },
      });
      const api = client(backend.server);
      const { body: waiting } = await api.ask(requestBody(), user('ana'));
      const { body: rejected } = await api.ask(requestBody(), user('olga'));
      await api.decide(rejected.id, 'reject', user('bob'));

      const forBob = await approvals(backend.server, user('bob'));
      expect(forBob.status).toBe(200);
      expect(forBob.body.items).toEqual([
        {
          action: expect.objectContaining({ id: waiting.id }),
          mayApprove: true,
        },
      ]);
      expect((await approvals(backend.server, user('ana'))).body.items).toEqual(
        [
          {
            action: expect.objectContaining({ id: waiting.id }),
            mayApprove: false,
            note: 'Your own request: someone else must approve it',
          },
        ],
      );
      expect(
        (await approvals(backend.server, user('carl'))).body.items[0],
      ).toMatchObject({
        mayApprove: false,
        note: `You may not approve actions on ${ENTITY}`,
      });
      // The catalog does not show payments-api to dana.
      expect(
        (await approvals(backend.server, user('dana'))).body.items,
      ).toEqual([]);

      expect(
        (await approvals(backend.server, mockCredentials.service.header()))
          .status,
      ).toBe(403);
      expect(
        (await approvals(backend.server, mockCredentials.none.header())).status,
      ).toBe(401);
      await receiver.close();
    });

    it('expires overdue requests by the database clock without waiting for someone to try, each once', async () => {
      const receiver = await startWebhookReceiver();
      const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
      const auditorEvents: Array<Record<string, unknown>> = [];
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        // 1.2 s: long enough to list it under load, short enough to wait out.
        actions: { requestTtlMinutes: 0.02 },
        tasks,
        auditorEvents,
      });
      const api = client(backend.server);
      const { body: action } = await api.ask(requestBody(), user('ana'));
      expect(
        (await approvals(backend.server, user('bob'))).body.items,
      ).toHaveLength(1);
      await new Promise(resolve => setTimeout(resolve, 1300));
      // Overdue: no longer offered, though nobody decided yet.
      expect((await approvals(backend.server, user('bob'))).body.items).toEqual(
        [],
      );
      expect((await api.get(action.id)).status).toBe('requested');

      const sweep = tasks.find(t => t.id === 'rollback-guard-actions-sweep')!;
      await sweep.fn(new AbortController().signal as any);
      await sweep.fn(new AbortController().signal as any);
      expect((await api.get(action.id)).status).toBe('expired');
      expect((await api.audit(action.id)).map(e => [e.step, e.actor])).toEqual([
        ['requested', 'user:default/ana'],
        ['expired', 'policy'],
      ]);
      expect(auditorEvents.filter(e => e.step === 'expired')).toHaveLength(1);
      await receiver.close();
    });
  });

  describe('verification by reading the providers back', () => {
    // A second provider of payments-api whose answer the test sets, as an
    // orchestrator (Argo Rollouts, say) would report it.
    const reported: { deployments: Deployment[] } = { deployments: [] };
    const orchestrator = testModule('orchestrator', {
      providers: [
        {
          id: 'orchestrator',
          title: 'Orchestrator',
          getCurrentDeployments: async () => reported.deployments,
          listDeployments: async () => reported.deployments,
        },
      ],
    });

    async function executing(actions: object = {}) {
      const receiver = await startWebhookReceiver();
      const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
      const backend = await startActionsBackend({
        webhookUrl: receiver.url,
        actions: { approvals: { rollBack: { low: 0 } }, ...actions },
        annotations: { 'rollback-guard/provider': 'ledger, orchestrator' },
        features: [orchestrator],
        tasks,
      });
      const api = client(backend.server);
      const { body: action } = await api.ask(requestBody(), user('ana'));
      expect(action.status).toBe('executing');
      const sweep = () =>
        tasks
          .find(t => t.id === 'rollback-guard-actions-sweep')!
          .fn(new AbortController().signal as any);
      return { api, action, sweep, receiver };
    }

    beforeEach(() => {
      reported.deployments = [];
    });

    it('succeeds once the provider reports the target version running', async () => {
      const { api, action, sweep, receiver } = await executing();
      await sweep();
      expect((await api.get(action.id)).status).toBe('executing');

      reported.deployments = [
        {
          id: 'rollout-7',
          entityRef: ENTITY,
          environment: 'production',
          version: '2.0.0',
          strategy: 'canary',
          state: 'succeeded',
          startedAt: new Date().toISOString(),
        },
      ];
      await sweep();
      expect(await api.get(action.id)).toMatchObject({
        status: 'succeeded',
        outcome: '2.0.0 is succeeded in production (deployment rollout-7)',
      });
      expect((await api.audit(action.id)).slice(-1)).toEqual([
        expect.objectContaining({
          step: 'verified',
          actor: 'provider orchestrator',
        }),
      ]);
      await receiver.close();
    });

    it('fails an execution nobody confirmed in time, saying what runs, once', async () => {
      const { api, action, sweep, receiver } = await executing({
        verifyTimeoutMinutes: 0.002,
      });
      await new Promise(resolve => setTimeout(resolve, 300));
      await sweep();
      await sweep();
      expect(await api.get(action.id)).toMatchObject({
        status: 'failed',
        outcome: 'Not verified within 0.002 min: production runs 3.0.0, failed',
      });
      expect(
        (await api.audit(action.id)).filter(e => e.step === 'unverified'),
      ).toHaveLength(1);
      await receiver.close();
    });
  });
});
