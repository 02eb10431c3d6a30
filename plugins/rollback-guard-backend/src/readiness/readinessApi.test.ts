import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import request from 'supertest';
import { fakeCatalog, testModule } from '@internal/rollback-guard-test-harness';
import { rollbackGuardPlugin } from '../plugin';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

// What the "artifact" check answers in the current test.
let artifactMode: 'by-version' | 'throw' | 'hang' | 'all-pass' = 'by-version';

const checks: ReadinessCheck[] = [
  {
    id: 'artifact',
    title: 'Artifact',
    weight: 10,
    async run({ candidate, signal }) {
      if (artifactMode === 'throw') throw new Error('registry answered 502');
      if (artifactMode === 'hang') {
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      if (artifactMode === 'by-version' && candidate.version === '1.0.0') {
        return {
          status: 'fail',
          blocking: true,
          summary: 'The image of 1.0.0 is gone',
          // The former name of `facts`, still read from checks.
          evidence: [{ label: 'reference', value: 'registry/app:1.0.0' }],
          remediation: 'Re-push the image',
        };
      }
      return {
        status: 'pass',
        summary: `The image of ${candidate.version} is there`,
      };
    },
  },
  {
    id: 'schema',
    title: 'Schema',
    weight: 5,
    async run() {
      return { status: 'pass', summary: 'No migration since' };
    },
  },
  {
    id: 'not-for-staging',
    title: 'Production only',
    appliesTo: ({ environment }) => environment === 'production',
    async run() {
      return { status: 'pass', summary: 'Fine' };
    },
  },
];

const checksModule = testModule('test-checks', { checks });

const CI = mockCredentials.service.header();
const USER = mockCredentials.user.header();

describe('readiness', () => {
  let server: Server;

  const record = (body: object) =>
    request(server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', CI)
      .send({
        entityRef: 'component:default/payments-api',
        strategy: 'rolling',
        ...body,
      })
      .expect(201);
  const getReadiness = () =>
    request(server)
      .get('/api/rollback-guard/readiness')
      .set('Authorization', USER)
      .query({ entityRef: 'component:default/payments-api' });
  const refresh = () =>
    request(server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', USER)
      .send({ entityRef: 'component:default/payments-api' });
  const production = (snapshot: ReadinessSnapshot): EnvironmentReadiness =>
    snapshot.environments.find(e => e.environment === 'production')!;

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        fakeCatalog(),
        checksModule,
        mockServices.rootConfig.factory({
          data: {
            rollbackGuard: {
              readiness: {
                // Every refresh here runs the checks again.
                refreshMinIntervalSeconds: 0,
                checkTimeoutMs: 200,
              },
            },
          },
        }),
      ],
    }));
    const deployments = [
      ['p1', 'production', '1.0.0', 'succeeded', 1],
      ['p2', 'production', '1.1.0', 'failed', 2],
      ['p3', 'production', '2.0.0', 'succeeded', 3],
      ['p4', 'production', '2.0.0', 'succeeded', 4],
      ['p5', 'production', '3.0.0', 'failed', 5],
      ['s1', 'staging', '3.0.0', 'failed', 6],
    ] as const;
    for (const [id, environment, version, state, day] of deployments) {
      await record({
        id,
        environment,
        version,
        state,
        startedAt: `2026-11-0${day}T00:00:00Z`,
      });
    }
  });

  it('computes candidates, checks, risk and recommendation per environment', async () => {
    const response = await getReadiness();
    expect(response.status).toBe(200);
    const snapshot: ReadinessSnapshot = response.body;
    expect(Date.parse(snapshot.computedAt)).not.toBeNaN();

    const prod = production(snapshot);
    expect(prod.current?.version).toBe('3.0.0');
    // Succeeded ones only, newest first, one per version.
    expect(prod.candidates.map(c => [c.candidate.id, c.risk])).toEqual([
      ['p4', 'low'],
      ['p1', 'blocked'],
    ]);
    expect(prod.candidates[1].reasons).toEqual([
      'Artifact: The image of 1.0.0 is gone',
    ]);
    expect(prod.candidates[1].checks[0]).toMatchObject({
      checkId: 'artifact',
      status: 'fail',
      blocking: true,
      facts: [{ label: 'reference', value: 'registry/app:1.0.0' }],
      remediation: 'Re-push the image',
    });
    expect(prod.candidates[0].checks.map(c => c.checkId)).toEqual([
      'artifact',
      'schema',
      'not-for-staging',
    ]);
    expect(prod.risk).toBe('low');
    expect(prod.recommendation).toEqual({
      action: 'roll-back',
      reason:
        'The rollout of 3.0.0 failed and going back to 2.0.0 is low risk (all 3 checks passed).',
    });

    const staging = snapshot.environments.find(
      e => e.environment === 'staging',
    )!;
    expect(staging).toMatchObject({
      candidates: [],
      risk: 'blocked',
      reasons: [
        'No earlier successful deployment in staging: nothing to go back to',
      ],
      recommendation: { action: 'roll-forward' },
    });
  });

  it('serves the stored snapshot until it is refreshed', async () => {
    const first: ReadinessSnapshot = (await getReadiness()).body;
    artifactMode = 'all-pass';
    const again: ReadinessSnapshot = (await getReadiness()).body;
    expect(again).toEqual(first);

    const refreshed = await refresh();
    expect(refreshed.status).toBe(200);
    expect(Date.parse(refreshed.body.computedAt)).toBeGreaterThanOrEqual(
      Date.parse(first.computedAt),
    );
    expect(
      production(refreshed.body).candidates.map(
        (c: { risk: string }) => c.risk,
      ),
    ).toEqual(['low', 'low']);
    expect((await getReadiness()).body).toEqual(refreshed.body);
  });

  it.each([
    ['throws', 'throw', 'The check registry answered 502'],
    [
      'does not answer in time',
      'hang',
      'The check did not answer within 200 ms',
    ],
  ] as const)(
    'makes a check that %s unknown, never a pass',
    async (_, mode, summary) => {
      artifactMode = mode;
      const snapshot: ReadinessSnapshot = (await refresh()).body;
      const candidate = production(snapshot).candidates[0];
      expect(candidate.checks[0]).toMatchObject({ status: 'unknown', summary });
      expect(candidate.checks[0].durationMs).toBeLessThan(2000);
      expect(candidate.checks[1]).toMatchObject({
        checkId: 'schema',
        status: 'pass',
      });
      expect(candidate.risk).toBe('medium');
      expect(candidate.reasons).toEqual([`Artifact unknown: ${summary}`]);
    },
  );

  it('computes anew once the ledger records a change, instead of serving what no longer holds', async () => {
    artifactMode = 'all-pass';
    const before: ReadinessSnapshot = (await getReadiness()).body;
    expect(production(before).current?.version).toBe('3.0.0');

    await record({
      id: 'p6',
      environment: 'production',
      version: '3.0.1',
      state: 'progressing',
      startedAt: '2026-11-07T00:00:00Z',
    });
    const recorded: ReadinessSnapshot = (await getReadiness()).body;
    expect(production(recorded).current).toMatchObject({
      id: 'p6',
      state: 'progressing',
    });
    expect(Date.parse(recorded.computedAt)).toBeGreaterThanOrEqual(
      Date.parse(before.computedAt),
    );

    await request(server)
      .post('/api/rollback-guard/ledger/deployments/p6/state')
      .set('Authorization', CI)
      .send({ state: 'succeeded' })
      .expect(200);
    const [a, b] = await Promise.all([getReadiness(), getReadiness()]);
    expect(production(a.body).current).toMatchObject({
      id: 'p6',
      state: 'succeeded',
    });
    // Two readers at once share one computation.
    expect(b.body).toEqual(a.body);
    expect(production(a.body).candidates[0].candidate.version).toBe('2.0.0');
  });

  it('answers 401, 404 and 400 like the other routes', async () => {
    const none = await request(server)
      .get('/api/rollback-guard/readiness')
      .set('Authorization', mockCredentials.none.header())
      .query({ entityRef: 'component:default/payments-api' });
    expect(none.status).toBe(401);
    const unknown = await request(server)
      .get('/api/rollback-guard/readiness')
      .set('Authorization', USER)
      .query({ entityRef: 'component:default/ghost' });
    expect(unknown.status).toBe(404);
    const bad = await request(server)
      .post('/api/rollback-guard/readiness/refresh')
      .set('Authorization', USER)
      .send({});
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.entityRef');
  });
});
