import { renderInTestApp } from '@backstage/test-utils';
import {
  EnvironmentHealth,
  HealthPoint,
  RollbackGuardSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, within } from '@testing-library/react';
import {
  CANARY,
  findRolloutTable,
  makeApi,
  PRODUCTION_READINESS,
  readinessOf,
  renderForEntity,
  rolloutOf,
  rowOf,
  STAGING_READINESS,
} from '../../__testUtils__/fixtures';
import { RollbackGuardCard } from '../RollbackGuardCard';
import { RollbackGuardContent } from '../RollbackGuardContent';
import { HealthPanel } from './HealthPanel';

const ENTITY_REF = 'component:default/payments-api';
const START = 1764669600;

const points = (level: number, count = 21): HealthPoint[] =>
  Array.from({ length: count }, (_, i) => [
    START + 30 * i,
    level * (1 + 0.05 * Math.sin(i)),
  ]);

const FAILING_REASON =
  'error rate 7.9% on 1.5.0 vs 0.2% on 1.4.2 over 10 min, above the 5% failing threshold and significantly worse than 1.4.2 (p=1.5e-8)';

const FAILING: EnvironmentHealth = {
  environment: 'production',
  source: 'prometheus',
  version: '1.5.0',
  stableVersion: '1.4.2',
  verdict: 'failing',
  reason: FAILING_REASON,
  signals: [
    {
      signal: 'errorRate',
      title: 'error rate',
      unit: 'ratio',
      direction: 'lower-is-better',
      verdict: 'failing',
      value: 0.079,
      stableValue: 0.002,
      threshold: { degraded: 0.01, failing: 0.05 },
      summary: FAILING_REASON,
      series: { current: points(0.079), stable: points(0.002) },
    },
    {
      signal: 'latencyP95',
      title: 'p95 latency',
      unit: 'seconds',
      direction: 'lower-is-better',
      verdict: 'unknown',
      threshold: { degraded: 0.5, failing: 1 },
      summary: 'p95 latency unknown: no data for 1.5.0 over the last 10 min',
      series: { current: [], stable: [] },
    },
  ],
  window: {
    start: '2026-12-02T10:00:00Z',
    end: '2026-12-02T10:10:00Z',
    minutes: 10,
  },
  readAt: '2026-12-02T10:10:02Z',
};

describe('HealthPanel', () => {
  it('shows the verdict, the reason, and each signal as a chart of canary, stable and thresholds', async () => {
    await renderInTestApp(<HealthPanel health={FAILING} />);
    const panel = screen.getByRole('region', { name: 'Health in production' });
    expect(within(panel).getAllByText('failing')[0]).toHaveAttribute(
      'data-health',
      'failing',
    );
    expect(within(panel).getAllByText(FAILING_REASON).length).toBeGreaterThan(
      0,
    );

    const chart = within(panel).getByRole('img', {
      name: 'error rate over the window: 1.5.0 against 1.4.2, with the degraded and failing thresholds',
    });
    const current = chart.querySelector('[data-series="current"]')!;
    const stable = chart.querySelector('[data-series="stable"]')!;
    // One vertex per interval of the window.
    expect(current.getAttribute('d')!.match(/[ML]/g)).toHaveLength(21);
    expect(stable.getAttribute('d')!.match(/[ML]/g)).toHaveLength(21);
    // The canary runs above the failing line, stable below it (SVG y grows down).
    const failingY = Number(
      chart.querySelector('[data-threshold="failing"]')!.getAttribute('y1'),
    );
    const firstY = (d: string) => Number(/^M[\d.]+,([\d.]+)/.exec(d)![1]);
    expect(firstY(current.getAttribute('d')!)).toBeLessThan(failingY);
    expect(firstY(stable.getAttribute('d')!)).toBeGreaterThan(failingY);

    // A signal without data says so, and draws nothing.
    expect(
      within(panel).getByText(
        'p95 latency unknown: no data for 1.5.0 over the last 10 min',
      ),
    ).toBeInTheDocument();
    expect(within(panel).queryByTestId('health-chart-latencyP95')).toBeNull();
    expect(within(panel).getByText('health unknown')).toBeInTheDocument();
  });
});

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
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'rollback-guard/environments': 'staging, production' },
  },
};
const failingReadiness = readinessOf(ENTITY_REF, [
  STAGING_READINESS,
  {
    ...PRODUCTION_READINESS,
    current: CANARY,
    health: FAILING,
    recommendation: {
      action: 'abort',
      reason: `The canary of 1.5.0 is failing (${FAILING_REASON}): abort it so that all traffic goes back to 1.4.2.`,
    },
  },
]);

function loaded() {
  const mocks = makeApi();
  mocks.getSummary.mockResolvedValue(summary);
  mocks.getRolloutStatus.mockResolvedValue(rolloutOf(ENTITY_REF));
  mocks.getReadiness.mockResolvedValue(failingReadiness);
  mocks.getDeploymentHistory.mockResolvedValue({
    entityRef: ENTITY_REF,
    items: [],
    sources: [],
  });
  return mocks;
}

describe('health on the card and the tab', () => {
  it('the card shows the verdict next to the rollout state, and the abort recommendation', async () => {
    const { api } = loaded();
    await renderForEntity(entity, api, <RollbackGuardCard />);
    const table = await findRolloutTable();
    const production = rowOf(table, 'production');
    const badge = await within(production).findByText('failing');
    expect(badge).toHaveAttribute('title', FAILING_REASON);
    expect(within(production).getByText(/progressing/i)).toBeInTheDocument();
    // Staging has no health source: no verdict.
    expect(rowOf(table, 'staging').querySelector('[data-health]')).toBeNull();
    expect(
      await screen.findByText(
        /abort it so that all traffic goes back to 1\.4\.2/,
      ),
    ).toBeInTheDocument();
  });

  it('the tab shows the health panel with its charts', async () => {
    const { api } = loaded();
    await renderForEntity(entity, api, <RollbackGuardContent />);
    const panel = await screen.findByRole('region', {
      name: 'Health in production',
    });
    expect(
      within(panel).getByTestId('health-chart-errorRate'),
    ).toBeInTheDocument();
  });
});
