import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import {
  ActionRequest,
  AuditEntry,
  DeploymentHistoryPage,
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { RollbackGuardClient } from './RollbackGuardClient';

const BASE_URL = 'http://localhost:7007/api/rollback-guard';
const ENTITY_REF = 'component:default/payments-api';

const summary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  providers: ['ledger'],
  valid: true,
  annotations: [
    {
      name: 'rollback-guard/environments',
      value: 'staging, production',
      valid: true,
    },
  ],
};

const canary = {
  id: 'd-2',
  entityRef: ENTITY_REF,
  environment: 'production',
  version: '1.5.0',
  strategy: 'canary' as const,
  state: 'progressing' as const,
  trafficPercent: 20,
  startedAt: '2026-11-23T10:00:00.000Z',
  provider: 'ledger',
};

const rollout: RolloutStatus = {
  entityRef: ENTITY_REF,
  environments: [
    { environment: 'staging' },
    { environment: 'production', current: canary },
  ],
  sources: [
    { provider: 'ledger', title: 'Ledger', status: 'ok', durationMs: 4 },
  ],
};

const historyPage: DeploymentHistoryPage = {
  entityRef: ENTITY_REF,
  items: [canary],
  nextCursor: 'eyJpZCI6ImQtMiJ9',
  sources: [
    {
      provider: 'argo-rollouts',
      title: 'Argo Rollouts',
      status: 'unknown',
      reason: 'Argo Rollouts did not answer within 3000 ms',
      durationMs: 3000,
    },
  ],
};

const readiness: ReadinessSnapshot = {
  entityRef: ENTITY_REF,
  computedAt: '2026-11-23T10:05:00.000Z',
  environments: [
    {
      environment: 'production',
      current: canary,
      candidates: [
        {
          candidate: {
            ...canary,
            id: 'd-1',
            version: '1.4.2',
            state: 'succeeded',
            trafficPercent: 100,
          },
          risk: 'high',
          reasons: ['Schema compatibility: column orders.total was dropped'],
          checks: [
            {
              checkId: 'schema',
              title: 'Schema compatibility',
              status: 'fail',
              summary: 'column orders.total was dropped',
              facts: [{ label: 'Migration', value: '20261101_drop.sql' }],
              remediation: 'Restore the column before going back',
              durationMs: 12,
            },
          ],
        },
      ],
      risk: 'high',
      reasons: ['Schema compatibility: column orders.total was dropped'],
      recommendation: {
        action: 'pause',
        reason: 'The canary of 1.5.0 carries only 20% of traffic.',
      },
    },
  ],
};

const action: ActionRequest = {
  id: 'a-1',
  entityRef: ENTITY_REF,
  environment: 'production',
  kind: 'roll-back',
  targetVersion: '1.4.2',
  reason: 'Checkout errors since 1.5.0',
  requestedBy: 'user:default/alice',
  requestedAt: '2026-11-23T10:06:00.000Z',
  risk: 'high',
  readinessComputedAt: '2026-11-23T10:05:00.000Z',
  requiredApprovals: 2,
  approvals: [],
  status: 'requested',
  expiresAt: '2026-11-23T11:06:00.000Z',
  attempts: 0,
};

const auditEntry: AuditEntry = {
  id: 7,
  actionId: 'a-1',
  entityRef: ENTITY_REF,
  step: 'requested',
  actor: 'user:default/alice',
  at: '2026-11-23T10:06:00.000Z',
  details: { reason: 'Checkout errors since 1.5.0' },
};

