import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogBackend from '@backstage/plugin-catalog-backend';
import rollbackGuardBackend from '@rollback-guard/plugin-rollback-guard-backend';
import prometheusModule from '@rollback-guard/plugin-rollback-guard-backend-module-prometheus';
import { EnvironmentReadiness } from '@rollback-guard/plugin-rollback-guard-common';
import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
} from '@internal/rollback-guard-test-harness';
import { createExampleMetricsRouter, EXAMPLE_QUERIES } from './exampleMetrics';

const API = '/api/rollback-guard';

describe('the example metrics source', () => {
  let metrics: Server;
  let metricsUrl: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const app = express();
    app.use(createExampleMetricsRouter());
    metrics = app.listen(0, '127.0.0.1');
    await new Promise(resolve => metrics.once('listening', resolve));
    metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}`;
    const annotations = {
      'rollback-guard/environments': 'production',
      'rollback-guard/health-query-set': 'example',
    };
    backend = await startTestBackend({
      features: [
        rollbackGuardBackend,
        prometheusModule,
        catalogBackend,
        catalogEntitiesModule([
          catalogComponent(
            'payments-api',
            'group:default/payments-team',
            annotations,
          ),
          catalogComponent(
            'recommendations-api',
            'group:default/storefront-team',
            annotations,
          ),
        ]),
        mockServices.rootConfig.factory({
          data: {
            rollbackGuard: {
              prometheus: {
                servers: [
                  {
                    name: 'example',
                    baseUrl: metricsUrl,
                    allowPrivateAddresses: true,
                  },
                ],
                querySets: {
                  example: { server: 'example', queries: EXAMPLE_QUERIES },
                },
              },
            },
          },
        }),
      ],
    });
    for (const name of ['payments-api', 'recommendations-api']) {
      await untilProcessed(backend.server, name, mockCredentials.user.header());
    }
    const record = (name: string, version: string, state: string) =>
      request(backend.server)
        .post(`${API}/ledger/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          id: `${name}-${version}`,
          entityRef: `component:default/${name}`,
          environment: 'production',
          version,
          strategy: 'canary',
          state,
          startedAt: new Date(
            Date.now() - (state === 'succeeded' ? 86400_000 : 3600_000),
          ).toISOString(),
        })
        .expect(201);
    await record('payments-api', '1.4.2', 'succeeded');
    await record('payments-api', '1.5.0', 'progressing');
    await record('recommendations-api', '3.1.0', 'succeeded');
    await record('recommendations-api', '3.2.0', 'progressing');
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await new Promise(resolve => metrics?.close(resolve));
  });

  const production = async (name: string): Promise<EnvironmentReadiness> => {
    const res = await request(backend.server)
      .post(`${API}/readiness/refresh`)
      .set('Authorization', mockCredentials.user.header())
      .send({ entityRef: `component:default/${name}` })
      .expect(200);
    return res.body.environments[0];
  };

  it("is read unchanged by the Prometheus module: payments-api's canary fails", async () => {
    const env = await production('payments-api');
    expect(env.health?.verdict).toBe('failing');
    expect(env.health?.reason).toMatch(
      /^error rate (7\.\d|8(\.\d)?)% on 1\.5\.0 vs 0\.2% on 1\.4\.2 over 10 min, above the 5% failing threshold/,
    );
    expect(env.recommendation.action).toBe('abort');
  });

  it("and recommendations-api's canary is healthy", async () => {
    const env = await production('recommendations-api');
    expect(env.health?.verdict).toBe('healthy');
    expect(env.recommendation.action).toBe('do-nothing');
  });

  it("answers in Prometheus's documented shapes", async () => {
    const range = await request(metricsUrl)
      .post('/api/v1/query_range')
      .type('form')
      .send({
        query:
          'example_error_ratio{service="payments-api",version="1.5.0",environment="production"}',
        start: '1764000000',
        end: '1764000060',
        step: '30',
      })
      .expect(200);
    expect(range.body).toMatchObject({
      status: 'success',
      data: { resultType: 'matrix' },
    });
    expect(range.body.data.result).toHaveLength(1);
    expect(range.body.data.result[0].metric).toMatchObject({
      __name__: 'example_error_ratio',
      version: '1.5.0',
    });
    expect(range.body.data.result[0].values.map(([t]: [number]) => t)).toEqual([
      1764000000, 1764000030, 1764000060,
    ]);
    expect(typeof range.body.data.result[0].values[0][1]).toBe('string');

    const instant = await request(metricsUrl)
      .get('/api/v1/query')
      .query({
        query: 'example_error_ratio{service="nobody"}',
        time: '1764000000',
      })
      .expect(200);
    expect(instant.body).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [] },
    });

    const bad = await request(metricsUrl)
      .get('/api/v1/query_range')
      .query({ query: 'sum(rate(x[1m]))', start: '1', end: '2', step: '0' })
      .expect(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });
});
