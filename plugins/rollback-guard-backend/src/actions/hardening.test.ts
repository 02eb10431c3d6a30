import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  ENTITY,
  requestBody,
  fakeCatalog,
  startActionsBackend,
  startWebhookReceiver,
  userHeader as user,
  testModule,
} from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugin';
import {
  ActionExecutionRequest,
  DeploymentProvider,
} from '@rollback-guard/plugin-rollback-guard-node';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

function client(server: Server) {
  const post = (url: string, auth: string, body: object) =>
    request(server)
      .post(`/api/rollback-guard${url}`)
      .set('Authorization', auth)
      .send(body);
  return {
    ask: (body: object, auth: string) => post('/actions', auth, body),
    decide: (
      id: string,
      decision: 'approve' | 'reject' | 'retry',
      auth: string,
      body: Record<string, unknown> = {},
    ) =>
      post(`/actions/${id}/${decision}`, auth, {
        entityRef: ENTITY,
        environment: 'production',
        kind: 'roll-back',
        ...body,
      }),
    get: async (id: string) =>
      (
        await request(server)
          .get(`/api/rollback-guard/actions/${id}`)
          .set('Authorization', user('bob'))
      ).body,
    report: (body: Record<string, unknown>) =>
      post('/ledger/deployments', mockCredentials.service.header(), {
        entityRef: ENTITY,
        environment: 'production',
        strategy: 'rolling',
        ...body,
      }),
  };
}

describe('the guards hold when the permission policy allows everything', () => {
  const auditorResults: Array<{
    meta: Record<string, unknown>;
    result: 'success' | 'failure';
  }> = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let api: ReturnType<typeof client>;
  let server: Server;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      allowAll: true,
      auditorResults,
    });
    server = backend.server;
    api = client(server);
  });
  afterAll(() => receiver.close());

  it('answers 403 to a service token on every action and decision route', async () => {
    const { body: action } = await api.ask(requestBody(), user('ana'));
    expect(action.status).toBe('requested');
    const service = mockCredentials.service.header();
    expect((await api.ask(requestBody(), service)).status).toBe(403);
    for (const decision of ['approve', 'reject', 'retry'] as const) {
      expect((await api.decide(action.id, decision, service)).status).toBe(403);
    }
    const approvals = await request(server)
      .get('/api/rollback-guard/approvals')
      .set('Authorization', service);
    expect(approvals.status).toBe(403);
    expect((await api.get(action.id)).status).toBe('requested');
  });

  it('never lets the requester decide or retry their own request', async () => {
    const { body: action } = await api.ask(requestBody(), user('ana'));
    const approve = await api.decide(action.id, 'approve', user('ana'));
    expect(approve.status).toBe(403);
    expect(approve.body.error.message).toBe(
      'Nobody approves or rejects their own request',
    );
    expect((await api.decide(action.id, 'reject', user('ana'))).status).toBe(
      403,
    );
    const retry = await api.decide(action.id, 'retry', user('ana'));
    expect(retry.status).toBe(403);
    expect(retry.body.error.message).toMatch(
      /^Nobody retries their own request/,
    );
    expect((await api.get(action.id)).status).toBe('requested');
    // Each refusal reached the auditor as a failure, naming who tried.
    const refused = auditorResults.filter(
      e => e.meta.step === 'refused' && e.meta.actionId === action.id,
    );
    expect(refused.map(e => [e.meta.what, e.meta.actor, e.result])).toEqual([
      ['approve', 'user:default/ana', 'failure'],
      ['reject', 'user:default/ana', 'failure'],
      ['retry', 'user:default/ana', 'failure'],
    ]);
  });
});

