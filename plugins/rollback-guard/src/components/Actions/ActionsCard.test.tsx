import { Entity } from '@backstage/catalog-model';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  actionRequest,
  auditEntry,
  makeApi,
  makeSignalApi,
  PRODUCTION_READINESS,
  minutesAgo,
  postError,
  readinessOf,
  renderForEntity,
  rolloutOf,
} from '../../__testUtils__/fixtures';
import { SignalApi } from '@backstage/plugin-signals-react';
import { RollbackGuardApi } from '../../api';
import { RollbackGuardContent } from '../RollbackGuardContent';

jest.setTimeout(20_000);

const ENTITY_REF = 'component:default/payments-api';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: { 'rollback-guard/environments': 'staging, production' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

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

const SUCCEEDED = actionRequest({
  id: 'a-old',
  kind: 'pause',
  targetVersion: undefined,
  status: 'succeeded',
  requiredApprovals: 0,
  requestedBy: 'user:default/carol',
  reason: 'Latency spike',
  requestedAt: minutesAgo(60),
  attempts: 1,
  outcome: 'Paused at 20%',
});
const WAITING = actionRequest({
  id: 'a-wait',
  requestedBy: 'user:default/alice',
  reason: 'Checkout errors since 1.5.0',
  risk: 'high',
  requiredApprovals: 2,
  approvals: [{ by: 'user:default/bob', at: minutesAgo(1) }],
});
const FAILED = actionRequest({
  id: 'a-failed',
  kind: 'roll-forward',
  targetVersion: '1.5.1',
  status: 'failed',
  risk: 'low',
  approvals: [{ by: 'user:default/bob', at: minutesAgo(30) }],
  attempts: 1,
  outcome: 'The deploy webhook answered 502 Bad Gateway',
});
const REJECTED = actionRequest({
  id: 'a-rejected',
  status: 'rejected',
  decidedBy: 'user:default/bob',
  decision: 'Read the schema check first',
});

function loaded() {
  const mocks = makeApi();
  mocks.getSummary.mockResolvedValue(summary);
  mocks.getRolloutStatus.mockResolvedValue(rolloutOf(ENTITY_REF));
  mocks.getDeploymentHistory.mockResolvedValue({
    entityRef: ENTITY_REF,
    items: [],
    sources: [],
  });
  mocks.getReadiness.mockResolvedValue(readinessOf(ENTITY_REF));
  // Newest first, as the backend gives them.
  mocks.listActions.mockResolvedValue({
    items: [SUCCEEDED, FAILED, WAITING, REJECTED].reverse(),
  });
  return mocks;
}

async function renderTab(api: RollbackGuardApi, signalApi?: SignalApi) {
  return renderForEntity(entity, api, <RollbackGuardContent />, signalApi);
}

async function findRequests() {
  const list = await screen.findByRole('list', { name: 'Action requests' });
  return within(list).getAllByRole('listitem');
}

/** The first request in the list with this name. */
function request(name: string) {
  return screen.getAllByRole('listitem', { name })[0];
}

describe('ActionsCard', () => {
  it('lists the requests, waiting ones first, with status, requester, reason, risk and approvals', async () => {
    const { api, listActions } = loaded();
    await renderTab(api);

    const items = await findRequests();
    expect(listActions).toHaveBeenCalledWith(ENTITY_REF);
    expect(items.map(item => item.getAttribute('aria-label'))).toEqual([
      'Roll back production to 1.4.2',
      'Roll back production to 1.4.2',
      'Roll forward production to 1.5.1',
      'Pause production',
    ]);
    const [waiting, rejected, failed, succeeded] = items;

    expect(within(waiting).getByText('Waiting for approval')).toBeVisible();
    expect(waiting).toHaveTextContent('Requested by user:default/alice');
    expect(waiting).toHaveTextContent('Why: Checkout errors since 1.5.0');
    expect(within(waiting).getByText('high risk')).toBeVisible();
    expect(waiting).toHaveTextContent('Approvals: 1 of 2');
    expect(
      within(waiting).getByRole('button', { name: 'Approve' }),
    ).toBeEnabled();
    expect(
      within(waiting).getByRole('button', { name: 'Reject' }),
    ).toBeEnabled();

    expect(within(rejected).getByText('Rejected')).toBeVisible();
    expect(rejected).toHaveTextContent(
      'Rejected by user:default/bob: Read the schema check first',
    );
    expect(
      within(rejected).queryByRole('button', {
        name: /^(Approve|Reject|Retry)$/,
      }),
    ).not.toBeInTheDocument();

    expect(within(failed).getByText('Failed')).toBeVisible();
    expect(failed).toHaveTextContent(
      'Outcome: The deploy webhook answered 502 Bad Gateway',
    );
    expect(within(failed).getByRole('button', { name: 'Retry' })).toBeEnabled();
    expect(
      within(failed).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();

    expect(within(succeeded).getByText('Succeeded')).toBeVisible();
    expect(succeeded).toHaveTextContent('No approval needed');
    expect(succeeded).toHaveTextContent('Outcome: Paused at 20%');
  });

  it('shows, when asked, the readiness a request was made against', async () => {
    const mocks = loaded();
    mocks.getAction
      .mockRejectedValueOnce(new Error('Bad Gateway'))
      .mockResolvedValue({ ...WAITING, readiness: PRODUCTION_READINESS });
    await renderTab(mocks.api);
    await findRequests();
    const waiting = request('Roll back production to 1.4.2');
    const toggle = within(waiting).getByRole('button', {
      name: 'Show the readiness it was requested against',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(mocks.getAction).not.toHaveBeenCalled();

    await userEvent.click(toggle);
    expect(await within(waiting).findByRole('alert')).toHaveTextContent(
      'Could not load the readiness of the request: Bad Gateway',
    );
    await userEvent.click(
      within(waiting).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await within(waiting).findByText(
        'Schema compatibility: Column refunds.reason was added NOT NULL since 1.4.2',
      ),
    ).toBeInTheDocument();
    expect(waiting).toHaveTextContent('when production ran 1.5.0');
    expect(mocks.getAction).toHaveBeenCalledWith('a-wait');
    expect(
      within(waiting).getByRole('button', {
        name: 'Hide the readiness it was requested against',
      }),
    ).toHaveAttribute('aria-expanded', 'true');
  });

  it('says when nothing was requested yet', async () => {
    const mocks = loaded();
    mocks.listActions.mockResolvedValue({ items: [] });
    await renderTab(mocks.api);
    expect(await screen.findByText('No action requested yet.')).toBeVisible();
  });

  it('shows a failure to load the requests with a way to try again', async () => {
    const mocks = loaded();
    mocks.listActions.mockRejectedValueOnce(new Error('database is locked'));
    await renderTab(mocks.api);

    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load the action requests',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('database is locked')).toBeInTheDocument();
    expect(mocks.listActions).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await findRequests()).toHaveLength(4);
    expect(mocks.listActions).toHaveBeenCalledTimes(2);
  });

  it('approves with the comment and fetches the requests and the trail again', async () => {
    const mocks = loaded();
    mocks.approveAction.mockResolvedValue({
      ...WAITING,
      approvals: [...WAITING.approvals, { by: 'me', at: minutesAgo(0) }],
      status: 'approved',
    });
    await renderTab(mocks.api);
    await findRequests();
    const waiting = request('Roll back production to 1.4.2');
    const listCalls = mocks.listActions.mock.calls.length;
    const auditCalls = mocks.getAuditTrail.mock.calls.length;

    await userEvent.type(
      within(waiting).getByRole('textbox', { name: 'Comment (optional)' }),
      'Checks read',
    );
    await userEvent.click(
      within(waiting).getByRole('button', { name: 'Approve' }),
    );

    expect(mocks.approveAction).toHaveBeenCalledWith({
      id: 'a-wait',
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'roll-back',
      comment: 'Checks read',
    });
    await waitFor(() =>
      expect(mocks.listActions.mock.calls.length).toBeGreaterThan(listCalls),
    );
    expect(mocks.getAuditTrail.mock.calls.length).toBeGreaterThan(auditCalls);
  });

  it('rejects without a comment when none is written', async () => {
    const mocks = loaded();
    mocks.rejectAction.mockResolvedValue({ ...WAITING, status: 'rejected' });
    await renderTab(mocks.api);
    await findRequests();

    await userEvent.click(
      within(request('Roll back production to 1.4.2')).getByRole('button', {
        name: 'Reject',
      }),
    );

    expect(mocks.rejectAction).toHaveBeenCalledWith({
      id: 'a-wait',
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'roll-back',
    });
    expect(mocks.approveAction).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal of a self-approval", async () => {
    const mocks = loaded();
    mocks.approveAction.mockRejectedValue(
      await postError(
        '/actions/a-wait/approve',
        403,
        'NotAllowedError',
        'Nobody approves or rejects their own request',
      ),
    );
    await renderTab(mocks.api);
    await findRequests();
    const waiting = request('Roll back production to 1.4.2');

    await userEvent.click(
      within(waiting).getByRole('button', { name: 'Approve' }),
    );

    expect(await within(waiting).findByRole('alert')).toHaveTextContent(
      'Could not approve: Nobody approves or rejects their own request',
    );
    expect(
      within(waiting).getByRole('button', { name: 'Approve' }),
    ).toBeEnabled();
  });

  it('retries a failed request', async () => {
    const mocks = loaded();
    mocks.retryAction.mockResolvedValue({
      ...FAILED,
      status: 'executing',
      attempts: 2,
    });
    await renderTab(mocks.api);
    await findRequests();
    const listCalls = mocks.listActions.mock.calls.length;

    await userEvent.click(
      within(request('Roll forward production to 1.5.1')).getByRole('button', {
        name: 'Retry',
      }),
    );

    expect(mocks.retryAction).toHaveBeenCalledWith({
      id: 'a-failed',
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'roll-forward',
    });
    await waitFor(() =>
      expect(mocks.listActions.mock.calls.length).toBeGreaterThan(listCalls),
    );
  });

  it('asks for a confirmation before retrying an attempt that may have run', async () => {
    const mocks = loaded();
    mocks.listActions.mockResolvedValue({
      items: [
        {
          ...FAILED,
          mayHaveRun: true,
          outcome: 'May have run: deploy did not answer within 5000 ms',
        },
      ],
    });
    mocks.retryAction.mockResolvedValue({ ...FAILED, status: 'executing' });
    await renderTab(mocks.api);
    await findRequests();
    const failed = request('Roll forward production to 1.5.1');
    const retry = within(failed).getByRole('button', { name: 'Retry' });
    expect(retry).toBeDisabled();

    await userEvent.click(
      within(failed).getByRole('checkbox', {
        name: /The last attempt may have run: I checked the target/,
      }),
    );
    await userEvent.click(retry);

    expect(mocks.retryAction).toHaveBeenCalledWith({
      id: 'a-failed',
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'roll-forward',
      confirmMayHaveRun: true,
    });
  });

  it('shows a failed retry', async () => {
    const mocks = loaded();
    mocks.retryAction.mockRejectedValue(
      await postError(
        '/actions/a-failed/retry',
        409,
        'ConflictError',
        'Only a failed request can be retried',
      ),
    );
    await renderTab(mocks.api);
    await findRequests();
    const failed = request('Roll forward production to 1.5.1');

    await userEvent.click(
      within(failed).getByRole('button', { name: 'Retry' }),
    );

    expect(await within(failed).findByRole('alert')).toHaveTextContent(
      'Could not retry: Only a failed request can be retried',
    );
  });

  it('fetches the requests and the trail again when the backend signals a change', async () => {
    const mocks = loaded();
    const { signalApi, subscribe, publish } = makeSignalApi();
    await renderTab(mocks.api, signalApi);
    await findRequests();
    expect(subscribe).toHaveBeenCalledWith(
      `rollback-guard:actions:${ENTITY_REF}`,
      expect.any(Function),
    );

    mocks.listActions.mockResolvedValue({
      items: [{ ...WAITING, status: 'approved' }],
    });
    mocks.getAuditTrail.mockResolvedValue({
      items: [auditEntry({ id: 3, actionId: 'a-wait', step: 'approved' })],
    });
    publish(`rollback-guard:actions:${ENTITY_REF}`, {
      actionId: 'a-wait',
      status: 'approved',
    });

    await waitFor(() =>
      expect(
        screen.getAllByRole('listitem', {
          name: 'Roll back production to 1.4.2',
        }),
      ).toHaveLength(1),
    );
    const [item] = await findRequests();
    expect(within(item).getByText('Approved')).toBeVisible();
    const trail = await screen.findByRole('table', { name: 'Audit trail' });
    expect(within(trail).getByText('approved')).toBeVisible();
  });

  it('fetches the rollout status, the readiness and the history again when an action ends, not before', async () => {
    const mocks = loaded();
    const { signalApi, publish } = makeSignalApi();
    await renderTab(mocks.api, signalApi);
    await findRequests();
    await waitFor(() =>
      expect(mocks.getDeploymentHistory).toHaveBeenCalledTimes(1),
    );
    expect(mocks.getRolloutStatus).toHaveBeenCalledTimes(1);
    expect(mocks.getReadiness).toHaveBeenCalledTimes(1);

    publish(`rollback-guard:actions:${ENTITY_REF}`, {
      actionId: 'a-wait',
      status: 'executing',
    });
    await findRequests();
    expect(mocks.getRolloutStatus).toHaveBeenCalledTimes(1);

    publish(`rollback-guard:actions:${ENTITY_REF}`, {
      actionId: 'a-wait',
      status: 'succeeded',
    });
    await waitFor(() =>
      expect(mocks.getRolloutStatus).toHaveBeenCalledTimes(2),
    );
    await waitFor(() =>
      expect(mocks.getDeploymentHistory).toHaveBeenCalledTimes(2),
    );
  });

  it('requests from the dialog, then shows the new request waiting for approval', async () => {
    const mocks = loaded();
    mocks.listActions.mockResolvedValue({ items: [] });
    const created = actionRequest({ id: 'a-new', reason: 'Errors' });
    mocks.requestAction.mockResolvedValue(created);
    await renderTab(mocks.api);
    expect(await screen.findByText('No action requested yet.')).toBeVisible();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Act on production…' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Act on production',
    });
    await userEvent.click(
      within(dialog).getByRole('radio', { name: 'Roll back' }),
    );
    await userEvent.click(
      within(dialog).getByRole('radio', { name: /^1\.4\.2/ }),
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Reason/ }),
      'Errors',
    );
    mocks.listActions.mockResolvedValue({ items: [created] });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit request' }),
    );
    expect(
      await within(dialog).findByText('Waiting for approval'),
    ).toBeVisible();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );

    const [item] = await findRequests();
    expect(within(item).getByText('Waiting for approval')).toBeVisible();
    expect(item).toHaveTextContent('Why: Errors');
  });
});

