/*
 * Actions benchmarks:
 * - on two backend replicas sharing PostgreSQL (SQLite when there is none),
 *   20 requests each approved by 20 people at once across both replicas:
 *   executions per approved request, counted by the CI endpoint (must be 1);
 * - an auto-approved low-risk roll-back: from the request to the webhook
 *   reaching the CI endpoint.
 */
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import {
  ENTITY,
  requestBody,
  startActionsBackend,
  startWebhookReceiver,
  userHeader as user,
} from '@internal/rollback-guard-test-harness';
import { dropPluginDatabase, percentile, print } from './util';

const REQUESTS = 20;
const APPROVERS = 20;
const AUTO_REQUESTS = 100;
const PG_PREFIX = 'rg_bench_actions_';

async function executionsPerApprovedRequest(pg?: string) {
  const receiver = await startWebhookReceiver();
  const database = pg
    ? { client: 'pg', connection: pg, prefix: PG_PREFIX }
    : undefined;
  const a = await startActionsBackend({
    webhookUrl: receiver.url,
    database,
    allowAll: true,
  });
  const b = pg
    ? await startActionsBackend({
        webhookUrl: receiver.url,
        database,
        allowAll: true,
        record: false,
      })
    : a;
  const replicas = [a.server, b.server];
  const ids: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const { body } = await request(a.server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', user('ana'))
      .send(requestBody())
      .expect(201);
    ids.push(body.id);
    await Promise.all(
      Array.from({ length: APPROVERS }, (_, j) =>
        request(replicas[j % 2])
          .post(`/api/rollback-guard/actions/${body.id}/approve`)
          .set('Authorization', user(`approver-${j}`))
          .send({
            entityRef: ENTITY,
            environment: 'production',
            kind: 'roll-back',
          }),
      ),
    );
  }
  const executed = new Map<string, number>();
  for (const hit of receiver.received) {
    const { actionId } = JSON.parse(hit.body);
    executed.set(actionId, (executed.get(actionId) ?? 0) + 1);
  }
  const approved = ids.filter(id => executed.has(id)).length;
  print(
    `actions.executions_per_approved_request`,
    approved === 0 ? 0 : receiver.received.length / approved,
    `executions/request (${approved} of ${REQUESTS} approved, ${APPROVERS} concurrent approvals each, ${
      pg ? 'two replicas on PostgreSQL' : 'one replica on SQLite'
    }; must be 1)`,
  );
  await receiver.close();
}

async function requestToExecution() {
  const arrivals = new Map<string, number>();
  const receiver = await startWebhookReceiver(req => {
    arrivals.set(
      String(req.headers['x-rollback-guard-action']),
      performance.now(),
    );
    return 204;
  });
  const backend = await startActionsBackend({
    webhookUrl: receiver.url,
    allowAll: true,
    actions: { approvals: { rollBack: { low: 0 } } },
  });
  const latencies: number[] = [];
  for (let i = 0; i < AUTO_REQUESTS; i++) {
    const t0 = performance.now();
    const { body } = await request(backend.server)
      .post('/api/rollback-guard/actions')
      .set('Authorization', user('ana'))
      .send(requestBody())
      .expect(201);
    const arrived = arrivals.get(body.id);
    if (arrived === undefined) {
      throw new Error(
        `action ${body.id} was not executed: ${JSON.stringify(body)}`,
      );
    }
    latencies.push(arrived - t0);
  }
  print('actions.request_to_execution_p50_ms', percentile(latencies, 50), 'ms');
  print(
    'actions.request_to_execution_p95_ms',
    percentile(latencies, 95),
    'ms (auto-approved low-risk roll-back, readiness re-checked, signed webhook)',
  );
  await receiver.close();
}

async function main() {
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg) await dropPluginDatabase(pg, PG_PREFIX);
  await executionsPerApprovedRequest(pg);
  if (pg) await dropPluginDatabase(pg, PG_PREFIX);
  await requestToExecution();
}

// The test backend leaves pools and timers behind; the figures are out.
main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
