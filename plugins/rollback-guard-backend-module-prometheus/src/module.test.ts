import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionRequest,
  AuditEntry,
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
// The backend's own test catalog, until a shared test-utils package exists.
import { fakeCatalog } from '@internal/rollback-guard-test-harness';
// The module is tested in the backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import prometheusModule from './index';
import {
  Behaviour,
  behaviourOpenMetrics,
  TEST_QUERIES,
} from './__testUtils__/series';
import {
  freePort,
  prometheusDescribe,
  startTestPrometheus,
  TestPrometheus,
} from './__testUtils__/testPrometheus';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'production',
        'rollback-guard/health-query-set': 'web',
        'rollback-guard/action-webhook': 'ci',
        ...annotations,
      },
    },
  };
}

const behaviour = (
  service: string,
  version: string,
  errorRate: number,
  latency: Behaviour['latency'] = 'fast',
): Behaviour => ({
  service,
  environment: 'production',
  version,
  errorRate,
  latency,
  availability: 0.9995,
});

const describePrometheus = prometheusDescribe();

describePrometheus(
  'the Prometheus health source against a real Prometheus',
  () => {
    let prometheus: TestPrometheus;
    let server: Server;
    let stopBackend: () => Promise<void>;
    let pipeline: http.Server;
    const dispatched: Array<{ kind: string; environment: string }> = [];
    const notifications: Array<{
      recipients: { entityRef: string[] };
      payload: { title: string; description: string };
    }> = [];

    beforeAll(async () => {
      const now = Math.floor(Date.now() / 1000);
      prometheus = await startTestPrometheus(
        behaviourOpenMetrics(
          [
            behaviour('failing-api', '1.5.0', 0.079),
            behaviour('failing-api', '1.4.2', 0.002),
            behaviour('healthy-api', '2.1.0', 0.002),
            behaviour('healthy-api', '2.0.0', 0.002),
            behaviour('slow-api', '3.1.0', 0.002, 'slow'),
            behaviour('slow-api', '3.0.0', 0.002),
            behaviour('finished-api', '4.0.0', 0.002),
          ],
          { from: now - 40 * 60, to: now + 60 },
        ),
        {
          basicAuth: {
            username: 'rollback-guard',
            password: 'prom-test-password',
            // htpasswd -nbB -C 10 rollback-guard prom-test-password
            bcryptHash:
              '$2y$10$l1kg.h28VlMv02hEKgXIGeNmJJAkl40YI61iw2UZ2zS.D9Bgm9EDK',
          },
        },
      );
      const nobody = await freePort();
      // The CI pipeline that receives approved actions.
      pipeline = http.createServer((req, res) => {
        let body = '';
        req.on('data', chunk => (body += chunk));
        req.on('end', () => {
          dispatched.push(JSON.parse(body));
          res.statusCode = 202;
          res.end();
        });
      });
      await new Promise<void>(resolve =>
        pipeline.listen(0, '127.0.0.1', resolve),
      );
      const pipelinePort = (pipeline.address() as AddressInfo).port;
      const backend = await startTestBackend({
        features: [
          rollbackGuardPlugin,
          prometheusModule,
          fakeCatalog({
            entities: [
              component('failing-api'),
              component('healthy-api'),
              component('slow-api'),
              component('finished-api'),
              component('quiet-api'),
              component('down-api', {
                'rollback-guard/health-query-set': 'down',
              }),
              component('injected-api', {
                'rollback-guard/health-label': 'failing-api"} or vector(1) #',
              }),
              component('guarded-api', {
                'rollback-guard/health-query-set': 'guarded',
              }),
              component('refused-api', {
                'rollback-guard/health-query-set': 'refused',
              }),
            ],
          }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              send: async (notification: any) => {
                notifications.push(notification);
              },
            }),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              rollbackGuard: {
                health: { haltOnFailure: true },
                actions: {
                  notifyApprovers: ['group:default/sre'],
                  webhooks: [
                    {
                      name: 'ci',
                      url: `http://127.0.0.1:${pipelinePort}/hook`,
                      secret: 'test-webhook-secret',
                      insecure: true,
                      allowPrivateAddresses: true,
                    },
                  ],
                },
                prometheus: {
                  servers: [
                    {
                      name: 'main',
                      baseUrl: prometheus.url,
                      allowPrivateAddresses: true,
                      username: 'rollback-guard',
                      password: 'prom-test-password',
                    },
                    {
                      name: 'wrong-password',
                      baseUrl: prometheus.url,
                      allowPrivateAddresses: true,
                      username: 'rollback-guard',
                      password: 'not-the-password',
                    },
                    {
                      name: 'gone',
                      baseUrl: `http://127.0.0.1:${nobody}`,
                      allowPrivateAddresses: true,
                    },
                    // Configured without allowPrivateAddresses: refused.
                    { name: 'private', baseUrl: prometheus.url },
                  ],
                  querySets: {
                    web: { server: 'main', queries: TEST_QUERIES },
                    down: { server: 'gone', queries: TEST_QUERIES },
                    guarded: { server: 'private', queries: TEST_QUERIES },
                    refused: {
                      server: 'wrong-password',
                      queries: TEST_QUERIES,
                    },
                  },
                },
              },
            },
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
      const record = async (
        entity: string,
        version: string,
        state: string,
        strategy: string,
        startedAt: string,
      ) => {
        const response = await request(server)
          .post('/api/rollback-guard/ledger/deployments')
          .set('Authorization', mockCredentials.service.header())
          .send({
            id: `${entity}-${version}`,
            entityRef: `component:default/${entity}`,
            environment: 'production',
            version,
            strategy,
            state,
            startedAt,
            ...(strategy === 'canary' && state === 'progressing'
              ? { trafficPercent: 20 }
              : {}),
          });
        expect(response.status).toBe(201);
      };
      const canary = async (
        entity: string,
        stable: string,
        current: string,
      ) => {
        await record(
          entity,
          stable,
          'succeeded',
          'rolling',
          '2026-11-01T10:00:00Z',
        );
        await record(
          entity,
          current,
          'progressing',
          'canary',
          new Date(Date.now() - 3600_000).toISOString(),
        );
      };
      await canary('failing-api', '1.4.2', '1.5.0');
      await canary('healthy-api', '2.0.0', '2.1.0');
      await canary('slow-api', '3.0.0', '3.1.0');
      await canary('quiet-api', '0.9.0', '1.0.0');
      await canary('down-api', '1.4.2', '1.5.0');
      await canary('injected-api', '1.4.2', '1.5.0');
      await canary('guarded-api', '1.4.2', '1.5.0');
      await canary('refused-api', '1.4.2', '1.5.0');
      await record(
        'finished-api',
        '4.0.0',
        'succeeded',
        'rolling',
        '2026-11-02T10:00:00Z',
      );
    }, 120_000);

    afterAll(async () => {
      await stopBackend?.();
      await prometheus?.stop();
      await new Promise(resolve => pipeline?.close(resolve));
    });

    const production = async (
      entity: string,
    ): Promise<EnvironmentReadiness> => {
      const response = await request(server)
        .post('/api/rollback-guard/readiness/refresh')
        .set('Authorization', mockCredentials.user.header())
        .send({ entityRef: `component:default/${entity}` });
      expect(response.status).toBe(200);
      return (response.body as ReadinessSnapshot).environments[0];
    };

    it('fails the canary whose error rate is far above stable, and recommends aborting it', async () => {
      const env = await production('failing-api');
      expect(env.health).toMatchObject({
        source: 'prometheus',
        version: '1.5.0',
        stableVersion: '1.4.2',
        verdict: 'failing',
      });
      expect(env.health!.reason).toMatch(
        /^error rate (7\.\d|8(\.\d)?)% on 1\.5\.0 vs 0\.2% on 1\.4\.2 over 10 min, above the 5% failing threshold and significantly worse than 1\.4\.2/,
      );
      const errorRate = env.health!.signals.find(
        s => s.signal === 'errorRate',
      )!;
      expect(errorRate.series.current.length).toBeGreaterThanOrEqual(20);
      expect(errorRate.series.stable!.length).toBe(
        errorRate.series.current.length,
      );
      expect(errorRate.comparison!.worse).toBe(true);
      expect(
        env.health!.signals.find(s => s.signal === 'latencyP95')!.verdict,
      ).toBe('healthy');
      expect(env.recommendation.action).toBe('abort');
      expect(env.recommendation.reason).toContain(
        'abort it so that all traffic goes back to 1.4.2',
      );
    });

    it('finds the healthy canary healthy: let it proceed', async () => {
      const env = await production('healthy-api');
      expect(env.health!.verdict).toBe('healthy');
      expect(env.health!.signals.map(s => [s.signal, s.verdict])).toEqual([
        ['errorRate', 'healthy'],
        ['latencyP95', 'healthy'],
        ['availability', 'healthy'],
      ]);
      expect(env.recommendation.action).toBe('do-nothing');
      expect(env.recommendation.reason).toMatch(
        /^The canary of 2\.1\.0 is healthy \(.*\): let it proceed, or promote it\.$/,
      );
    });

    it('calls the canary with slow p95 latency degraded: pause and look', async () => {
      const env = await production('slow-api');
      expect(env.health!.verdict).toBe('degraded');
      expect(env.health!.reason).toMatch(
        /^p95 latency \d+ ms on 3\.1\.0 vs \d+ ms on 3\.0\.0 over 10 min, above the 500 ms degraded threshold/,
      );
      expect(env.recommendation.action).toBe('pause');
    });

    it('judges a finished deployment by thresholds, without a stable side', async () => {
      const env = await production('finished-api');
      expect(env.health!.verdict).toBe('healthy');
      expect(env.health!.stableVersion).toBeUndefined();
      expect(env.recommendation.action).toBe('do-nothing');
    });

    it('says unknown when Prometheus has no data, never healthy', async () => {
      const env = await production('quiet-api');
      expect(env.health!.verdict).toBe('unknown');
      expect(env.health!.reason).toBe(
        'error rate unknown: no data for 1.0.0 over the last 10 min',
      );
      // Health unknown: judged by the rollout state, and saying so.
      expect(env.recommendation.action).toBe('pause');
      expect(env.recommendation.reason).toMatch(/^Health is unknown/);
    });

    it('says unknown when Prometheus is down, and the page still answers', async () => {
      const env = await production('down-api');
      expect(env.health!.verdict).toBe('unknown');
      expect(env.health!.reason).toMatch(
        /refused the connection: nothing listens there/,
      );
      expect(env.current!.version).toBe('1.5.0');
      const card = await request(server)
        .get('/api/rollback-guard/readiness')
        .query({ entityRef: 'component:default/down-api' })
        .set('Authorization', mockCredentials.user.header());
      expect(card.status).toBe(200);
    });

    it('refuses a PromQL injection attempt in an annotation', async () => {
      const env = await production('injected-api');
      expect(env.health!.verdict).toBe('unknown');
      expect(env.health!.reason).toContain(
        'rollback-guard/health-label "failing-api"} or vector(1) #" was refused',
      );
    });

    it('refuses a Prometheus on a private address that configuration did not allow', async () => {
      const env = await production('guarded-api');
      expect(env.health!.verdict).toBe('unknown');
      expect(env.health!.reason).toContain(
        'is a loopback address; set allowPrivateAddresses: true on its rollbackGuard.prometheus.servers entry',
      );
    });

    it('says unknown when Prometheus refuses the configured credentials, and never shows them', async () => {
      const env = await production('refused-api');
      expect(env.health!.verdict).toBe('unknown');
      expect(env.health!.reason).toContain(
        'Prometheus wrong-password refused the credentials configured for it (HTTP 401)',
      );
      expect(JSON.stringify(env)).not.toContain('not-the-password');
    });

    it('halts and asks: a failing canary gets a pause requested by the plugin itself, once, through the action workflow', async () => {
      const entityRef = 'component:default/failing-api';
      await production('failing-api');
      await production('failing-api');
      const actions = await request(server)
        .get('/api/rollback-guard/actions')
        .query({ entityRef })
        .set('Authorization', mockCredentials.user.header());
      const items: ActionRequest[] = actions.body.items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        kind: 'pause',
        environment: 'production',
        requestedBy: 'rollback-guard',
      });
      expect(items[0].reason).toMatch(
        /^Health of the canary 1\.5\.0 turned failing in production: error rate (7\.\d|8(\.\d)?)% on 1\.5\.0 vs 0\.2% on 1\.4\.2 over 10 min/,
      );
      // Pause needs no approval by default: the pipeline received it.
      expect(dispatched.filter(d => d.kind === 'pause')).toHaveLength(1);
      expect(dispatched.every(d => d.kind === 'pause')).toBe(true);

      const audit = await request(server)
        .get('/api/rollback-guard/audit')
        .query({ entityRef })
        .set('Authorization', mockCredentials.user.header());
      const requested = (audit.body.items as AuditEntry[]).find(
        e => e.step === 'requested',
      );
      expect(requested).toMatchObject({ actor: 'rollback-guard' });

      const halted = notifications.find(n =>
        n.payload.title.startsWith('Halted by Rollback Guard'),
      );
      expect(halted?.recipients.entityRef).toEqual([
        entityRef,
        'group:default/sre',
      ]);
      expect(halted?.payload.description).toMatch(/error rate (7|8)/);

      // A healthy canary is left alone.
      await production('healthy-api');
      const healthy = await request(server)
        .get('/api/rollback-guard/actions')
        .query({ entityRef: 'component:default/healthy-api' })
        .set('Authorization', mockCredentials.user.header());
      expect(healthy.body.items).toEqual([]);
    });
  },
);
