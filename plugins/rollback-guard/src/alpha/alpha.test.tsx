import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  coreExtensionData,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  ReadinessSnapshot,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, within } from '@testing-library/react';
import rollbackGuardPlugin, {
  rollbackGuardApi,
  rollbackGuardApiEntityCard,
  rollbackGuardApprovalsPage,
  rollbackGuardEntityCard,
  rollbackGuardEntityContent,
} from '.';
import {
  RollbackGuardApi,
  rollbackGuardApiRef,
  RollbackGuardClient,
} from '../api';
import { isRollbackGuardAvailable } from '../plugin';
import { actionPolicy } from '../__testUtils__/fixtures';

function entityWith(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const guarded = entityWith({
  'rollback-guard/environments': 'staging, production',
});
const unguarded = entityWith({
  'backstage.io/source-location': 'url:https://example.com/payments-api',
});

const summary: RollbackGuardSummary = {
  entityRef: 'component:default/payments-api',
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

const rollout: RolloutStatus = {
  entityRef: 'component:default/payments-api',
  environments: [{ environment: 'staging' }, { environment: 'production' }],
  sources: [],
};

const readiness: ReadinessSnapshot = {
  entityRef: 'component:default/payments-api',
  computedAt: new Date().toISOString(),
  environments: [],
};

function makeApi() {
  return {
    getSummary: jest.fn().mockResolvedValue(summary),
    getRolloutStatus: jest.fn().mockResolvedValue(rollout),
    getDeploymentHistory: jest.fn().mockResolvedValue({
      entityRef: 'component:default/payments-api',
      items: [],
      sources: [],
    }),
    getReadiness: jest.fn().mockResolvedValue(readiness),
    refreshReadiness: jest.fn().mockResolvedValue(readiness),
    requestAction: jest.fn(),
    getActionPolicy: jest.fn().mockResolvedValue(actionPolicy()),
    listPendingApprovals: jest.fn().mockResolvedValue({ items: [] }),
    getAction: jest.fn(),
    listActions: jest.fn().mockResolvedValue({ items: [] }),
    approveAction: jest.fn(),
    rejectAction: jest.fn(),
    retryAction: jest.fn(),
    getAuditTrail: jest.fn().mockResolvedValue({ items: [] }),
  } satisfies RollbackGuardApi;
}

describe('isRollbackGuardAvailable', () => {
  it('is true for an entity with a rollback-guard/ annotation', () => {
    expect(isRollbackGuardAvailable(guarded)).toBe(true);
    expect(
      isRollbackGuardAvailable(
        entityWith({ 'rollback-guard/provider': 'ledger' }),
      ),
    ).toBe(true);
  });

  it('is false for an entity without one', () => {
    expect(isRollbackGuardAvailable(unguarded)).toBe(false);
    expect(isRollbackGuardAvailable(entityWith())).toBe(false);
    expect(
      isRollbackGuardAvailable(entityWith({ 'rollback-guard': 'x' })),
    ).toBe(false);
  });
});

describe('rollback-guard frontend plugin', () => {
  it('is a frontend plugin with the rollback-guard id', () => {
    expect(rollbackGuardPlugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(rollbackGuardPlugin.pluginId).toBe('rollback-guard');
  });

  it('provides the API, the entity card and the entity content', () => {
    expect(
      rollbackGuardPlugin.getExtension('api:rollback-guard'),
    ).toBeDefined();
    expect(
      rollbackGuardPlugin.getExtension('entity-card:rollback-guard'),
    ).toBeDefined();
    expect(
      rollbackGuardPlugin.getExtension('entity-content:rollback-guard'),
    ).toBeDefined();
    expect(
      rollbackGuardPlugin.getExtension('page:rollback-guard/approvals'),
    ).toBeDefined();
    expect(
      rollbackGuardPlugin.getExtension('entity-card:rollback-guard/api'),
    ).toBeDefined();
  });
});

describe('rollbackGuardApiEntityCard', () => {
  it('is shown only on the pages of APIs that a component provides', () => {
    const filter = createExtensionTester(rollbackGuardApiEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    const api: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'payments-api' },
      relations: [
        { type: 'apiProvidedBy', targetRef: 'component:default/payments' },
      ],
    };
    expect(filter!(api)).toBe(true);
    expect(filter!({ ...api, relations: [] })).toBe(false);
    expect(filter!(guarded)).toBe(false);
  });
});

describe('rollbackGuardApprovalsPage', () => {
  it('is the Approvals page at /rollback-guard/approvals, and lists what waits', async () => {
    const tester = createExtensionTester(rollbackGuardApprovalsPage);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/rollback-guard/approvals',
    );
    expect(tester.get(coreExtensionData.title)).toBe('Approvals');
    const api = makeApi();
    renderInTestApp(tester.reactElement(), {
      apis: [[rollbackGuardApiRef, api]],
    });
    expect(
      await screen.findByText('Nothing waits for approval.'),
    ).toBeInTheDocument();
    expect(api.listPendingApprovals).toHaveBeenCalled();
  });
});

describe('rollbackGuardApi', () => {
  it('creates a RollbackGuardClient from discovery and fetch', async () => {
    const factory = createExtensionTester(rollbackGuardApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe(rollbackGuardApiRef.id);

    const discoveryApi: DiscoveryApi = {
      getBaseUrl: jest
        .fn()
        .mockResolvedValue('http://localhost:7007/api/rollback-guard'),
    };
    const fetchApi: FetchApi = {
      fetch: jest.fn().mockResolvedValue(
        new Response(JSON.stringify(summary), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    };
    const client = factory.factory({ discoveryApi, fetchApi });
    expect(client).toBeInstanceOf(RollbackGuardClient);

    await expect(
      (client as RollbackGuardApi).getSummary('component:default/payments-api'),
    ).resolves.toEqual(summary);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('rollback-guard');
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://localhost:7007/api/rollback-guard/summary?entityRef=component%3Adefault%2Fpayments-api',
      undefined,
    );
  });
});

describe('rollbackGuardEntityCard', () => {
  it('is shown only for entities with rollback-guard/ annotations', () => {
    const filter = createExtensionTester(rollbackGuardEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter).toBeDefined();
    expect(filter!(guarded)).toBe(true);
    expect(filter!(unguarded)).toBe(false);
  });

  it('renders the Rollback Guard card for the entity', async () => {
    const api = makeApi();
    const tester = createExtensionTester(rollbackGuardEntityCard);

    renderInTestApp(
      <EntityProvider entity={guarded}>{tester.reactElement()}</EntityProvider>,
      { apis: [[rollbackGuardApiRef, api]] },
    );

    const table = await screen.findByRole('table', { name: 'Rollout status' });
    expect(screen.getByText('Rollback Guard')).toBeInTheDocument();
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map(cell => cell.textContent),
    ).toEqual(['staging', 'production']);
    expect(within(table).getAllByText('No deployment recorded')).toHaveLength(
      2,
    );
    expect(api.getSummary).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    expect(api.getRolloutStatus).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
  });
});

describe('rollbackGuardEntityContent', () => {
  it('is mounted at rollback-guard with its title and filter', () => {
    const tester = createExtensionTester(rollbackGuardEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('rollback-guard');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Rollback Guard',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
      'deployment',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(guarded)).toBe(true);
    expect(filter!(unguarded)).toBe(false);
  });

  it('renders the Rollback Guard tab for the entity', async () => {
    const api = makeApi();
    const tester = createExtensionTester(rollbackGuardEntityContent);

    renderInTestApp(
      <EntityProvider entity={guarded}>{tester.reactElement()}</EntityProvider>,
      { apis: [[rollbackGuardApiRef, api]] },
    );

    expect(
      await screen.findByText(/Every rollback-guard\/ annotation is valid/),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Rollback Guard annotations' }),
      ).getAllByRole('listitem'),
    ).toHaveLength(1);
    expect(screen.getByText('No deployment recorded yet.')).toBeInTheDocument();
    expect(api.getSummary).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    expect(api.getDeploymentHistory).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
      limit: 20,
    });
  });
});