describe('verification proves the action ran', () => {
  it('ignores back-dated and other environments’ records, and verifies on the real one', async () => {
    const receiver = await startWebhookReceiver();
    const api = client(
      (await startActionsBackend({ webhookUrl: receiver.url })).server,
    );
    const { body: action } = await api.ask(requestBody(), user('ana'));
    expect(
      (await api.decide(action.id, 'approve', user('bob'))).body.status,
    ).toBe('executing');

    // Dated before the execution started, though newer than what runs.
    await api
      .report({
        id: 'backdated-2.0.0',
        version: '2.0.0',
        state: 'succeeded',
        startedAt: '2026-11-05T00:00:00Z',
      })
      .expect(201);
    expect((await api.get(action.id)).status).toBe('executing');
    await api
      .report({
        id: 'staging-2.0.0',
        environment: 'staging',
        version: '2.0.0',
        state: 'succeeded',
      })
      .expect(201);
    expect((await api.get(action.id)).status).toBe('executing');

    await api
      .report({ id: 'rollback-2.0.0', version: '2.0.0', state: 'succeeded' })
      .expect(201);
    const verified = await api.get(action.id);
    expect(verified.status).toBe('succeeded');
    expect(verified.outcome).toContain('deployment rollback-2.0.0');
    await receiver.close();
  });
});

describe('retry', () => {
  let answer = 502;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => answer);
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
    });
    api = client(backend.server);
  });
  afterAll(() => receiver.close());

  it('needs a confirmation when the last attempt may have run, and never the requester', async () => {
    answer = 502;
    const { body: action } = await api.ask(requestBody(), user('olga'));
    const failed = await api.decide(action.id, 'approve', user('bob'));
    expect(failed.body).toMatchObject({ status: 'failed', mayHaveRun: true });
    expect(failed.body.outcome).toMatch(/^May have run: ci answered 502/);

    // olga may approve, but not her own request's retry.
    expect((await api.decide(action.id, 'retry', user('olga'))).status).toBe(
      403,
    );
    const unconfirmed = await api.decide(action.id, 'retry', user('bob'));
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.message).toContain('may have run');

    answer = 204;
    const before = receiver.received.length;
    const retried = await api.decide(action.id, 'retry', user('bob'), {
      confirmMayHaveRun: true,
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'executing', attempts: 2 });
    expect(retried.body.mayHaveRun).toBeUndefined();
    expect(receiver.received.length).toBe(before + 1);
  });

  it('counts only the approval it can check now: more is requested anew', async () => {
    answer = 400; // refused outright: it did not run
    const { body: action } = await api.ask(
      requestBody({ targetVersion: '1.5.0' }),
      user('olga'),
    );
    expect(action.requiredApprovals).toBe(2);
    await api.decide(action.id, 'approve', user('bob')).expect(200);
    const failed = await api.decide(action.id, 'approve', user('dana'));
    expect(failed.body).toMatchObject({ status: 'failed' });
    expect(failed.body.mayHaveRun).toBeUndefined();

    // bob and dana approved minutes ago; either may have lost the
    // permission since, so their approvals do not count again.
    const retry = await api.decide(action.id, 'retry', user('bob'));
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toMatch(
      /needs 2 approvals, and only yours can be checked now/,
    );
    expect((await api.get(action.id)).status).toBe('failed');
  });
});

