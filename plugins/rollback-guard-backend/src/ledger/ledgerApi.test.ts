import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import request from 'supertest';
import { fakeCatalog, testModule } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugin';
import { sha256Hex } from '../lib/sha256';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

// How the second provider of checkout-web behaves in the current test.
let flaky: 'ok' | 'throw' | 'hang' | 'malformed' = 'ok';

async function flakyAnswer(): Promise<Deployment[]> {
  if (flaky === 'throw') throw new Error('answered 503 Service Unavailable');
  if (flaky === 'hang') return new Promise(() => {});
  if (flaky === 'malformed') {
    return [{ id: 'x', version: '2.0.0' } as unknown as Deployment];
  }
  return [
    {
      id: 'flaky-1',
      entityRef: 'component:default/checkout-web',
      environment: 'eu-west',
      version: '7.0.0',
      strategy: 'rolling',
      state: 'succeeded',
      startedAt: '2026-11-01T00:00:00.000Z',
    },
  ];
}

const flakyModule = testModule('flaky', {
  providers: [
    {
      id: 'flaky',
      title: 'Flaky provider',
      getCurrentDeployments: flakyAnswer,
      listDeployments: flakyAnswer,
    },
  ],
});

const CI = mockCredentials.service.header();
const USER = mockCredentials.user.header();

