import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogBackend from '@backstage/plugin-catalog-backend';
import rollbackGuardBackend from '@rollback-guard/plugin-rollback-guard-backend';
import { createHmac } from 'node:crypto';
import request from 'supertest';
// The backend plugin's test helpers for a real catalog: test code sharing
// test code, not a runtime dependency between packages.
import {
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
} from '@internal/rollback-guard-test-harness';
import { examplePipelinePlugin } from './examplePipeline';

const SECRET = 'test-pipeline-secret';
const ENTITY = 'component:default/payments-api';
const API = '/api/rollback-guard';

const entitiesModule = catalogEntitiesModule([
  catalogComponent('payments-api', 'group:default/payments-team', {
    'rollback-guard/environments': 'production',
  }),
]);

/** A webhook delivery as Rollback Guard signs it. */
function deliver(
  server: Awaited<ReturnType<typeof startTestBackend>>['server'],
  action: object,
  secret = SECRET,
) {
  const body = JSON.stringify(action);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex')}`;
  return request(server)
    .post('/api/example-pipeline/actions')
    .set('Content-Type', 'application/json')
    .set('X-Rollback-Guard-Timestamp', timestamp)
    .set('X-Rollback-Guard-Signature', signature)
    .send(body);
}

const action = (fields: object) => ({
  actionId: `action-${Math.random().toString(36).slice(2)}`,
  attempt: 1,
  entityRef: ENTITY,
  environment: 'production',
  targetVersion: null,
  reason: 'test',
  requestedBy: 'user:default/alice',
  approvedBy: [],
  risk: 'low',
  readinessComputedAt: new Date().toISOString(),
  ...fields,
});

describe('the example pipeline', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const current = async () =>
    (
      await request(server)
        .get(`${API}/rollout`)
        .set('Authorization', mockCredentials.user.header())
        .query({ entityRef: ENTITY })
    ).body.environments[0].current;

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardBackend,
        examplePipelinePlugin,
        catalogBackend,
        entitiesModule,
        mockServices.rootConfig.factory({
          data: { examplePipeline: { secret: SECRET, stepMs: 10 } },
        }),
      ],
    }));
    await untilProcessed(server, 'payments-api', mockCredentials.user.header());
    for (const [id, version, state] of [
      ['d-1', '1.0.0', 'succeeded'],
      ['d-2', '1.1.0', 'progressing'],
    ]) {
      await request(server)
        .post(`${API}/ledger/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          id,
          entityRef: ENTITY,
          environment: 'production',
          version,
          strategy: 'canary',
          state,
          startedAt: `2026-11-0${id.slice(2)}T10:00:00Z`,
        })
        .expect(201);
    }
  }, 60_000);

  it('refuses a delivery whose signature does not match', async () => {
    const res = await deliver(server, action({ kind: 'pause' }), 'wrong');
    expect(res.status).toBe(401);
    expect((await current()).state).toBe('progressing');
  });

  it('pauses the current deployment through the ledger, once per attempt', async () => {
    const pause = action({ kind: 'pause' });
    expect((await deliver(server, pause)).status).toBe(202);
    expect((await deliver(server, pause)).status).toBe(200);
    const after = await until(current, d => d.state === 'paused');
    expect(after).toMatchObject({ id: 'd-2', state: 'paused' });
  });

  it('records a roll-back as a new deployment of the target version that succeeds', async () => {
    const rollBack = action({ kind: 'roll-back', targetVersion: '1.0.0' });
    expect((await deliver(server, rollBack)).status).toBe(202);
    const after = await until(current, d => d.state === 'succeeded');
    expect(after).toMatchObject({
      id: `example-pipeline-${rollBack.actionId}-1`,
      version: '1.0.0',
      state: 'succeeded',
    });
  });
});
