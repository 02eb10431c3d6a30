import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  Deployment,
  DeploymentHistoryPage,
  ProviderPart,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, within } from '@testing-library/react';
import { ReactElement } from 'react';
import { RollbackGuardApi, rollbackGuardApiRef } from '../api';

/** A RollbackGuardApi whose every method is a jest mock. */
export function makeApi() {
  const getSummary = jest.fn<
    ReturnType<RollbackGuardApi['getSummary']>,
    Parameters<RollbackGuardApi['getSummary']>
  >();
  const getRolloutStatus = jest.fn<
    ReturnType<RollbackGuardApi['getRolloutStatus']>,
    Parameters<RollbackGuardApi['getRolloutStatus']>
  >();
  const getDeploymentHistory = jest.fn<
    ReturnType<RollbackGuardApi['getDeploymentHistory']>,
    Parameters<RollbackGuardApi['getDeploymentHistory']>
  >();
  const api: RollbackGuardApi = {
    getSummary,
    getRolloutStatus,
    getDeploymentHistory,
  };
  return { api, getSummary, getRolloutStatus, getDeploymentHistory };
}

/** Renders `element` in a test app, on the page of `entity`. */
export async function renderForEntity(
  entity: Entity,
  api: RollbackGuardApi,
  element: ReactElement,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[rollbackGuardApiRef, api]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

/** An ISO 8601 timestamp this many minutes before now. */
export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

/** A deployment of payments-api, overridable field by field. */
export function deployment(
  fields: Partial<Deployment> &
    Pick<Deployment, 'id' | 'environment' | 'version'>,
): Deployment {
  return {
    entityRef: 'component:default/payments-api',
    strategy: 'rolling',
    state: 'succeeded',
    startedAt: minutesAgo(60),
    provider: 'ledger',
    ...fields,
  };
}

export const LEDGER_OK: ProviderPart = {
  provider: 'ledger',
  title: 'Ledger',
  status: 'ok',
  durationMs: 3,
};

export const ARGO_REASON = 'Argo Rollouts did not answer within 3000 ms';

export const ARGO_UNKNOWN: ProviderPart = {
  provider: 'argo-rollouts',
  title: 'Argo Rollouts',
  status: 'unknown',
  reason: ARGO_REASON,
  durationMs: 3000,
};

/** The canary in production: 1.5.0 at 20%, over 1.4.2. */
export const STABLE = deployment({
  id: 'd-prod-1',
  environment: 'production',
  version: '1.4.2',
  strategy: 'canary',
  trafficPercent: 100,
  startedAt: minutesAgo(3 * 24 * 60),
  finishedAt: minutesAgo(3 * 24 * 60 - 10),
});
export const CANARY = deployment({
  id: 'd-prod-2',
  environment: 'production',
  version: '1.5.0',
  strategy: 'canary',
  state: 'progressing',
  trafficPercent: 20,
  startedAt: minutesAgo(12),
  triggeredBy: 'ci:github-actions',
});
/** A rolling deployment in staging, half done. */
export const ROLLING = deployment({
  id: 'd-staging-1',
  environment: 'staging',
  version: '1.5.1',
  strategy: 'rolling',
  state: 'progressing',
  progressPercent: 50,
  startedAt: minutesAgo(3),
});

/** The rollout status of payments-api: rolling in staging, canary in production. */
export function rolloutOf(
  entityRef: string,
  environments: RolloutStatus['environments'] = [
    { environment: 'staging', current: ROLLING },
    { environment: 'production', current: CANARY, stable: STABLE },
  ] as RolloutStatus['environments'],
  sources: ProviderPart[] = [LEDGER_OK],
): RolloutStatus {
  return { entityRef, environments, sources };
}

/** One page of history. */
export function historyPage(
  entityRef: string,
  items: Deployment[],
  nextCursor?: string,
  sources: ProviderPart[] = [LEDGER_OK],
): DeploymentHistoryPage {
  return { entityRef, items, sources, ...(nextCursor ? { nextCursor } : {}) };
}

/** The row of the rollout status table for this environment. */
export function rowOf(table: HTMLElement, environment: string): HTMLElement {
  return within(table)
    .getByRole('rowheader', { name: environment })
    .closest('tr') as HTMLElement;
}

/** The rollout status table, once it is shown. */
export function findRolloutTable() {
  return screen.findByRole('table', { name: 'Rollout status' });
}
