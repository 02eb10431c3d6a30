import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  ActionRequest,
  EnvironmentReadiness,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  actionPolicy,
  actionRequest,
  CANARY,
  deferred,
  makeApi,
  minutesAgo,
  OLD,
  postError,
  PRODUCTION_READINESS,
  STABLE,
} from '../../__testUtils__/fixtures';
import { rollbackGuardApiRef } from '../../api';
import { ActionButton } from './ActionButton';

// The dialog is typed into, which takes its time in jsdom.
jest.setTimeout(20_000);

const ENTITY_REF = 'component:default/payments-api';
const COMPUTED_AT = minutesAgo(5);

/** Production with its current deployment in another state. */
function production(
  fields: Partial<EnvironmentReadiness> & {
    state?: EnvironmentReadiness['current'] extends infer D
      ? D extends { state: infer S }
        ? S
        : never
      : never;
  } = {},
): EnvironmentReadiness {
  const { state, ...rest } = fields;
  return {
    ...PRODUCTION_READINESS,
    current: { ...CANARY, ...(state ? { state } : {}) },
    ...rest,
  };
}

async function openDialog(
  readiness: EnvironmentReadiness = production(),
  mocks = makeApi(),
  onRequested?: (action: ActionRequest) => void,
) {
  await renderInTestApp(
    <TestApiProvider apis={[[rollbackGuardApiRef, mocks.api]]}>
      <ActionButton
        entityRef={ENTITY_REF}
        readiness={readiness}
        computedAt={COMPUTED_AT}
        onRequested={onRequested}
      />
    </TestApiProvider>,
  );
  await userEvent.click(
    screen.getByRole('button', { name: 'Act on production…' }),
  );
  const dialog = await screen.findByRole('dialog', {
    name: 'Act on production',
  });
  return { dialog, mocks };
}

function offered(dialog: HTMLElement): string[] {
  return within(within(dialog).getByRole('radiogroup', { name: 'Action' }))
    .getAllByRole('radio')
    .map(radio => radio.closest('label')!.textContent ?? '');
}

function submitButton(dialog: HTMLElement) {
  return within(dialog).getByRole('button', {
    name: /^Submit (request|with override)$/,
  });
}

async function chooseAction(dialog: HTMLElement, name: string) {
  await userEvent.click(within(dialog).getByRole('radio', { name }));
}

async function typeReason(dialog: HTMLElement, text: string) {
  await userEvent.type(
    within(dialog).getByRole('textbox', { name: /^Reason/ }),
    text,
  );
}

