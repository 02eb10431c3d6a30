import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  actionRequest,
  makeApi,
  makeSignalApi,
  minutesAgo,
} from '../../__testUtils__/fixtures';
import { rollbackGuardApiRef } from '../../api';
import { ApprovalsPage } from './ApprovalsPage';

jest.setTimeout(20_000);

const WAITING = actionRequest({
  id: 'a-1',
  requestedBy: 'user:default/alice',
  expiresAt: new Date(Date.now() + 30 * 60_000 + 5_000).toISOString(),
});
const OWN = actionRequest({
  id: 'a-2',
  entityRef: 'component:default/orders-api',
  kind: 'roll-forward',
  targetVersion: '3.0.1',
  requestedBy: 'user:default/me',
  requestedAt: minutesAgo(10),
});

async function renderPage(mocks = makeApi(), signals = makeSignalApi()) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [rollbackGuardApiRef, mocks.api],
        [signalApiRef, signals.signalApi],
      ]}
    >
      <ApprovalsPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return { mocks, signals };
}

describe('ApprovalsPage', () => {
  it('lists what waits, with the entity, and offers decisions only where the user may decide', async () => {
    const mocks = makeApi();
    mocks.listPendingApprovals.mockResolvedValue({
      items: [
        { action: WAITING, mayApprove: true },
        {
          action: OWN,
          mayApprove: false,
          note: 'Your own request: someone else must approve it',
        },
      ],
    });
    mocks.approveAction.mockResolvedValue({ ...WAITING, status: 'approved' });
    await renderPage(mocks);

    const list = await screen.findByRole('list', {
      name: 'Requests waiting for approval',
    });
    const [waiting, own] = within(list).getAllByRole('listitem');
    expect(waiting).toHaveAccessibleName('Roll back production to 1.4.2');
    expect(
      within(waiting).getByRole('link', { name: 'payments-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments-api');
    expect(waiting).toHaveTextContent('Expires in 30 min');
    expect(waiting).toHaveTextContent('Approvals: 0 of 1');
    expect(
      within(own).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(own).toHaveTextContent(
      'Your own request: someone else must approve it',
    );

    const before = mocks.listPendingApprovals.mock.calls.length;
    await userEvent.click(
      within(waiting).getByRole('button', { name: 'Approve' }),
    );
    expect(mocks.approveAction).toHaveBeenCalledWith({
      id: 'a-1',
      entityRef: 'component:default/payments-api',
      environment: 'production',
      kind: 'roll-back',
    });
    await waitFor(() =>
      expect(mocks.listPendingApprovals.mock.calls.length).toBeGreaterThan(
        before,
      ),
    );
  });

  it('says when nothing waits, and reads again when the backend signals a change', async () => {
    const mocks = makeApi();
    const signals = makeSignalApi();
    await renderPage(mocks, signals);
    expect(
      await screen.findByText('Nothing waits for approval.'),
    ).toBeInTheDocument();
    expect(signals.subscribe).toHaveBeenCalledWith(
      'rollback-guard:approvals',
      expect.any(Function),
    );

    mocks.listPendingApprovals.mockResolvedValue({
      items: [{ action: WAITING, mayApprove: true }],
    });
    signals.publish('rollback-guard:approvals', {
      actionId: 'a-1',
      status: 'requested',
    });
    expect(
      await screen.findByRole('listitem', {
        name: 'Roll back production to 1.4.2',
      }),
    ).toBeInTheDocument();
  });

  it('shows a failure to load with a way to try again', async () => {
    const mocks = makeApi();
    mocks.listPendingApprovals.mockRejectedValueOnce(new Error('Bad Gateway'));
    await renderPage(mocks);
    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load the requests waiting for approval',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Bad Gateway')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByText('Nothing waits for approval.'),
    ).toBeInTheDocument();
  });
});
