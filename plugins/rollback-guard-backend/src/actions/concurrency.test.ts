import knexFactory from 'knex';
import request from 'supertest';
import {
  ENTITY,
  requestBody,
  startActionsBackend,
  startWebhookReceiver,
  userHeader as user,
} from '@internal/rollback-guard-test-harness';

const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
// Mandatory where PostgreSQL is known to be there (npm test says so).
const describePg =
  pg || process.env.ROLLBACK_GUARD_REQUIRE_POSTGRES ? describe : describe.skip;

const PREFIX = `rg_conc_${process.pid}_`;

describePg(
  'two replicas sharing PostgreSQL: they start at once, and execution happens once',
  () => {
    afterAll(async () => {
      const db = knexFactory({ client: 'pg', connection: pg });
      await db.raw(
        `DROP DATABASE IF EXISTS "${PREFIX}rollback-guard" WITH (FORCE)`,
      );
      await db.destroy();
    });

    it('executes exactly once for 20 concurrent approvals', async () => {
      if (!pg) {
        throw new Error(
          'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is required here',
        );
      }
      const receiver = await startWebhookReceiver();
      const database = {
        client: 'pg',
        connection: pg,
        prefix: PREFIX,
      };
      // Both start at once on an empty database: the migrations run under
      // knex's lock, once.
      const [replicaA, replicaB] = await Promise.all([
        startActionsBackend({ webhookUrl: receiver.url, database }),
        startActionsBackend({
          webhookUrl: receiver.url,
          database,
          record: false,
        }),
      ]);
      const replicas = [replicaA.server, replicaB.server];

      const { body: action } = await request(replicaA.server)
        .post('/api/rollback-guard/actions')
        .set('Authorization', user('ana'))
        .send(requestBody())
        .expect(201);
      expect(action.requiredApprovals).toBe(1);

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(replicas[i % 2])
            .post(`/api/rollback-guard/actions/${action.id}/approve`)
            .set('Authorization', user(`approver-${i}`))
            .send({
              entityRef: ENTITY,
              environment: 'production',
              kind: 'roll-back',
            }),
        ),
      );
      // Every approval was either taken or refused as too late, none failed.
      for (const answer of answers) {
        expect([200, 409]).toContain(answer.status);
      }
      expect(receiver.received).toHaveLength(1);
      const { body } = await request(replicaB.server)
        .get('/api/rollback-guard/audit')
        .set('Authorization', user('bob'))
        .query({ entityRef: ENTITY });
      const steps = body.items
        .filter((e: { actionId: string }) => e.actionId === action.id)
        .map((e: { step: string }) => e.step);
      expect(steps.filter((s: string) => s === 'executing')).toHaveLength(1);
      expect(steps.filter((s: string) => s === 'approved')).toHaveLength(1);
      await receiver.close();
    }, 60_000);
  },
);
