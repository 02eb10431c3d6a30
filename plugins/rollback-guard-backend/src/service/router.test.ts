import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import express from 'express';
import request from 'supertest';
import {
  ledgerProvider,
  ProviderRegistry,
} from '../providers/ProviderRegistry';
import { createRouter } from './router';
import { SummaryService } from './SummaryService';

describe('createRouter', () => {
  let app: express.Express;

  beforeEach(async () => {
    const providers = new ProviderRegistry();
    providers.add(ledgerProvider);
    const summaryService = new SummaryService({
      catalog: new InMemoryCatalogClient({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments-api',
              namespace: 'default',
              annotations: { 'rollback-guard/environments': 'production' },
            },
          },
        ],
      }),
      auth: mockServices.auth(),
      providers,
      defaultProvider: 'ledger',
    });
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      summaryService,
    });
    app = express().use(router).use(mockErrorHandler());
  });

  it('answers /health', async () => {
    const response = await request(app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('returns the summary of an entity', async () => {
    const response = await request(app)
      .get('/summary')
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      entityRef: 'component:default/payments-api',
      provider: 'ledger',
      annotations: [
        {
          name: 'rollback-guard/environments',
          value: 'production',
          valid: true,
        },
      ],
      valid: true,
    });
  });

  it('answers 400 naming the missing parameter', async () => {
    const response = await request(app).get('/summary');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('query.entityRef');
  });

  it('answers 400 for a malformed entity ref', async () => {
    const response = await request(app)
      .get('/summary')
      .query({ entityRef: 'not a ref' });
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
  });

  it('answers 404 for an unknown entity', async () => {
    const response = await request(app)
      .get('/summary')
      .query({ entityRef: 'component:default/unknown' });
    expect(response.status).toBe(404);
  });

  it('answers 401 without credentials', async () => {
    const response = await request(app)
      .get('/summary')
      .set('Authorization', mockCredentials.none.header())
      .query({ entityRef: 'component:default/payments-api' });
    expect(response.status).toBe(401);
  });
});