const TARGET = {
  id: 'a-1',
  entityRef: ENTITY_REF,
  environment: 'production',
  kind: 'roll-back' as const,
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

  describe('getRolloutStatus', () => {
    it('asks the backend for the rollout status of the given entity', async () => {
      const requests: URL[] = [];
      server.use(
        http.get(`${BASE_URL}/rollout`, ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(rollout);
        }),
      );

      await expect(client.getRolloutStatus(ENTITY_REF)).resolves.toEqual(
        rollout,
      );

      expect(requests).toHaveLength(1);
      expect(requests[0].pathname).toBe('/api/rollback-guard/rollout');
      expect(requests[0].search).toBe(
        `?entityRef=${encodeURIComponent(ENTITY_REF)}`,
      );
    });
  });

  describe('getDeploymentHistory', () => {
    function recordRequests() {
      const requests: URL[] = [];
      server.use(
        http.get(`${BASE_URL}/deployments`, ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(historyPage);
        }),
      );
      return requests;
    }

    it('asks for the newest page with only the entity ref by default', async () => {
      const requests = recordRequests();

      await expect(
        client.getDeploymentHistory({ entityRef: ENTITY_REF }),
      ).resolves.toEqual(historyPage);

      expect(requests).toHaveLength(1);
      expect(requests[0].pathname).toBe('/api/rollback-guard/deployments');
      expect([...requests[0].searchParams.entries()]).toEqual([
        ['entityRef', ENTITY_REF],
      ]);
    });

    it('passes the environment, the limit and the cursor', async () => {
      const requests = recordRequests();
      const cursor = 'eyJzdGFydGVkQXQiOiIyMDI2In0=&x=y';

      await client.getDeploymentHistory({
        entityRef: ENTITY_REF,
        environment: 'production',
        limit: 5,
        cursor,
      });

      expect(requests).toHaveLength(1);
      const params = requests[0].searchParams;
      expect(params.get('entityRef')).toBe(ENTITY_REF);
      expect(params.get('environment')).toBe('production');
      expect(params.get('limit')).toBe('5');
      // The cursor travels unchanged, even with reserved characters in it
      expect(params.get('cursor')).toBe(cursor);
      expect([...params.keys()].sort()).toEqual([
        'cursor',
        'entityRef',
        'environment',
        'limit',
      ]);
    });
  });

  describe('getReadiness', () => {
    it('asks the backend for the readiness snapshot of the given entity', async () => {
      const requests: Request[] = [];
      server.use(
        http.get(`${BASE_URL}/readiness`, ({ request }) => {
          requests.push(request);
          return HttpResponse.json(readiness);
        }),
      );

      await expect(client.getReadiness(ENTITY_REF)).resolves.toEqual(readiness);

      expect(requests).toHaveLength(1);
      const url = new URL(requests[0].url);
      expect(requests[0].method).toBe('GET');
      expect(url.pathname).toBe('/api/rollback-guard/readiness');
      expect(url.search).toBe(`?entityRef=${encodeURIComponent(ENTITY_REF)}`);
    });
  });

  describe('refreshReadiness', () => {
    it('posts the entity ref as JSON and returns the new snapshot', async () => {
      const requests: Array<{
        method: string;
        url: URL;
        contentType: string | null;
        body: unknown;
      }> = [];
      server.use(
        http.post(`${BASE_URL}/readiness/refresh`, async ({ request }) => {
          requests.push({
            method: request.method,
            url: new URL(request.url),
            contentType: request.headers.get('content-type'),
            body: await request.json(),
          });
          return HttpResponse.json(readiness);
        }),
      );

      await expect(client.refreshReadiness(ENTITY_REF)).resolves.toEqual(
        readiness,
      );

      expect(requests).toHaveLength(1);
      const [request] = requests;
      expect(request.method).toBe('POST');
      expect(request.url.pathname).toBe(
        '/api/rollback-guard/readiness/refresh',
      );
      // The ref travels in the body, not in the query string
      expect(request.url.search).toBe('');
      expect(request.contentType).toBe('application/json');
      expect(request.body).toEqual({ entityRef: ENTITY_REF });
    });
  });

  /** Records each POST to `path` (method, url, content type, JSON body). */
  function recordPosts(path: string, answer: object, status = 200) {
    const posts: Array<{
      method: string;
      url: URL;
      contentType: string | null;
      body: unknown;
    }> = [];
    server.use(
      http.post(`${BASE_URL}${path}`, async ({ request }) => {
        posts.push({
          method: request.method,
          url: new URL(request.url),
          contentType: request.headers.get('content-type'),
          body: await request.json(),
        });
        return HttpResponse.json(answer, { status });
      }),
    );
    return posts;
  }

  describe('requestAction', () => {
    it('posts the request as JSON to /actions and returns the created request', async () => {
      const posts = recordPosts('/actions', action, 201);
      const input = {
        entityRef: ENTITY_REF,
        environment: 'production',
        kind: 'roll-back' as const,
        targetVersion: '1.4.0',
        reason: 'Checkout errors since 1.5.0',
        idempotencyKey: 'key-1',
        override: { justification: 'The artifact was restored by hand' },
      };

      await expect(client.requestAction(input)).resolves.toEqual(action);

      expect(posts).toHaveLength(1);
      expect(posts[0].method).toBe('POST');
      expect(posts[0].url.pathname).toBe('/api/rollback-guard/actions');
      expect(posts[0].url.search).toBe('');
      expect(posts[0].contentType).toBe('application/json');
      expect(posts[0].body).toEqual(input);
    });
  });

  describe('listActions', () => {
    it('gets the requests of the entity', async () => {
      const requests: Request[] = [];
      server.use(
        http.get(`${BASE_URL}/actions`, ({ request }) => {
          requests.push(request);
          return HttpResponse.json({ items: [action] });
        }),
      );

      await expect(client.listActions(ENTITY_REF)).resolves.toEqual({
        items: [action],
      });

      expect(requests).toHaveLength(1);
      expect(requests[0].method).toBe('GET');
      const url = new URL(requests[0].url);
      expect(url.pathname).toBe('/api/rollback-guard/actions');
      expect(url.search).toBe(`?entityRef=${encodeURIComponent(ENTITY_REF)}`);
    });
  });

  describe('getActionPolicy', () => {
    it('gets the approval policy of the entity', async () => {
      const policy = {
        entityRef: ENTITY_REF,
        enabled: true,
        approvals: { resume: 2 },
        requestTtlMinutes: 60,
        entityRefinement: 'stricter',
        notes: [],
      };
      const requests: URL[] = [];
      server.use(
        http.get(`${BASE_URL}/actions/policy`, ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(policy);
        }),
      );

      await expect(client.getActionPolicy(ENTITY_REF)).resolves.toEqual(policy);
      expect(requests).toHaveLength(1);
      expect(requests[0].searchParams.get('entityRef')).toBe(ENTITY_REF);
    });
  });

  describe('getAction', () => {
    it('gets one request by its encoded id', async () => {
      const paths: string[] = [];
      server.use(
        http.get(`${BASE_URL}/actions/:id`, ({ request }) => {
          paths.push(new URL(request.url).pathname);
          return HttpResponse.json(action);
        }),
      );
      await expect(client.getAction('a/1')).resolves.toEqual(action);
      expect(paths).toEqual(['/api/rollback-guard/actions/a%2F1']);
    });
  });

  describe('listPendingApprovals', () => {
    it('gets the requests waiting for a decision', async () => {
      const items = [{ action, mayApprove: true }];
      const requests: URL[] = [];
      server.use(
        http.get(`${BASE_URL}/approvals`, ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json({ items });
        }),
      );
      await expect(client.listPendingApprovals()).resolves.toEqual({ items });
      expect(requests.map(url => url.pathname)).toEqual([
        '/api/rollback-guard/approvals',
      ]);
    });
  });

  describe('getAuditTrail', () => {
    it('gets the audit trail of the entity', async () => {
      const requests: URL[] = [];
      server.use(
        http.get(`${BASE_URL}/audit`, ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json({ items: [auditEntry] });
        }),
      );

      await expect(client.getAuditTrail(ENTITY_REF)).resolves.toEqual({
        items: [auditEntry],
      });

      expect(requests).toHaveLength(1);
      expect(requests[0].pathname).toBe('/api/rollback-guard/audit');
      expect(requests[0].searchParams.get('entityRef')).toBe(ENTITY_REF);
    });
  });

  describe.each([
    {
      decision: 'approve',
      call: (input: typeof TARGET & { comment?: string }) =>
        client.approveAction(input),
    },
    {
      decision: 'reject',
      call: (input: typeof TARGET & { comment?: string }) =>
        client.rejectAction(input),
    },
  ])('$decision', ({ decision, call }) => {
    it(`posts to /actions/{id}/${decision} without the id in the body`, async () => {
      const posts = recordPosts(`/actions/a-1/${decision}`, action);

      await expect(
        call({ ...TARGET, comment: 'Seen the checks' }),
      ).resolves.toEqual(action);

      expect(posts).toHaveLength(1);
      expect(posts[0].url.pathname).toBe(
        `/api/rollback-guard/actions/a-1/${decision}`,
      );
      expect(posts[0].contentType).toBe('application/json');
      expect(posts[0].body).toEqual({
        entityRef: ENTITY_REF,
        environment: 'production',
        kind: 'roll-back',
        comment: 'Seen the checks',
      });
    });

    it('encodes the id in the path', async () => {
      const posts = recordPosts(`/actions/a%2Fb/${decision}`, action);

      await call({ ...TARGET, id: 'a/b' });

      expect(posts).toHaveLength(1);
      expect(posts[0].body).toEqual({
        entityRef: ENTITY_REF,
        environment: 'production',
        kind: 'roll-back',
      });
    });
  });

  describe('retryAction', () => {
    it('posts to /actions/{id}/retry', async () => {
      const posts = recordPosts('/actions/a-1/retry', {
        ...action,
        status: 'executing',
        attempts: 2,
      });

      await expect(client.retryAction(TARGET)).resolves.toMatchObject({
        status: 'executing',
        attempts: 2,
      });

      expect(posts).toHaveLength(1);
      expect(posts[0].url.pathname).toBe(
        '/api/rollback-guard/actions/a-1/retry',
      );
      expect(posts[0].body).toEqual({
        entityRef: ENTITY_REF,
        environment: 'production',
        kind: 'roll-back',
      });
    });
  });

  describe.each([
    {
      name: 'getSummary',
      method: 'get' as const,
      path: 'summary',
      call: () => client.getSummary(ENTITY_REF),
    },
    {
      name: 'getRolloutStatus',
      method: 'get' as const,
      path: 'rollout',
      call: () => client.getRolloutStatus(ENTITY_REF),
    },
    {
      name: 'getDeploymentHistory',
      method: 'get' as const,
      path: 'deployments',
      call: () =>
        client.getDeploymentHistory({ entityRef: ENTITY_REF, cursor: 'x' }),
    },
    {
      name: 'getReadiness',
      method: 'get' as const,
      path: 'readiness',
      call: () => client.getReadiness(ENTITY_REF),
    },
    {
      name: 'refreshReadiness',
      method: 'post' as const,
      path: 'readiness/refresh',
      call: () => client.refreshReadiness(ENTITY_REF),
    },
    {
      name: 'requestAction',
      method: 'post' as const,
      path: 'actions',
      call: () =>
        client.requestAction({
          entityRef: ENTITY_REF,
          environment: 'production',
          kind: 'pause',
          reason: 'Errors',
          idempotencyKey: 'k',
        }),
    },
    {
      name: 'listActions',
      method: 'get' as const,
      path: 'actions',
      call: () => client.listActions(ENTITY_REF),
    },
    {
      name: 'approveAction',
      method: 'post' as const,
      path: 'actions/a-1/approve',
      call: () => client.approveAction(TARGET),
    },
    {
      name: 'rejectAction',
      method: 'post' as const,
      path: 'actions/a-1/reject',
      call: () => client.rejectAction(TARGET),
    },
    {
      name: 'retryAction',
      method: 'post' as const,
      path: 'actions/a-1/retry',
      call: () => client.retryAction(TARGET),
    },
    {
      name: 'getActionPolicy',
      method: 'get' as const,
      path: 'actions/policy',
      call: () => client.getActionPolicy(ENTITY_REF),
    },
    {
      name: 'getAction',
      method: 'get' as const,
      path: 'actions/a-1',
      call: () => client.getAction('a-1'),
    },
    {
      name: 'listPendingApprovals',
      method: 'get' as const,
      path: 'approvals',
      call: () => client.listPendingApprovals(),
    },
    {
      name: 'getAuditTrail',
      method: 'get' as const,
      path: 'audit',
      call: () => client.getAuditTrail(ENTITY_REF),
    },
  ])('$name on failure', ({ method, path, call }) => {
    it.each([
      [400, 'InputError', 'Invalid query: query.cursor: not a cursor'],
      [403, 'NotAllowedError', 'Nobody approves or rejects their own request'],
      [404, 'NotFoundError', `No entity ${ENTITY_REF} in the catalog`],
      [
        409,
        'ConflictError',
        'Cannot pause in production: its deployment of 3.0.0 is failed',
      ],
      [500, 'Error', 'database is locked'],
    ])(
      'throws a ResponseError on %i with the backend message',
      async (status, errorName, message) => {
        server.use(
          http[method](`${BASE_URL}/${path}`, () =>
            HttpResponse.json(backstageErrorBody(errorName, message, status), {
              status,
            }),
          ),
        );

        const error = await call().then(
          () => {
            throw new Error(`expected the ${path} request to reject`);
          },
          e => e,
        );

        expect(error).toBeInstanceOf(ResponseError);
        expect((error as ResponseError).statusCode).toBe(status);
        expect((error as ResponseError).cause).toMatchObject({
          name: errorName,
          message,
        });
      },
    );

    it('throws a ResponseError for a non-JSON error response', async () => {
      server.use(
        http[method](
          `${BASE_URL}/${path}`,
          () => new HttpResponse('Bad Gateway', { status: 502 }),
        ),
      );

      const error = await call().catch(e => e);

      expect(error).toBeInstanceOf(ResponseError);
      expect((error as ResponseError).statusCode).toBe(502);
    });
  });
});
