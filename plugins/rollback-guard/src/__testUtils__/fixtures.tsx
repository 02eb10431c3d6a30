import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  ActionPolicyView,
  ActionRequest,
  AuditEntry,
  CheckResult,
  Deployment,
  DeploymentHistoryPage,
  EnvironmentReadiness,
  ProviderPart,
  ReadinessSnapshot,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, within } from '@testing-library/react';
import { ReactElement } from 'react';
import { RollbackGuardApi, rollbackGuardApiRef } from '../api';

/** A jest mock of one method of the RollbackGuardApi. */
function mockOf<K extends keyof RollbackGuardApi>() {
  return jest.fn<
    ReturnType<RollbackGuardApi[K]>,
    Parameters<RollbackGuardApi[K]>
  >();
}

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
  // Until a test says otherwise, the readiness never arrives.
  const getReadiness = jest
    .fn<
      ReturnType<RollbackGuardApi['getReadiness']>,
      Parameters<RollbackGuardApi['getReadiness']>
    >()
    .mockReturnValue(new Promise(() => {}));
  const refreshReadiness = jest
    .fn<
      ReturnType<RollbackGuardApi['refreshReadiness']>,
      Parameters<RollbackGuardApi['refreshReadiness']>
    >()
    .mockReturnValue(new Promise(() => {}));
  // Until a test says otherwise, there is no action and no audit entry.
  const listActions = mockOf<'listActions'>().mockResolvedValue({ items: [] });
  const getAuditTrail = mockOf<'getAuditTrail'>().mockResolvedValue({
    items: [],
  });
  const getActionPolicy = mockOf<'getActionPolicy'>().mockResolvedValue(
    actionPolicy(),
  );
  const listPendingApprovals =
    mockOf<'listPendingApprovals'>().mockResolvedValue({ items: [] });
  const actionMocks = {
    requestAction: mockOf<'requestAction'>(),
    getAction: mockOf<'getAction'>(),
    listPendingApprovals,
    getActionPolicy,
    listActions,
    approveAction: mockOf<'approveAction'>(),
    rejectAction: mockOf<'rejectAction'>(),
    retryAction: mockOf<'retryAction'>(),
    getAuditTrail,
  };
  const api: RollbackGuardApi = {
    getSummary,
    getRolloutStatus,
    getDeploymentHistory,
    getReadiness,
    refreshReadiness,
    ...actionMocks,
  };
  return {
    api,
    getSummary,
    getRolloutStatus,
    getDeploymentHistory,
    getReadiness,
    refreshReadiness,
    ...actionMocks,
  };
}

/** The default approval policy of payments-api, overridable rule by rule. */
export function actionPolicy(
  approvals: Partial<ActionPolicyView['approvals']> = {},
  fields: Partial<ActionPolicyView> = {},
): ActionPolicyView {
  return {
    entityRef: 'component:default/payments-api',
    enabled: true,
    approvals: {
      pause: 0,
      resume: 1,
      abort: 0,
      'roll-forward': 1,
      'roll-back.low': 1,
      'roll-back.medium': 1,
      'roll-back.high': 2,
      'roll-back.blocked': 2,
      ...approvals,
    },
    requestTtlMinutes: 60,
    entityRefinement: 'stricter',
    notes: [],
    ...fields,
  };
}