function body(overrides: Record<string, unknown> = {}) {
  return {
    id: 'gh-run-1001-production',
    entityRef: 'component:default/payments-api',
    environment: 'production',
    version: '1.5.0',
    artifact: {
      reference: 'registry.example.com/payments/payments-api:1.5.0',
      digest: `sha256:${'b'.repeat(64)}`,
    },
    strategy: 'canary',
    state: 'progressing',
    trafficPercent: 20,
    sourceCommit: '9c1e2f3a',
    triggeredBy: 'github-actions',
    startedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

describe('the deployment ledger API', () => {
  let server: Server;

  const record = (payload: unknown, auth = CI) =>
    request(server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', auth)
      .send(payload as object);
  const changeState = (id: string, payload: unknown, auth = CI) =>
    request(server)
      .post(`/api/rollback-guard/ledger/deployments/${id}/state`)
      .set('Authorization', auth)
      .send(payload as object);
  const history = (query: Record<string, string | number>) =>
    request(server)
      .get('/api/rollback-guard/deployments')
      .set('Authorization', USER)
      .query(query);
  const rollout = (entityRef: string) =>
    request(server)
      .get('/api/rollback-guard/rollout')
      .set('Authorization', USER)
      .query({ entityRef });

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog(),
        flakyModule,
        mockServices.rootConfig.factory({
          data: {
            rollbackGuard: {
              providerTimeoutMs: 300,
              ledger: { maxEvidenceBytes: 1000 },
            },
          },
        }),
      ],
    }));
  });

  beforeEach(() => {
    flaky = 'ok';
  });

  describe('recording', () => {
    it('records a deployment once; a replay changes nothing', async () => {
      const first = await record(body({ id: 'replay-1' }));
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        id: 'replay-1',
        entityRef: 'component:default/payments-api',
        state: 'progressing',
        trafficPercent: 20,
      });
      const again = await record(body({ id: 'replay-1', state: 'pending' }));
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const page = await history({
        entityRef: 'component:default/payments-api',
        environment: 'production',
      });
      expect(
        page.body.items.filter((d: Deployment) => d.id === 'replay-1'),
      ).toHaveLength(1);
    });

    it('refuses to reuse an id for a different deployment', async () => {
      await record(body({ id: 'reuse-1' }));
      const response = await record(body({ id: 'reuse-1', version: '9.9.9' }));
      expect(response.status).toBe(409);
      expect(response.body.error.message).toContain(
        'already recorded with a different version',
      );
    });

    it.each([
      ['a missing id', { id: undefined }, 'body.id: Required'],
      ['a bad id', { id: 'has spaces' }, 'body.id: must be 1 to 128'],
      ['an unknown strategy', { strategy: 'yolo' }, 'body.strategy'],
      ['an unknown state', { state: 'done' }, 'body.state'],
      ['traffic over 100', { trafficPercent: 120 }, 'body.trafficPercent'],
      [
        'a bad digest',
        { artifact: { digest: 'md5:abc' } },
        'body.artifact.digest',
      ],
      [
        'a bad date',
        { startedAt: 'yesterday' },
        'body.startedAt: must be an ISO 8601',
      ],
      ['an unknown field', { colour: 'red' }, 'body: unknown field colour'],
      [
        'a bad environment name',
        { environment: 'Prod!' },
        'body.environment: must be lowercase',
      ],
      [
        'an environment the entity does not declare',
        { environment: 'qa' },
        'body.environment: "qa" is not one of the environments of payments-api (staging, production',
      ],
      [
        'evidence without content or reference',
        { evidence: [{ kind: 'sbom', name: 'sbom' }] },
        'body.evidence.0: needs content, a reference, or the sha256',
      ],
      [
        'finishing before starting',
        { finishedAt: '2026-11-19T00:00:00Z' },
        'body.finishedAt: 2026-11-19T00:00:00Z is before startedAt 2026-11-20T10:00:00Z',
      ],
    ])(
      'answers 400 for %s, naming the field',
      async (_, overrides, message) => {
        const response = await record(body({ id: 'bad-1', ...overrides }));
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.error.message).toContain(message);
      },
    );

    it('answers 400 for a body that is not JSON', async () => {
      const response = await request(server)
        .post('/api/rollback-guard/ledger/deployments')
        .set('Authorization', CI)
        .set('Content-Type', 'application/json')
        .send('{"id": ');
      expect(response.status).toBe(400);
    });

    it('answers 404 for an entity the catalog does not know', async () => {
      const response = await record(
        body({ entityRef: 'component:default/ghost' }),
      );
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        'No entity component:default/ghost in the catalog',
      );
    });

    it('answers 401 without or with wrong credentials', async () => {
      for (const auth of [
        mockCredentials.none.header(),
        mockCredentials.service.invalidHeader(),
      ]) {
        expect((await record(body(), auth)).status).toBe(401);
      }
    });

    it('answers 403 to a user: people do not write the ledger', async () => {
      const response = await record(body({ id: 'by-user' }), USER);
      expect(response.status).toBe(403);
      expect(
        (await changeState('replay-1', { state: 'paused' }, USER)).status,
      ).toBe(403);
    });

    it('refuses evidence over the limit with 413 and stores nothing', async () => {
      const response = await record(
        body({
          id: 'big-1',
          evidence: [
            { kind: 'migration', name: '1.sql', content: 'x'.repeat(600) },
            { kind: 'migration', name: '2.sql', content: 'y'.repeat(600) },
          ],
        }),
      );
      expect(response.status).toBe(413);
      expect(response.body.error.message).toContain(
        'is 1200 bytes, over the limit of 1000 bytes',
      );
      const page = await history({
        entityRef: 'component:default/payments-api',
      });
      expect(page.body.items.map((d: Deployment) => d.id)).not.toContain(
        'big-1',
      );

      const huge = await record(
        body({
          id: 'big-2',
          evidence: [{ kind: 'sbom', name: 's', content: 'z'.repeat(400_000) }],
        }),
      );
      expect(huge.status).toBe(413);
    });

    it('keeps evidence within the limit and lists it without content', async () => {
      const response = await record(
        body({
          id: 'evidence-1',
          startedAt: '2026-11-02T00:00:00Z',
          state: 'succeeded',
          evidence: [
            { kind: 'migration', name: '1.sql', content: 'select 1;' },
          ],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body.evidence).toEqual([
        {
          kind: 'migration',
          name: '1.sql',
          sha256: sha256Hex('select 1;'),
          sizeBytes: 9,
        },
      ]);
      // Recorded after the fact without its end: the duration is unknown.
      expect(response.body.finishedAt).toBeUndefined();
    });

    it('takes evidence an earlier deployment of the entity stored by name and hash alone', async () => {
      const first = 'create table refunds (id int);';
      const second = 'alter table refunds add column note text;';
      expect(
        (
          await record(
            body({
              id: 'cumulative-1',
              startedAt: '2026-11-03T00:00:00Z',
              state: 'succeeded',
              evidence: [{ kind: 'migration', name: '1.sql', content: first }],
            }),
          )
        ).status,
      ).toBe(201);
      const next = await record(
        body({
          id: 'cumulative-2',
          startedAt: '2026-11-04T00:00:00Z',
          state: 'succeeded',
          evidence: [
            { kind: 'migration', name: '1.sql', sha256: sha256Hex(first) },
            {
              kind: 'migration',
              name: '2.sql',
              content: second,
              sha256: sha256Hex(second),
            },
          ],
        }),
      );
      expect(next.status).toBe(201);
      expect(
        next.body.evidence.map((e: { sizeBytes: number }) => e.sizeBytes),
      ).toEqual([Buffer.byteLength(first), Buffer.byteLength(second)]);
    });

    it('answers 400 naming what is listed without content and was never stored for the entity', async () => {
      const response = await record(
        body({
          id: 'by-hash-unknown',
          evidence: [
            { kind: 'migration', name: '1.sql', content: 'select 1;' },
            { kind: 'migration', name: '7_orders.sql', sha256: 'c'.repeat(64) },
          ],
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        `migration "7_orders.sql" (sha256 ${'c'.repeat(64)})`,
      );
      // Known content under another entity does not count.
      const elsewhere = await record(
        body({
          id: 'by-hash-elsewhere',
          entityRef: 'component:default/checkout-web',
          evidence: [
            {
              kind: 'migration',
              name: '1.sql',
              sha256: sha256Hex('select 1;'),
            },
          ],
        }),
      );
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.error.message).toContain('migration "1.sql"');
      const page = await history({
        entityRef: 'component:default/payments-api',
      });
      expect(page.body.items.map((d: Deployment) => d.id)).not.toContain(
        'by-hash-unknown',
      );
    });

    it('answers 400 for a sha256 that does not match the content, or a name listed twice', async () => {
      const mismatch = await record(
        body({
          id: 'bad-hash',
          evidence: [
            {
              kind: 'migration',
              name: '1.sql',
              content: 'select 1;',
              sha256: 'd'.repeat(64),
            },
          ],
        }),
      );
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error.message).toContain(
        `sha256 does not match the content of 1.sql (its content hashes to ${sha256Hex(
          'select 1;',
        )})`,
      );
      const twice = await record(
        body({
          id: 'twice',
          evidence: [
            { kind: 'migration', name: '1.sql', content: 'select 1;' },
            { kind: 'migration', name: '1.sql', content: 'select 2;' },
          ],
        }),
      );
      expect(twice.status).toBe(400);
      expect(twice.body.error.message).toContain(
        'body.evidence.1.name: lists migration "1.sql" more than once',
      );
    });
  });

  describe('state changes', () => {
    it('follows the state machine and refuses impossible transitions with 409', async () => {
      await record(body({ id: 'sm-1' }));
      const paused = await changeState('sm-1', {
        state: 'paused',
        trafficPercent: 20,
      });
      expect(paused.status).toBe(200);
      expect(paused.body.state).toBe('paused');

      const done = await changeState('sm-1', {
        state: 'succeeded',
        trafficPercent: 100,
        at: '2026-11-20T10:30:00Z',
      });
      expect(done.body).toMatchObject({
        state: 'succeeded',
        trafficPercent: 100,
        finishedAt: '2026-11-20T10:30:00.000Z',
      });

      const replay = await changeState('sm-1', { state: 'succeeded' });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(done.body);

      const back = await changeState('sm-1', { state: 'progressing' });
      expect(back.status).toBe(409);
      expect(back.body.error.message).toBe(
        'Deployment sm-1 is succeeded and cannot become progressing; from succeeded it can become rolled-back',
      );
    });

    it('answers 404 for a deployment the ledger does not have', async () => {
      const response = await changeState('nope', { state: 'failed' });
      expect(response.status).toBe(404);
    });

    it('answers 400 naming the field of a bad state change', async () => {
      const response = await changeState('sm-1', { state: 'finished' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('body.state');
    });
  });

  describe('reading', () => {
    beforeAll(async () => {
      await record(
        body({
          id: 'r-stable',
          entityRef: 'component:default/checkout-web',
          version: '3.1.0',
          state: 'succeeded',
          strategy: 'blue-green',
          startedAt: '2026-11-10T00:00:00Z',
        }),
      );
      await record(
        body({
          id: 'r-canary',
          entityRef: 'component:default/checkout-web',
          version: '3.2.0',
          strategy: 'canary',
          trafficPercent: 20,
          startedAt: '2026-11-11T00:00:00Z',
        }),
      );
    });

    it('answers the current deployment per environment, with the stable version behind a canary', async () => {
      const response = await rollout('component:default/checkout-web');
      expect(response.status).toBe(200);
      expect(response.body.environments).toEqual([
        {
          environment: 'production',
          current: expect.objectContaining({
            id: 'r-canary',
            trafficPercent: 20,
            provider: 'ledger',
          }),
          stable: expect.objectContaining({ id: 'r-stable', version: '3.1.0' }),
        },
        {
          environment: 'eu-west',
          current: expect.objectContaining({
            id: 'flaky-1',
            provider: 'flaky',
          }),
        },
      ]);
      expect(
        response.body.sources.map((s: { status: string }) => s.status),
      ).toEqual(['ok', 'ok']);
    });

    it('shows what runs after a rollback: the earlier version, beside the one that went back', async () => {
      const entityRef = 'component:default/payments-api';
      for (const [id, version, state, day] of [
        ['rb-1', '7.0.0', 'succeeded', 1],
        ['rb-2', '7.1.0', 'progressing', 2],
      ] as const) {
        await record({
          id,
          entityRef,
          environment: 'staging',
          version,
          strategy: 'rolling',
          state,
          startedAt: `2026-11-2${day}T00:00:00Z`,
        }).expect(201);
      }
      await changeState('rb-2', { state: 'rolled-back' }).expect(200);
      const staging = (await rollout(entityRef)).body.environments.find(
        (e: { environment: string }) => e.environment === 'staging',
      );
      expect(staging.current).toMatchObject({
        id: 'rb-2',
        state: 'rolled-back',
      });
      expect(staging.runs).toMatchObject({ id: 'rb-1', version: '7.0.0' });
      expect(staging.stable).toBeUndefined();
    });

    it.each([
      ['throws', 'throw', 'Flaky provider answered 503 Service Unavailable'],
      ['hangs', 'hang', 'Flaky provider did not answer within 300 ms'],
      [
        'answers nonsense',
        'malformed',
        'Flaky provider answered a malformed deployment (item 0, entityRef: Required)',
      ],
    ] as const)(
      'keeps the rest of the answer when a provider %s',
      async (_, behaviour, reason) => {
        flaky = behaviour;
        const response = await rollout('component:default/checkout-web');
        expect(response.status).toBe(200);
        expect(response.body.environments[0].current.id).toBe('r-canary');
        expect(response.body.sources).toEqual([
          expect.objectContaining({ provider: 'ledger', status: 'ok' }),
          expect.objectContaining({
            provider: 'flaky',
            status: 'unknown',
            reason,
          }),
        ]);
        const page = await history({
          entityRef: 'component:default/checkout-web',
        });
        expect(page.status).toBe(200);
        expect(page.body.items.map((d: Deployment) => d.id)).toEqual([
          'r-canary',
          'r-stable',
        ]);
        expect(page.body.sources[1]).toMatchObject({
          status: 'unknown',
          reason,
        });
      },
    );

    it('pages history newest first with a cursor, merging providers', async () => {
      const first = await history({
        entityRef: 'component:default/checkout-web',
        limit: 2,
      });
      expect(first.body.items.map((d: Deployment) => d.id)).toEqual([
        'r-canary',
        'r-stable',
      ]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await history({
        entityRef: 'component:default/checkout-web',
        limit: 2,
        cursor: first.body.nextCursor,
      });
      expect(second.body.items.map((d: Deployment) => d.id)).toEqual([
        'flaky-1',
      ]);
      expect(second.body.nextCursor).toBeUndefined();
    });

    it('answers 400 for a bad cursor or limit', async () => {
      const badCursor = await history({
        entityRef: 'component:default/checkout-web',
        cursor: 'garbage',
      });
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.message).toContain('query.cursor');
      const badLimit = await history({
        entityRef: 'component:default/checkout-web',
        limit: 1000,
      });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain('query.limit');
    });
  });
});