describe('ActionDialog', () => {
  describe('offers only what the deployment state allows', () => {
    it.each<[string, string, boolean, string[]]>([
      [
        'pending',
        'pending',
        true,
        ['Pause', 'Abort', 'Roll back', 'Roll forward'],
      ],
      [
        'progressing',
        'progressing',
        true,
        ['Pause', 'Abort', 'Roll back', 'Roll forward'],
      ],
      [
        'paused',
        'paused',
        true,
        ['Resume', 'Abort', 'Roll back', 'Roll forward'],
      ],
      ['failed', 'failed', true, ['Roll back', 'Roll forward']],
      ['succeeded', 'succeeded', true, ['Roll back', 'Roll forward']],
      ['failed, without candidates', 'failed', false, ['Roll forward']],
    ])('%s', async (_name, state, withCandidates, expected) => {
      const { dialog } = await openDialog(
        production({
          state: state as any,
          ...(withCandidates ? {} : { candidates: [] }),
        }),
      );
      expect(offered(dialog)).toEqual(expected);
    });
  });

  it('shows the readiness it acts on: risk, reasons and age', async () => {
    const { dialog } = await openDialog();

    const shown = within(dialog).getByRole('region', {
      name: 'Readiness acted on',
    });
    expect(within(shown).getByText('medium risk')).toBeInTheDocument();
    expect(
      within(shown).getByText(
        'Health unknown: Prometheus did not answer within 2000 ms',
      ),
    ).toBeInTheDocument();
    expect(shown).toHaveTextContent('computed 5 min ago');
    expect(shown).toHaveTextContent('production runs 1.5.0, progressing');
  });

  it('shows each candidate with its risk badge and reasons', async () => {
    const { dialog } = await openDialog();
    await chooseAction(dialog, 'Roll back');

    const stable = within(dialog).getByRole('radio', { name: /^1\.4\.2/ });
    const old = within(dialog).getByRole('radio', { name: /^1\.4\.0/ });
    expect(stable).toHaveAccessibleName('1.4.2 medium risk');
    expect(old).toHaveAccessibleName('1.4.0 blocked');
    expect(old).toHaveAccessibleDescription(
      'Artifact availability: sha256:77b1… is gone from registry.example.com',
    );
    // The first candidate is chosen at first.
    expect(stable).toBeChecked();
  });

  it('requires a reason before it can be submitted', async () => {
    const { dialog } = await openDialog();
    expect(submitButton(dialog)).toBeDisabled();

    await typeReason(dialog, '   ');
    expect(submitButton(dialog)).toBeDisabled();

    await typeReason(dialog, 'Checkout errors');
    expect(submitButton(dialog)).toBeEnabled();
  });

  describe('says who must approve', () => {
    it('runs a pause at once', async () => {
      const { dialog } = await openDialog();
      await chooseAction(dialog, 'Pause');
      expect(dialog).toHaveTextContent(
        'Runs at once: no approval needed for pause',
      );
    });

    it('runs an abort at once', async () => {
      const { dialog } = await openDialog();
      await chooseAction(dialog, 'Abort');
      expect(dialog).toHaveTextContent(
        'Runs at once: no approval needed for abort',
      );
    });

    it('needs one approval for a medium-risk rollback, a resume, a roll-forward', async () => {
      const { dialog } = await openDialog(production({ state: 'paused' }));
      await chooseAction(dialog, 'Roll back');
      expect(dialog).toHaveTextContent('Needs 1 approval from someone else');
      await chooseAction(dialog, 'Resume');
      expect(dialog).toHaveTextContent('Needs 1 approval from someone else');
      await chooseAction(dialog, 'Roll forward');
      expect(dialog).toHaveTextContent('Needs 1 approval from someone else');
      expect(dialog).not.toHaveTextContent('Runs at once');
    });

    it("follows the entity's policy, with what differs from configuration", async () => {
      const mocks = makeApi();
      mocks.getActionPolicy.mockResolvedValue(
        actionPolicy(
          { 'roll-back.medium': 3, pause: 1 },
          {
            notes: [
              'roll-back.medium: 3 (configuration: 1), set by rollback-guard/approvals',
            ],
          },
        ),
      );
      const { dialog } = await openDialog(production(), mocks);
      await chooseAction(dialog, 'Pause');
      expect(
        await within(dialog).findByText('Needs 1 approval from someone else'),
      ).toBeInTheDocument();
      await chooseAction(dialog, 'Roll back');
      expect(dialog).toHaveTextContent('Needs 3 approvals (medium risk)');
      expect(
        within(dialog).getByRole('list', {
          name: "How this service's policy differs",
        }),
      ).toHaveTextContent('roll-back.medium: 3 (configuration: 1)');
      expect(mocks.getActionPolicy).toHaveBeenCalledWith(ENTITY_REF);
    });

    it('refuses to submit, and says why, when the backend refuses actions for the entity', async () => {
      const mocks = makeApi();
      mocks.getActionPolicy.mockResolvedValue(
        actionPolicy(
          {},
          {
            refusal:
              'Actions are refused until rollback-guard/approvals is fixed in the entity\'s catalog-info.yaml: it sets resume to "two"',
          },
        ),
      );
      const { dialog } = await openDialog(production(), mocks);
      await typeReason(dialog, 'Checkout errors');
      expect(
        await within(dialog).findByText(/Actions are refused until/),
      ).toBeInTheDocument();
      expect(submitButton(dialog)).toBeDisabled();
    });

    it('says the backend decides when the policy cannot be read', async () => {
      const mocks = makeApi();
      mocks.getActionPolicy.mockRejectedValue(new Error('Bad Gateway'));
      const { dialog } = await openDialog(production(), mocks);
      expect(
        await within(dialog).findByText(/Could not load who must approve/),
      ).toHaveTextContent('the backend applies the policy when you submit');
      await typeReason(dialog, 'Checkout errors');
      expect(submitButton(dialog)).toBeEnabled();
    });

    it('needs two approvals for a high-risk rollback', async () => {
      const { dialog } = await openDialog(
        production({
          candidates: [{ ...PRODUCTION_READINESS.candidates[0], risk: 'high' }],
        }),
      );
      await chooseAction(dialog, 'Roll back');
      expect(dialog).toHaveTextContent('Needs 2 approvals (high risk)');
      expect(dialog).not.toHaveTextContent('Needs 1 approval');
    });
  });

  it('says plainly that a blocked candidate is blocked and why, and asks for a justification', async () => {
    const mocks = makeApi();
    mocks.requestAction.mockResolvedValue(
      actionRequest({
        id: 'a-9',
        targetVersion: '1.4.0',
        risk: 'blocked',
        requiredApprovals: 2,
      }),
    );
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Roll back');
    expect(within(dialog).queryByText(/is blocked/)).not.toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('radio', { name: /^1\.4\.0/ }),
    );

    const alert = within(dialog).getByRole('alert');
    expect(alert).toHaveTextContent(
      'Going back to 1.4.0 is blocked: Artifact availability: sha256:77b1… is gone from registry.example.com.',
    );
    expect(alert).toHaveTextContent('override permission');
    expect(dialog).toHaveTextContent('Needs 2 approvals (blocked)');

    await typeReason(dialog, 'Corruption');
    // Not without a justification
    expect(submitButton(dialog)).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Override justification/ }),
      'Restored',
    );
    await userEvent.click(submitButton(dialog));

    expect(mocks.requestAction).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'roll-back',
        targetVersion: '1.4.0',
        override: { justification: 'Restored' },
      }),
    );
  });

  it('sends the expected body and shows the request waiting for approval', async () => {
    const mocks = makeApi();
    const onRequested = jest.fn();
    const created = actionRequest({ id: 'a-1' });
    mocks.requestAction.mockResolvedValue(created);
    const { dialog } = await openDialog(production(), mocks, onRequested);

    await chooseAction(dialog, 'Roll back');
    await typeReason(dialog, '  Checkout errors since 1.5.0 ');
    await userEvent.click(submitButton(dialog));

    expect(mocks.requestAction).toHaveBeenCalledTimes(1);
    const body = mocks.requestAction.mock.calls[0][0];
    expect(body).toEqual({
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'roll-back',
      targetVersion: STABLE.version,
      reason: 'Checkout errors since 1.5.0',
      idempotencyKey: expect.any(String),
    });
    expect(body.idempotencyKey.length).toBeGreaterThan(8);

    const status = await within(dialog).findByRole('status');
    expect(status).toHaveTextContent(
      'Requested: Roll back production to 1.4.2.',
    );
    expect(
      within(status).getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(status).toHaveTextContent('Approvals: 0 of 1');
    expect(onRequested).toHaveBeenCalledWith(created);
    // Nothing more to submit; only closing.
    expect(
      within(dialog).queryByRole('button', { name: 'Submit request' }),
    ).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it('sends a pause without a target version', async () => {
    const mocks = makeApi();
    mocks.requestAction.mockResolvedValue(
      actionRequest({
        id: 'a-2',
        kind: 'pause',
        targetVersion: undefined,
        status: 'executing',
        requiredApprovals: 0,
      }),
    );
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Pause');
    await typeReason(dialog, 'Errors climbing');
    await userEvent.click(submitButton(dialog));

    expect(mocks.requestAction.mock.calls[0][0]).toEqual({
      entityRef: ENTITY_REF,
      environment: 'production',
      kind: 'pause',
      reason: 'Errors climbing',
      idempotencyKey: expect.any(String),
    });
    expect(await within(dialog).findByRole('status')).toHaveTextContent(
      'Executing',
    );
  });

  it('asks for the version of a roll-forward and sends it', async () => {
    const mocks = makeApi();
    mocks.requestAction.mockResolvedValue(
      actionRequest({
        id: 'a-3',
        kind: 'roll-forward',
        targetVersion: '1.5.1',
      }),
    );
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Roll forward');
    await typeReason(dialog, 'Fix is out');
    expect(submitButton(dialog)).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', {
        name: /^Version to roll forward to/,
      }),
      ' 1.5.1 ',
    );
    await userEvent.click(submitButton(dialog));

    expect(mocks.requestAction.mock.calls[0][0]).toMatchObject({
      kind: 'roll-forward',
      targetVersion: '1.5.1',
    });
  });

  it('sends one request for a double click, and the same key when tried again', async () => {
    const mocks = makeApi();
    const first = deferred<ActionRequest>();
    mocks.requestAction
      .mockReturnValueOnce(first.promise)
      .mockResolvedValueOnce(actionRequest({ id: 'a-1' }));
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Roll back');
    await typeReason(dialog, 'Checkout errors');

    await userEvent.dblClick(submitButton(dialog));
    expect(mocks.requestAction).toHaveBeenCalledTimes(1);

    first.reject(
      await postError('/actions', 500, 'Error', 'database is locked'),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The request was not made: database is locked',
    );

    await userEvent.click(submitButton(dialog));
    await within(dialog).findByRole('status');
    expect(mocks.requestAction).toHaveBeenCalledTimes(2);
    const [[firstBody], [secondBody]] = mocks.requestAction.mock.calls;
    expect(secondBody.idempotencyKey).toBe(firstBody.idempotencyKey);
  });

  it('uses a new key for a new opening', async () => {
    const mocks = makeApi();
    mocks.requestAction.mockResolvedValue(actionRequest({ id: 'a-1' }));
    const { dialog } = await openDialog(production(), mocks);
    await typeReason(dialog, 'One');
    await userEvent.click(submitButton(dialog));
    await within(dialog).findByRole('status');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Act on production…' }),
    );
    const again = await screen.findByRole('dialog', {
      name: 'Act on production',
    });
    // A new opening starts blank
    expect(within(again).getByRole('textbox', { name: /^Reason/ })).toHaveValue(
      '',
    );
    await typeReason(again, 'Two');
    await userEvent.click(submitButton(again));

    expect(mocks.requestAction).toHaveBeenCalledTimes(2);
    const [[firstBody], [secondBody]] = mocks.requestAction.mock.calls;
    expect(secondBody.idempotencyKey).not.toBe(firstBody.idempotencyKey);
  });

  it('shows the backend refusal in the dialog', async () => {
    const mocks = makeApi();
    const message =
      'Going back to 1.4.0 is blocked (Artifact availability: gone); only someone with the override permission may request it, and must write why';
    mocks.requestAction.mockRejectedValue(
      await postError('/actions', 403, 'NotAllowedError', message),
    );
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Roll back');
    await userEvent.click(
      within(dialog).getByRole('radio', { name: /^1\.4\.0/ }),
    );
    await typeReason(dialog, 'Need to');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Override justification/ }),
      'I know',
    );
    await userEvent.click(submitButton(dialog));

    const alerts = await within(dialog).findAllByRole('alert');
    expect(
      alerts.some(
        alert => alert.textContent === `The request was not made: ${message}`,
      ),
    ).toBe(true);
    // Still open, with what was typed, to change and try again
    expect(
      within(dialog).getByRole('textbox', { name: /^Reason/ }),
    ).toHaveValue('Need to');
    expect(submitButton(dialog)).toBeEnabled();
    expect(within(dialog).queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows a conflict message from the backend', async () => {
    const mocks = makeApi();
    const message =
      'Cannot pause in production: its deployment of 1.5.0 is failed';
    mocks.requestAction.mockRejectedValue(
      await postError('/actions', 409, 'ConflictError', message),
    );
    const { dialog } = await openDialog(production(), mocks);
    await chooseAction(dialog, 'Pause');
    await typeReason(dialog, 'Stop it');
    await userEvent.click(submitButton(dialog));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      `The request was not made: ${message}`,
    );
  });

  it('keeps OLD as the blocked candidate in the fixtures', () => {
    // Guards the assumptions the tests above make about the fixtures.
    expect(
      PRODUCTION_READINESS.candidates.map(c => c.candidate.version),
    ).toEqual([STABLE.version, OLD.version]);
    expect(PRODUCTION_READINESS.candidates[1].risk).toBe('blocked');
  });
});