/** Renders `element` in a test app, on the page of `entity`. */
export async function renderForEntity(
  entity: Entity,
  api: RollbackGuardApi,
  element: ReactElement,
  signalApi?: SignalApi,
) {
  const page = <EntityProvider entity={entity}>{element}</EntityProvider>;
  return renderInTestApp(
    signalApi ? (
      <TestApiProvider
        apis={[
          [rollbackGuardApiRef, api],
          [signalApiRef, signalApi],
        ]}
      >
        {page}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[[rollbackGuardApiRef, api]]}>
        {page}
      </TestApiProvider>
    ),
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

/** A check result, overridable field by field. */
export function checkResult(
  fields: Partial<CheckResult> &
    Pick<CheckResult, 'checkId' | 'title' | 'status' | 'summary'>,
): CheckResult {
  return { facts: [], durationMs: 40, ...fields };
}

export const ARTIFACT_PASS = checkResult({
  checkId: 'artifact',
  title: 'Artifact availability',
  status: 'pass',
  summary: 'sha256:4f2a… is present in registry.example.com',
  facts: [
    { label: 'Reference', value: 'registry.example.com/team/payments-api' },
    { label: 'Digest', value: 'sha256:4f2a9c' },
  ],
});
export const SCHEMA_WARN = checkResult({
  checkId: 'schema',
  title: 'Schema compatibility',
  status: 'warn',
  summary: 'Column refunds.reason was added NOT NULL since 1.4.2',
  details: '1.4.2 inserts refunds without a reason, which the column refuses.',
  facts: [{ label: 'Migration', value: '20261101_add_refund_reason.sql' }],
  remediation: 'Give refunds.reason a default before going back',
});
export const HEALTH_UNKNOWN = checkResult({
  checkId: 'health',
  title: 'Health',
  status: 'unknown',
  summary: 'Prometheus did not answer within 2000 ms',
  remediation: 'Check that Prometheus is reachable from the backend',
});
export const ARTIFACT_GONE = checkResult({
  checkId: 'artifact',
  title: 'Artifact availability',
  status: 'fail',
  blocking: true,
  summary: 'sha256:77b1… is gone from registry.example.com',
  facts: [{ label: 'Digest', value: 'sha256:77b1e0' }],
  remediation: 'Rebuild 1.4.0 from its commit and push it again',
});

/** An earlier production release, whose artifact is gone. */
export const OLD = deployment({
  id: 'd-prod-0',
  environment: 'production',
  version: '1.4.0',
  strategy: 'canary',
  trafficPercent: 100,
  startedAt: minutesAgo(20 * 24 * 60),
  finishedAt: minutesAgo(20 * 24 * 60 - 10),
  triggeredBy: 'alice',
});

export const PAUSE_CANARY =
  'The canary of 1.5.0 carries only 20% of traffic: pause or abort it rather than roll back, while 1.4.2 serves the rest.';
export const PAUSE_ROLLING =
  'The rolling rollout of 1.5.1 is 50% done: pause it and decide with the evidence in front of you.';
export const NO_CANDIDATE_IN_STAGING =
  'No earlier successful deployment in staging: nothing to go back to';

/**
 * The readiness of payments-api: in production, 1.4.2 (medium risk) and
 * 1.4.0 (blocked); in staging, nothing to go back to.
 */
export const PRODUCTION_READINESS: EnvironmentReadiness = {
  environment: 'production',
  current: CANARY,
  candidates: [
    {
      candidate: STABLE,
      risk: 'medium',
      reasons: [
        'Health unknown: Prometheus did not answer within 2000 ms',
        'Schema compatibility: Column refunds.reason was added NOT NULL since 1.4.2',
      ],
      checks: [ARTIFACT_PASS, SCHEMA_WARN, HEALTH_UNKNOWN],
    },
    {
      candidate: OLD,
      risk: 'blocked',
      reasons: [
        'Artifact availability: sha256:77b1… is gone from registry.example.com',
      ],
      checks: [ARTIFACT_GONE],
    },
  ],
  risk: 'medium',
  reasons: ['Health unknown: Prometheus did not answer within 2000 ms'],
  recommendation: { action: 'pause', reason: PAUSE_CANARY },
};
export const STAGING_READINESS: EnvironmentReadiness = {
  environment: 'staging',
  current: ROLLING,
  candidates: [],
  risk: 'blocked',
  reasons: [NO_CANDIDATE_IN_STAGING],
  recommendation: { action: 'pause', reason: PAUSE_ROLLING },
};

/** Staging in a snapshot computed before anything was deployed there. */
export const NOTHING_IN_STAGING: EnvironmentReadiness = {
  environment: 'staging',
  candidates: [],
  risk: 'blocked',
  reasons: ['Nothing is deployed to staging yet'],
  recommendation: {
    action: 'do-nothing',
    reason: 'Nothing is deployed to staging yet.',
  },
};

/** A readiness snapshot, computed five minutes ago unless told otherwise. */
export function readinessOf(
  entityRef: string,
  environments: EnvironmentReadiness[] = [
    STAGING_READINESS,
    PRODUCTION_READINESS,
  ],
  computedAt: string = minutesAgo(5),
): ReadinessSnapshot {
  return { entityRef, computedAt, environments };
}

/** A promise, and the functions that settle it, for a test to call. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * The ResponseError the client throws when the backend answers a GET of
 * `path` with a Backstage error body.
 */
export async function responseError(options: {
  path: string;
  status: number;
  statusText: string;
  name: string;
  message: string;
}): Promise<ResponseError> {
  const { path, status, statusText, name, message } = options;
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: `/api/rollback-guard${path}` },
        response: { statusCode: status },
      }),
      {
        status,
        statusText,
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

/**
 * A SignalApi a test publishes on: `publish(channel, message)` reaches every
 * subscriber of the channel.
 */
export function makeSignalApi() {
  const subscribers = new Map<string, Set<(message: any) => void>>();
  const subscribe = jest.fn((channel: string, onMessage: (m: any) => void) => {
    const set = subscribers.get(channel) ?? new Set();
    set.add(onMessage);
    subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(onMessage) };
  });
  const signalApi = { subscribe } as SignalApi;
  function publish(channel: string, message: Record<string, string>) {
    act(() => {
      subscribers.get(channel)?.forEach(onMessage => onMessage(message));
    });
  }
  return { signalApi, subscribe, publish };
}

/** An action request on payments-api, overridable field by field. */
export function actionRequest(
  fields: Partial<ActionRequest> & Pick<ActionRequest, 'id'>,
): ActionRequest {
  return {
    entityRef: 'component:default/payments-api',
    environment: 'production',
    kind: 'roll-back',
    targetVersion: '1.4.2',
    reason: 'Checkout errors since 1.5.0',
    requestedBy: 'user:default/alice',
    requestedAt: minutesAgo(4),
    risk: 'medium',
    readinessComputedAt: minutesAgo(5),
    requiredApprovals: 1,
    approvals: [],
    status: 'requested',
    expiresAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    attempts: 0,
    ...fields,
  };
}

/** An audit entry of payments-api, overridable field by field. */
export function auditEntry(
  fields: Partial<AuditEntry> & Pick<AuditEntry, 'id' | 'step'>,
): AuditEntry {
  return {
    actionId: 'a-1',
    entityRef: 'component:default/payments-api',
    actor: 'user:default/alice',
    at: minutesAgo(4),
    details: {},
    ...fields,
  };
}

/**
 * The ResponseError the client throws when the backend refuses a POST to
 * `path` with a Backstage error body.
 */
export function postError(
  path: string,
  status: number,
  name: string,
  message: string,
) {
  const statusText: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    409: 'Conflict',
    500: 'Internal Server Error',
  };
  return responseError({
    path,
    status,
    statusText: statusText[status] ?? 'Error',
    name,
    message,
  });
}