describe('limits, input and reads', () => {
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let api: ReturnType<typeof client>;
  let server: Server;
  const sent = { notifications: [] as unknown[], signals: [] as unknown[] };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const backend = await startActionsBackend({
      webhookUrl: receiver.url,
      actions: { rateLimit: { requests: 5, windowMinutes: 10 } },
      hiddenFrom: { 'user:default/dana': ['payments-api'] },
      sent,
    });
    server = backend.server;
    api = client(server);
  });
  afterAll(() => receiver.close());

  it('limits the requests one person makes, with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await api.ask(requestBody(), user('ana'))).status).toBe(201);
    }
    const limited = await api.ask(requestBody(), user('ana'));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(limited.body.error.message).toMatch(
      /made 5 action requests in the last 10 minutes/,
    );
    // Someone else is not held back by it.
    expect((await api.ask(requestBody(), user('olga'))).status).toBe(201);
  });

  it('refuses control characters in what people read back', async () => {
    for (const body of [
      requestBody({ reason: 'fine\nINFO approved by admin' }),
      requestBody({ reason: 'looks \u202eevil' }),
      requestBody({ environment: 'production\r\n' }),
      requestBody({ targetVersion: '2.0.0\u0000' }),
      requestBody({
        kind: 'roll-back',
        override: { justification: 'a\u2066b' },
      }),
    ]) {
      const response = await api.ask(body, user('olga'));
      expect(response.status).toBe(400);
    }
    const { body: action } = await api.ask(requestBody(), user('olga'));
    const comment = await api.decide(action.id, 'approve', user('bob'), {
      comment: 'ok\r\nrejected',
    });
    expect(comment.status).toBe(400);
    expect(comment.body.error.message).toContain(
      'body.comment: must not contain control characters',
    );
  });

  it('never echoes oversized input, and takes small bodies only', async () => {
    const response = await api.ask(
      requestBody({ kind: 'k'.repeat(30_000) }),
      user('olga'),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).not.toContain('kkkkkkkk');
    expect(response.body.error.message.length).toBeLessThan(500);
    const huge = await api.ask(
      requestBody({ reason: 'r'.repeat(100_000) }),
      user('olga'),
    );
    expect(huge.status).toBe(413);
  });

  it('rolls forward only to a version the ledger knows', async () => {
    const unknown = await api.ask(
      requestBody({ kind: 'roll-forward', targetVersion: '9.9.9' }),
      user('olga'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      '9.9.9 was never deployed for component:default/payments-api',
    );
    expect(
      (
        await api.ask(
          requestBody({ kind: 'roll-forward', targetVersion: '2.0.0' }),
          user('olga'),
        )
      ).status,
    ).toBe(201);
  });

  it('lets only those who see the entity decide, and signals only the people concerned', async () => {
    const { body: action } = await api.ask(requestBody(), user('olga'));
    // dana may approve, but the catalog hides payments-api from her.
    const hidden = await api.decide(action.id, 'approve', user('dana'));
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`No action request ${action.id}`);

    const signals = sent.signals as Array<{
      recipients: { type: string; entityRef?: string[] };
      message: { actionId: string };
    }>;
    const mine = signals.filter(s => s.message.actionId === action.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const signal of mine) {
      expect(signal.recipients.type).toBe('user');
      expect(signal.recipients.entityRef).toContain('user:default/olga');
    }
  });

  it('refreshes readiness for those who see the entity, at most once per interval', async () => {
    const refresh = (who: string) =>
      request(server)
        .post('/api/rollback-guard/readiness/refresh')
        .set('Authorization', user(who))
        .send({ entityRef: ENTITY });
    const first = await refresh('bob');
    expect(first.status).toBe(200);
    const again = await refresh('bob');
    expect(again.body.computedAt).toBe(first.body.computedAt);
    expect((await refresh('dana')).status).toBe(404);
  });
});

