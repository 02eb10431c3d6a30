import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { RollbackGuardClient } from './RollbackGuardClient';

const BASE_URL = 'http://localhost:7007/api/rollback-guard';
const ENTITY_REF = 'component:default/payments-api';

const summary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  provider: 'ledger',
  valid: true,
  annotations: [
    {
      name: 'rollback-guard/environments',
      value: 'staging, production',
      valid: true,
    },
  ],
};

function backstageErrorBody(name: string, message: string, status: number) {
  return {
    error: { name, message },
    request: { method: 'GET', url: `/api/rollback-guard/summary` },
    response: { statusCode: status },
  };
}

describe('RollbackGuardClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discoveryApi = mockApis.discovery({ baseUrl: 'http://localhost:7007' });
  // MockFetchApi calls global.fetch lazily, so the msw interceptor is used.
  const fetchApi = new MockFetchApi();
  const client = new RollbackGuardClient({ discoveryApi, fetchApi });

  it('asks the backend for the summary of the given entity', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${BASE_URL}/summary`, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(summary);
      }),
    );

    await expect(client.getSummary(ENTITY_REF)).resolves.toEqual(summary);

    expect(requests).toHaveLength(1);
    const [url] = requests;
    expect(url.origin).toBe('http://localhost:7007');
    expect(url.pathname).toBe('/api/rollback-guard/summary');
    expect(url.searchParams.get('entityRef')).toBe(ENTITY_REF);
    expect([...url.searchParams.keys()]).toEqual(['entityRef']);
    // The ref is URL-encoded in the query string
    expect(url.search).toBe(`?entityRef=${encodeURIComponent(ENTITY_REF)}`);
  });

  it('encodes refs that contain reserved characters', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${BASE_URL}/summary`, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(summary);
      }),
    );

    const tricky = 'component:default/a&b=c?d#e f';
    await client.getSummary(tricky);

    expect(requests).toHaveLength(1);
    expect(requests[0].pathname).toBe('/api/rollback-guard/summary');
    expect(requests[0].searchParams.get('entityRef')).toBe(tricky);
  });

  it('uses the base URL from the discovery API for the rollback-guard plugin', async () => {
    const getBaseUrl = jest
      .fn()
      .mockResolvedValue('http://other-host:9999/api/rollback-guard');
    const requests: string[] = [];
    server.use(
      http.get(
        'http://other-host:9999/api/rollback-guard/summary',
        ({ request }) => {
          requests.push(request.url);
          return HttpResponse.json(summary);
        },
      ),
    );

    const otherClient = new RollbackGuardClient({
      discoveryApi: { getBaseUrl },
      fetchApi,
    });
    await expect(otherClient.getSummary(ENTITY_REF)).resolves.toEqual(summary);

    expect(getBaseUrl).toHaveBeenCalledWith('rollback-guard');
    expect(requests).toHaveLength(1);
  });

  it('throws a ResponseError carrying the backend message on 404', async () => {
    server.use(
      http.get(`${BASE_URL}/summary`, () =>
        HttpResponse.json(
          backstageErrorBody(
            'NotFoundError',
            `No entity ${ENTITY_REF} in the catalog`,
            404,
          ),
          { status: 404 },
        ),
      ),
    );

    const error = await client.getSummary(ENTITY_REF).then(
      () => {
        throw new Error('expected getSummary to reject');
      },
      e => e,
    );

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.name).toBe('ResponseError');
    expect((error as ResponseError).statusCode).toBe(404);
    // ResponseError's own message is generic ("Request failed with 404 Not
    // Found"); the backend's message travels as its cause and in its body.
    expect(error.message).toContain('404');
    expect((error as ResponseError).body.error).toEqual({
      name: 'NotFoundError',
      message: `No entity ${ENTITY_REF} in the catalog`,
    });
    expect((error as ResponseError).cause).toMatchObject({
      name: 'NotFoundError',
      message: `No entity ${ENTITY_REF} in the catalog`,
    });
  });

  it('throws a ResponseError carrying the backend message on 400', async () => {
    const message = 'Invalid request: query.entityRef: entityRef is required';
    server.use(
      http.get(`${BASE_URL}/summary`, () =>
        HttpResponse.json(backstageErrorBody('InputError', message, 400), {
          status: 400,
        }),
      ),
    );

    const error = await client.getSummary('').then(
      () => {
        throw new Error('expected getSummary to reject');
      },
      e => e,
    );

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(400);
    expect(error.message).toContain('400');
    expect((error as ResponseError).cause).toMatchObject({
      name: 'InputError',
      message,
    });
  });

  it('throws a ResponseError for a non-JSON error response', async () => {
    server.use(
      http.get(
        `${BASE_URL}/summary`,
        () => new HttpResponse('Bad Gateway', { status: 502 }),
      ),
    );

    const error = await client.getSummary(ENTITY_REF).catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(502);
  });
});
