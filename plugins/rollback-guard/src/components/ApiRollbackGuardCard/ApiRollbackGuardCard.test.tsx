import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  CheckResult,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deployment,
  makeApi,
  minutesAgo,
  responseError,
} from '../../__testUtils__/fixtures';
import { rollbackGuardApiRef } from '../../api';
import { isApiWithProviders } from '../../plugin';
import { ApiRollbackGuardCard, apiRollbacks } from './ApiRollbackGuardCard';

const API_REF = 'api:default/payments-api';

const api: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'team-a' },
  relations: [
    { type: 'apiProvidedBy', targetRef: 'component:default/payments-service' },
    { type: 'apiProvidedBy', targetRef: 'component:default/legacy-payments' },
    { type: 'apiConsumedBy', targetRef: 'component:default/checkout-web' },
  ],
};

function apiCheck(overrides: Partial<CheckResult>): CheckResult {
  return {
    checkId: 'api-compatibility',
    title: 'API compatibility',
    status: 'pass',
    summary: 'No API changes',
    facts: [],
    durationMs: 3,
    ...overrides,
  };
}

const REMOVED_REFUNDS = {
  rule: 'api-path-removed-without-deprecation',
  status: 'fail' as const,
  message: 'POST /refunds was removed',
  source: 'payments-api',
  sourceRef: API_REF,
  code: 'POST /refunds',
  entityRefs: ['component:default/checkout-web'],
};

const snapshot: ReadinessSnapshot = {
  entityRef: 'component:default/payments-service',
  computedAt: minutesAgo(2),
  environments: [
    {
      environment: 'production',
      current: deployment({
        id: 'd-150',
        environment: 'production',
        version: '1.5.0',
      }),
      risk: 'high',
      reasons: [],
      recommendation: { action: 'roll-forward', reason: 'Fix forward' },
      candidates: [
        {
          candidate: deployment({
            id: 'd-142',
            environment: 'production',
            version: '1.4.2',
          }),
          risk: 'high',
          reasons: [],
          checks: [
            apiCheck({
              status: 'fail',
              summary: 'Going back to 1.4.2 removes POST /refunds',
              findings: [
                REMOVED_REFUNDS,
                // Another API of the same component: not shown here.
                {
                  rule: 'api-path-removed-without-deprecation',
                  status: 'fail',
                  message: 'GET /ledger was removed',
                  source: 'ledger-api',
                  sourceRef: 'api:default/ledger-api',
                  code: 'GET /ledger',
                },
              ],
            }),
          ],
        },
        {
          candidate: deployment({
            id: 'd-130',
            environment: 'production',
            version: '1.3.0',
          }),
          risk: 'medium',
          reasons: [],
          checks: [
            apiCheck({
              status: 'unknown',
              summary: 'No definition of payments-api for 1.3.0',
            }),
          ],
        },
      ],
    },
  ],
};

describe('apiRollbacks', () => {
  it('keeps only the findings about the given API, per way back', () => {
    const result = apiRollbacks(snapshot, API_REF);
    expect(result.compared).toBe(2);
    expect(result.concerned).toEqual([
      {
        environment: 'production',
        version: '1.4.2',
        risk: 'high',
        findings: [REMOVED_REFUNDS],
      },
    ]);
    expect(result.unknown).toEqual([
      'production, 1.3.0: No definition of payments-api for 1.3.0',
    ]);
  });

  it('finds nothing for an API no finding names', () => {
    expect(apiRollbacks(snapshot, 'api:default/other').concerned).toEqual([]);
  });
});

describe('isApiWithProviders', () => {
  it('applies to APIs with a provider only', () => {
    expect(isApiWithProviders(api)).toBe(true);
    expect(isApiWithProviders({ ...api, relations: [] })).toBe(false);
    expect(isApiWithProviders({ ...api, kind: 'Component' })).toBe(false);
  });
});

describe('ApiRollbackGuardCard', () => {
  it('shows, per provider, what going back would take from this API, and links to its tab', async () => {
    const client = makeApi();
    client.getReadiness.mockImplementation(async ref => {
      if (ref === 'component:default/payments-service') return snapshot;
      throw await responseError({
        path: `/readiness?entityRef=${encodeURIComponent(ref)}`,
        status: 503,
        statusText: 'Service Unavailable',
        name: 'ServiceUnavailableError',
        message: 'The ledger is down',
      });
    });
    await renderInTestApp(
      <TestApiProvider apis={[[rollbackGuardApiRef, client]]}>
        <EntityProvider entity={api}>
          <ApiRollbackGuardCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    const provider = await screen.findByLabelText(
      'Provided by component:default/payments-service',
    );
    const rollback = await within(provider).findByLabelText(
      'Going back to 1.4.2 in production',
    );
    expect(within(rollback).getByText('high risk')).toBeInTheDocument();
    expect(
      within(rollback).getByText('POST /refunds was removed'),
    ).toBeInTheDocument();
    expect(
      within(provider).queryByText('GET /ledger was removed'),
    ).not.toBeInTheDocument();
    expect(
      within(provider).getByText(
        'Unknown for production, 1.3.0: No definition of payments-api for 1.3.0',
      ),
    ).toBeInTheDocument();
    expect(
      within(provider).getByRole('link', { name: 'Rollback Guard' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-service/rollback-guard',
    );

    // The other provider's readiness failed: said there, with a retry.
    const failed = screen.getByLabelText(
      'Provided by component:default/legacy-payments',
    );
    expect(await within(failed).findByRole('alert')).toHaveTextContent(
      'Its rollback readiness could not be read: The ledger is down',
    );
    client.getReadiness.mockResolvedValue({
      ...snapshot,
      entityRef: 'component:default/legacy-payments',
      environments: [],
    });
    await userEvent.click(
      within(failed).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await within(failed).findByText(/No API compatibility result yet/),
    ).toBeInTheDocument();
  });
});
