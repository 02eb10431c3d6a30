import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogBackend from '@backstage/plugin-catalog-backend';
// The module is tested in the backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import { CheckResult } from '@rollback-guard/plugin-rollback-guard-common';
import {
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
  recordTestDeployment,
  refreshedCandidate,
} from '@internal/rollback-guard-test-harness';
import apiCompatibilityModule from './index';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

const USER = mockCredentials.user.header();

function openapi(paths: Record<string, string[]>): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Payments', version: '1' },
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, methods]) => [
        path,
        Object.fromEntries(
          methods.map(method => [
            method,
            { responses: { '200': { description: 'OK' } } },
          ]),
        ),
      ]),
    ),
  });
}

// What payments-api offers before and after it added POST /refunds.
const V1 = openapi({ '/charges': ['post'] });
const V2 = openapi({ '/charges': ['post'], '/refunds': ['post'] });
// What the catalog says payments-api offers now.
const TODAY = V2;

function api(name: string, definition: string, type = 'openapi'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'url:https://example.com/c.yaml',
        'backstage.io/managed-by-origin-location':
          'url:https://example.com/c.yaml',
      },
    },
    spec: { type, lifecycle: 'production', owner: 'team-a', definition },
  };
}

function component(name: string, spec: Record<string, string[]>): Entity {
  const entity = catalogComponent(name, 'group:default/team-a', {
    'rollback-guard/environments': 'production',
  });
  return { ...entity, spec: { ...entity.spec, ...spec } };
}

const entities = [
  api('payments-api', TODAY),
  api('ledger-api', 'type Query { balance(account: ID!): Int }', 'graphql'),
  component('payments-service', { providesApis: ['payments-api'] }),
  component('checkout-web', { consumesApis: ['payments-api'] }),
  component('orders-api', { consumesApis: ['payments-api'] }),
  component('ledger-service', { providesApis: ['ledger-api'] }),
  component('ghost-service', { providesApis: ['ghost-api'] }),
  component('broken-service', { providesApis: ['payments-api'] }),
  component('plain-service', {}),
];

describe('the api-compatibility module in a backend with a real catalog', () => {
  let server: Server;

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        rollbackGuardPlugin,
        apiCompatibilityModule,
        catalogBackend,
        catalogEntitiesModule(entities),
        mockServices.rootConfig.factory({
          data: {
            rollbackGuard: {},
          },
        }),
      ],
    }));
    for (const entity of entities.filter(e => e.kind === 'Component')) {
      await untilProcessed(server, entity.metadata.name, USER);
    }
  }, 60_000);

  const deploy = (
    entity: string,
    version: string,
    state: 'succeeded' | 'failed',
    definitions: Array<{ name: string; content: string }> = [],
  ) =>
    recordTestDeployment(
      server,
      entity,
      version,
      state,
      definitions.map(d => ({
        mediaType: d.content.startsWith('{')
          ? 'application/vnd.oai.openapi+json'
          : 'application/vnd.oai.openapi+yaml',
        ...d,
      })),
      'api-definition',
    );

  async function apiCheck(entity: string): Promise<CheckResult | undefined> {
    const candidate = await refreshedCandidate(server, entity);
    return candidate.checks.find(c => c.checkId === 'api-compatibility');
  }

  it('fails a rollback that removes an operation consumers use, naming them', async () => {
    await deploy('payments-service', '1.0.0', 'succeeded', [
      { name: 'payments-api', content: V1 },
    ]);
    await deploy('payments-service', '1.1.0', 'failed', [
      { name: 'api:default/payments-api', content: V2 },
    ]);
    const check = (await apiCheck('payments-service'))!;
    expect(check.status).toBe('fail');
    expect(check.summary).toBe(
      'Going back to 1.0.0 removes POST /refunds, which checkout-web and orders-api consume',
    );
    expect(check.findings?.[0]).toMatchObject({
      status: 'fail',
      source: 'payments-api',
      sourceRef: 'api:default/payments-api',
      code: 'POST /refunds',
      entityRefs: [
        'component:default/checkout-web',
        'component:default/orders-api',
      ],
    });
    expect(check.facts).toContainEqual({
      label: 'payments-api: definition of 1.0.0',
      value: 'attached by CI',
    });
  });

  it('snapshots the catalog definition when CI attached none, and says so', async () => {
    const recorded = await deploy('ledger-service', '1.0.0', 'succeeded');
    expect(recorded.evidence).toEqual([
      expect.objectContaining({
        kind: 'api-definition',
        name: 'api:default/ledger-api',
        mediaType: 'application/graphql',
        origin: 'catalog-snapshot',
      }),
    ]);
    await deploy('ledger-service', '1.1.0', 'failed');
    const check = (await apiCheck('ledger-service'))!;
    expect(check.status).toBe('pass');
    expect(check.details).toContain('catalog snapshots');
    expect(check.facts).toContainEqual({
      label: 'ledger-api: definition of 1.0.0',
      value:
        'from a catalog snapshot taken when it was recorded (lower confidence)',
    });
  });

  it('fails when the candidate was deployed against a consumed API that lost what it used', async () => {
    const older = openapi({ '/charges': ['post', 'get'] });
    await deploy('checkout-web', '1.0.0', 'succeeded', [
      { name: 'payments-api', content: older },
    ]);
    await deploy('checkout-web', '1.1.0', 'failed');
    const check = (await apiCheck('checkout-web'))!;
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(
      /^1\.0\.0 was deployed against an older payments-api; today's .*GET \/charges/,
    );
    expect(check.findings?.[0]).toMatchObject({
      source: 'payments-api (consumed)',
      sourceRef: 'api:default/payments-api',
      code: 'GET /charges',
    });
  });

  it('passes a candidate deployed against a consumed API that has only grown since', async () => {
    await deploy('orders-api', '1.0.0', 'succeeded', [
      { name: 'payments-api', content: V1 },
    ]);
    await deploy('orders-api', '1.1.0', 'failed');
    const check = (await apiCheck('orders-api'))!;
    expect(check.status).toBe('pass');
    expect(check.summary).toBe(
      'No API loses anything its consumers use in 1.0.0',
    );
  });

  it('is unknown when no definition of a provided API exists for the candidate', async () => {
    await deploy('ghost-service', '1.0.0', 'succeeded');
    await deploy('ghost-service', '1.1.0', 'failed');
    const check = (await apiCheck('ghost-service'))!;
    expect(check.status).toBe('unknown');
    expect(check.summary).toBe(
      'No definition of ghost-api for 1.0.0: neither attached by CI nor snapshotted from the catalog when it was recorded',
    );
  });

  it('is unknown, never a pass, when a definition does not parse', async () => {
    await deploy('broken-service', '1.0.0', 'succeeded', [
      { name: 'payments-api', content: 'openapi: 3.0.3\npaths: [unclosed' },
    ]);
    await deploy('broken-service', '1.1.0', 'failed', [
      { name: 'payments-api', content: V2 },
    ]);
    const check = (await apiCheck('broken-service'))!;
    expect(check.status).toBe('unknown');
    expect(check.summary).toMatch(
      /^The definition of payments-api could not be read: The 'to' API definition could not be parsed at \d+:\d+/,
    );
  });

  it('does not apply to an entity without API relations', async () => {
    await deploy('plain-service', '1.0.0', 'succeeded');
    await deploy('plain-service', '1.1.0', 'failed');
    expect(await apiCheck('plain-service')).toBeUndefined();
  });
});