describe('AuditTrailCard', () => {
  it('shows each step: time, step, actor, action and details', async () => {
    const mocks = loaded();
    mocks.getAuditTrail.mockResolvedValue({
      items: [
        auditEntry({
          id: 2,
          actionId: 'a-wait',
          step: 'approval',
          actor: 'user:default/bob',
          details: { comment: 'Looks right', approvals: 1 },
        }),
        auditEntry({
          id: 1,
          actionId: 'a-wait',
          step: 'requested',
          actor: 'user:default/alice',
          details: { reason: 'Checkout errors since 1.5.0', risk: 'high' },
        }),
        auditEntry({
          id: 0,
          actionId: 'gone',
          step: 'expired',
          actor: 'system',
        }),
      ],
    });
    await renderTab(mocks.api);

    const table = await screen.findByRole('table', { name: 'Audit trail' });
    expect(mocks.getAuditTrail).toHaveBeenCalledWith(ENTITY_REF);
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(cell => cell.textContent),
    ).toEqual(['Time', 'Step', 'Actor', 'Action', 'Details']);
    await waitFor(() =>
      expect(table).toHaveTextContent('Roll back production to 1.4.2'),
    );
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row =>
        within(row)
          .getAllByRole('cell')
          .slice(1)
          .map(cell => cell.textContent),
      );
    expect(rows).toEqual([
      [
        'approval',
        'user:default/bob',
        'Roll back production to 1.4.2',
        'comment: Looks right · approvals: 1',
      ],
      [
        'requested',
        'user:default/alice',
        'Roll back production to 1.4.2',
        'reason: Checkout errors since 1.5.0 · risk: high',
      ],
      ['expired', 'system', 'gone', '—'],
    ]);
    expect(within(table).getAllByText('4 min ago')).toHaveLength(3);
  });

  it('says when nothing is recorded yet', async () => {
    const mocks = loaded();
    await renderTab(mocks.api);
    expect(await screen.findByText('Nothing recorded yet.')).toBeVisible();
  });
});