describe('who may write the ledger', () => {
  it('refuses service principals configuration does not list, and times in the future', async () => {
    const receiver = await startWebhookReceiver();
    const refusing = client(
      (
        await startActionsBackend({
          webhookUrl: receiver.url,
          record: false,
          rollbackGuard: { ledger: { writers: ['external:ci'] } },
        })
      ).server,
    );
    const refused = await refusing.report({
      id: 'd-1',
      version: '1.0.0',
      state: 'succeeded',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'external:test-service may not write the Rollback Guard ledger; list it in rollbackGuard.ledger.writers',
    );

    const allowing = client(
      (
        await startActionsBackend({
          webhookUrl: receiver.url,
          record: false,
          rollbackGuard: { ledger: { writers: ['external:test-service'] } },
        })
      ).server,
    );
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const future = await allowing.report({
      id: 'd-2',
      version: '1.0.0',
      state: 'succeeded',
      startedAt: inAnHour,
    });
    expect(future.status).toBe(400);
    expect(future.body.error.message).toBe(
      `Invalid body: body.startedAt: ${inAnHour} is more than 5 minutes in the future`,
    );
    const skewed = new Date(Date.now() + 60_000).toISOString();
    await allowing
      .report({
        id: 'd-3',
        version: '1.0.0',
        state: 'pending',
        startedAt: skewed,
      })
      .expect(201);
    await receiver.close();
  });
});

describe('a crash between approval and the execution claim', () => {
  it('leaves nothing silent: the sweep executes the approved request once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-crash-'));
    // Each plugin's database is <directory>/<pluginId>.sqlite.
    const database = {
      client: 'better-sqlite3',
      connection: { directory: dir },
    };
    const receiver = await startWebhookReceiver();
    const first = await startActionsBackend({
      webhookUrl: receiver.url,
      database,
      tasks: [],
    });
    const { body: action } = await client(first.server).ask(
      requestBody(),
      user('ana'),
    );
    // The approval committed, then the process died before the claim.
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'rollback-guard.sqlite') },
      useNullAsDefault: true,
    });
    const tables = await db('sqlite_master').where({ type: 'table' });
    expect(tables.length).toBeGreaterThan(0);
    await first.stop();

    const rows = await db('rollback_guard_actions').where({ id: action.id });
    expect(rows).toHaveLength(1);
    await db('rollback_guard_action_approvals').insert({
      action_id: action.id,
      approver: 'user:default/bob',
      approved_at: new Date(Date.now() - 120_000),
    });
    await db('rollback_guard_actions')
      .where({ id: action.id })
      .update({
        status: 'approved',
        requested_at: new Date(Date.now() - 120_000),
      });
    await db.destroy();

    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const second = await startActionsBackend({
      webhookUrl: receiver.url,
      database,
      tasks,
      record: false,
    });
    const sweep = tasks.find(t => t.id === 'rollback-guard-actions-sweep')!;
    const before = receiver.received.length;
    await Promise.all([
      sweep.fn(new AbortController().signal),
      sweep.fn(new AbortController().signal),
    ]);
    expect(receiver.received.length).toBe(before + 1);
    const after = await client(second.server).get(action.id);
    expect(after).toMatchObject({ status: 'executing', attempts: 1 });
    await second.stop();
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a permission policy that lets anyone approve', () => {
  const policyFor = async (who: string, allowAll: boolean) => {
    const receiver = await startWebhookReceiver();
    const { server } = await startActionsBackend({
      webhookUrl: receiver.url,
      allowAll,
      record: false,
    });
    const response = await request(server)
      .get('/api/rollback-guard/actions/policy')
      .query({ entityRef: ENTITY })
      .set('Authorization', user(who));
    await receiver.close();
    expect(response.status).toBe(200);
    return response.body;
  };

  it('is named in the policy the action views show', async () => {
    expect((await policyFor('ana', true)).anyoneMayApprove).toBe(true);
  });

  it('is not claimed of a policy that grants people what their role allows', async () => {
    // ana may request, not approve: not everyone may do everything.
    expect((await policyFor('ana', false)).anyoneMayApprove).toBeUndefined();
  });
});

describe('providers can act', () => {
  it('sends an action to the executor of the entity’s provider when it names no webhook', async () => {
    const executed: ActionExecutionRequest[] = [];
    const orchestrator: DeploymentProvider = {
      id: 'orchestrator',
      title: 'Orchestrator',
      getCurrentDeployments: async () => [],
      listDeployments: async () => [],
    };
    const receiver = await startWebhookReceiver();
    const api = client(
      (
        await startActionsBackend({
          webhookUrl: receiver.url,
          withoutWebhook: true,
          annotations: { 'rollback-guard/provider': 'ledger, orchestrator' },
          auditorResults: [],
          features: [
            testModule('orchestrator', {
              providers: [orchestrator],
              executors: [
                {
                  providerId: 'orchestrator',
                  execute: async execution => {
                    executed.push(execution);
                    return { ok: true, target: 'orchestrator/production' };
                  },
                },
              ],
            }),
          ],
        })
      ).server,
    );
    const { body: action } = await api.ask(requestBody(), user('ana'));
    const approved = await api.decide(action.id, 'approve', user('bob'));
    expect(approved.body.status).toBe('executing');
    expect(executed.map(r => [r.action.id, r.attempt])).toEqual([
      [action.id, 1],
    ]);
    expect(receiver.received).toHaveLength(0);
    await receiver.close();
  });
});

describe('what a service may read', () => {
  // A request without a token carries these credentials; the real
  // permission client decides a service's access by its restrictions.
  const readAs = async (restrictions: { permissionNames: string[] }) => {
    const { server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog(),
        permissionsServiceFactory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.service(
            'external:dashboard',
            restrictions,
          ),
        }),
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });
    return request(server)
      .get('/api/rollback-guard/summary')
      .query({ entityRef: ENTITY });
  };

  it('reads only the entities its configured access allows', async () => {
    expect(
      (await readAs({ permissionNames: ['catalog.entity.read'] })).status,
    ).toBe(200);
    const refused = await readAs({
      permissionNames: ['rollback-guard.action.request'],
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe(
      `No entity ${ENTITY} in the catalog`,
    );
  });
});
