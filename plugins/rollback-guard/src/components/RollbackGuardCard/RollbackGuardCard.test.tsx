import { Entity } from '@backstage/catalog-model';
import {
  DeploymentState,
  ReadinessSnapshot,
  Risk,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  actionRequest,
  ARGO_REASON,
  ARGO_UNKNOWN,
  CANARY,
  deferred,
  deployment,
  findRolloutTable,
  LEDGER_OK,
  makeApi,
  minutesAgo,
  NOTHING_IN_STAGING,
  PAUSE_CANARY,
  PAUSE_ROLLING,
  PRODUCTION_READINESS,
  readinessOf,
  renderForEntity,
  responseError,
  ROLLING,
  rolloutOf,
  rowOf,
  STABLE,
  STAGING_READINESS,
} from '../../__testUtils__/fixtures';
import { RollbackGuardApi } from '../../api';
import { RollbackGuardCard } from './RollbackGuardCard';

const ENTITY_REF = 'component:default/payments-api';
const SHOW_READINESS = 'Show the readiness it was requested against';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: {
      'rollback-guard/environments': 'staging, production',
      'rollback-guard/artifact': 'registry.example.com/team/payments-api',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

const validSummary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  providers: ['argo-rollouts'],
  valid: true,
  annotations: [
    {
      name: 'rollback-guard/artifact',
      value: 'registry.example.com/team/payments-api',
      valid: true,
    },
    {
      name: 'rollback-guard/environments',
      value: 'staging, production',
      valid: true,
    },
    { name: 'rollback-guard/provider', value: 'argo-rollouts', valid: true },
  ],
};

const ARTIFACT_MESSAGE =
  'rollback-guard/artifact must name a repository without tag or digest, e.g. "registry.example.com/team/service"; the version comes from each deployment';
const ENVIRONMENTS_MESSAGE =
  'rollback-guard/environments has invalid environment name "Production!"; use lowercase letters, digits and dashes, at most 63 characters';

const invalidSummary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  providers: ['ledger'],
  valid: false,
  annotations: [
    {
      name: 'rollback-guard/artifact',
      value: 'registry.example.com/team/payments-api:1.2.3',
      valid: false,
      message: ARTIFACT_MESSAGE,
    },
    {
      name: 'rollback-guard/environments',
      value: 'staging, Production!',
      valid: false,
      message: ENVIRONMENTS_MESSAGE,
    },
    { name: 'rollback-guard/provider', value: 'ledger', valid: true },
  ],
};

const rollout = rolloutOf(ENTITY_REF);

async function renderCard(api: RollbackGuardApi) {
  return renderForEntity(entity, api, <RollbackGuardCard />);
}

function loaded(
  summary: RollbackGuardSummary = validSummary,
  status: RolloutStatus = rollout,
  readiness: ReadinessSnapshot = readinessOf(ENTITY_REF),
) {
  const mocks = makeApi();
  mocks.getSummary.mockResolvedValue(summary);
  mocks.getRolloutStatus.mockResolvedValue(status);
  mocks.getReadiness.mockResolvedValue(readiness);
  return mocks;
}

/** The rollback risk cell of an environment's row. */
function riskCell(row: HTMLElement): HTMLElement {
  const cells = within(row).getAllByRole('cell');
  return cells[cells.length - 1];
}

function recommendations() {
  return within(
    screen.getByRole('list', { name: 'Recommendations' }),
  ).getAllByRole('listitem');
}

describe('RollbackGuardCard', () => {
  it('asks for the summary, the rollout status and the readiness at once, and shows progress meanwhile', async () => {
    const { api, getSummary, getRolloutStatus, getReadiness } = makeApi();
    getSummary.mockReturnValue(new Promise(() => {}));
    getRolloutStatus.mockReturnValue(new Promise(() => {}));

    await renderCard(api);

    expect(screen.getByText('Rollback Guard')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Rollback Guard',
      }),
    ).toBeInTheDocument();
    // Neither waits for the other
    expect(getSummary).toHaveBeenCalledTimes(1);
    expect(getSummary).toHaveBeenCalledWith(ENTITY_REF);
    expect(getRolloutStatus).toHaveBeenCalledTimes(1);
    expect(getRolloutStatus).toHaveBeenCalledWith(ENTITY_REF);
    expect(getReadiness).toHaveBeenCalledTimes(1);
    expect(getReadiness).toHaveBeenCalledWith(ENTITY_REF);
    expect(
      screen.queryByRole('table', { name: 'Rollout status' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Try again' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error and retries both requests when asked', async () => {
    const { api, getSummary, getRolloutStatus } = loaded();
    getRolloutStatus.mockRejectedValueOnce(
      new Error('Rollback Guard backend is down'),
    );

    await renderCard(api);

    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load this entity',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Rollback Guard backend is down'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(getRolloutStatus).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(getRolloutStatus).toHaveBeenCalledTimes(2));
    expect(getSummary).toHaveBeenCalledTimes(2);
    expect(getRolloutStatus).toHaveBeenLastCalledWith(ENTITY_REF);
    const table = await findRolloutTable();
    expect(rowOf(table, 'production')).toHaveTextContent('1.5.0');
    expect(
      screen.queryByText('Error: Rollback Guard could not load this entity'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Try again' }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's message for a ResponseError", async () => {
    const { api, getSummary } = loaded();
    const message = `No entity ${ENTITY_REF} in the catalog`;
    getSummary.mockImplementation(async () => {
      throw await responseError({
        path: '/summary',
        status: 404,
        statusText: 'Not Found',
        name: 'NotFoundError',
        message,
      });
    });

    await renderCard(api);

    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load this entity',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('404: NotFoundError')).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Try again' }),
    ).toBeInTheDocument();
  });

  it('explains how to set up Rollback Guard when there are no annotations', async () => {
    const { api } = loaded(
      {
        entityRef: ENTITY_REF,
        providers: ['ledger'],
        valid: true,
        annotations: [],
      },
      rolloutOf(ENTITY_REF, []),
    );

    await renderCard(api);

    expect(
      await screen.findByText('Rollback Guard is not set up for this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "Add rollback-guard/ annotations to the entity's catalog-info.yaml, for example:",
      ),
    ).toBeInTheDocument();
    // The example snippet is syntax highlighted, so match on the code block
    expect(
      screen.getByText(
        (_, element) =>
          element?.tagName === 'CODE' &&
          (element.textContent ?? '').includes(
            'rollback-guard/environments: staging, production',
          ),
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Rollout status' }),
    ).not.toBeInTheDocument();
  });

  it('shows per environment the version, strategy, state, traffic split and age', async () => {
    const { api } = loaded();

    await renderCard(api);

    const table = await findRolloutTable();
    const rows = within(table).getAllByRole('rowheader');
    // In the order the backend gives them
    expect(rows.map(row => row.textContent)).toEqual(['staging', 'production']);

    const production = rowOf(table, 'production');
    const version = within(production).getByText('1.5.0');
    expect(version.tagName).toBe('CODE');
    expect(within(production).getByText('canary')).toBeInTheDocument();
    expect(within(production).getByText('progressing')).toBeInTheDocument();
    expect(
      within(production).getByTestId('status-running'),
    ).toBeInTheDocument();
    expect(within(production).getByText('20% on 1.5.0')).toBeInTheDocument();
    expect(within(production).getByText('80% on 1.4.2')).toBeInTheDocument();
    expect(within(production).getByText('12 min ago')).toBeInTheDocument();
    expect(
      within(production).queryByRole('progressbar'),
    ).not.toBeInTheDocument();

    // Nothing about annotations when they are all valid
    expect(screen.queryByText(/need(s)? fixing/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Rollback Guard annotations' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the progress of a rolling deployment', async () => {
    const { api } = loaded();

    await renderCard(api);

    const staging = rowOf(await findRolloutTable(), 'staging');
    expect(within(staging).getByText('1.5.1')).toBeInTheDocument();
    expect(within(staging).getByText('rolling')).toBeInTheDocument();
    const progress = within(staging).getByRole('progressbar', {
      name: 'Rollout of 1.5.1',
    });
    expect(progress).toHaveAttribute('aria-valuenow', '50');
    expect(within(staging).getByText('50%')).toBeInTheDocument();
    expect(within(staging).getByText('3 min ago')).toBeInTheDocument();
    expect(within(staging).queryByText(/% on /)).not.toBeInTheDocument();
  });

  it('says "stable" when the version the rest of the traffic is on is not known', async () => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        {
          environment: 'production',
          current: { ...CANARY, strategy: 'blue-green', trafficPercent: 35 },
        },
      ]),
    );

    await renderCard(api);

    const production = rowOf(await findRolloutTable(), 'production');
    expect(within(production).getByText('blue-green')).toBeInTheDocument();
    expect(within(production).getByText('35% on 1.5.0')).toBeInTheDocument();
    expect(within(production).getByText('65% on stable')).toBeInTheDocument();
  });

  it('shows all the traffic on a version that took it all', async () => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        {
          environment: 'production',
          current: deployment({
            id: 'bg',
            environment: 'production',
            version: '2.0.0',
            strategy: 'blue-green',
            trafficPercent: 100,
          }),
        },
      ]),
    );

    await renderCard(api);

    const production = rowOf(await findRolloutTable(), 'production');
    expect(within(production).getByText('100% on 2.0.0')).toBeInTheDocument();
    expect(production).not.toHaveTextContent(/stable|·/);
    expect(within(production).getByText('succeeded')).toBeInTheDocument();
    expect(within(production).getByTestId('status-ok')).toBeInTheDocument();
  });

  it('says so for an environment without a deployment, and still shows the others', async () => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        { environment: 'staging' },
        { environment: 'production', current: CANARY },
      ]),
    );

    await renderCard(api);

    const table = await findRolloutTable();
    const staging = rowOf(table, 'staging');
    expect(staging).toHaveTextContent(/^stagingNo deployment recorded$/);
    expect(rowOf(table, 'production')).not.toHaveTextContent(
      'No deployment recorded',
    );
    expect(
      within(rowOf(table, 'production')).getByText('20% on 1.5.0'),
    ).toBeInTheDocument();
  });

  it('says so when there is no environment at all', async () => {
    const { api } = loaded(validSummary, rolloutOf(ENTITY_REF, []));

    await renderCard(api);

    expect(
      await screen.findByText(
        'No environment declared and no deployment recorded yet.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Rollout status' }),
    ).not.toBeInTheDocument();
  });

  it('shows a provider that could not answer with its reason, alongside the rest', async () => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, undefined, [
        LEDGER_OK,
        ARGO_UNKNOWN,
        { ...ARGO_UNKNOWN, provider: 'flagger', title: 'Flagger', reason: '' },
      ]),
    );

    await renderCard(api);

    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map(alert => alert.textContent)).toEqual([
      `Argo Rollouts: unknown — ${ARGO_REASON}`,
      'Flagger: unknown',
    ]);
    // The ledger answered: it is not reported, and its deployments are shown
    expect(screen.queryByText(/Ledger: unknown/)).not.toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Rollout status' });
    expect(
      within(rowOf(table, 'production')).getByText('20% on 1.5.0'),
    ).toBeInTheDocument();
    expect(
      within(rowOf(table, 'staging')).getByText('50%'),
    ).toBeInTheDocument();
  });

  it.each<[DeploymentState, string]>([
    ['pending', 'status-pending'],
    ['progressing', 'status-running'],
    ['paused', 'status-warning'],
    ['succeeded', 'status-ok'],
    ['failed', 'status-error'],
    ['aborted', 'status-aborted'],
    ['rolled-back', 'status-warning'],
  ])('shows the %s state with its status color', async (state, testId) => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        {
          environment: 'production',
          current: { ...ROLLING, environment: 'production', state },
        },
      ]),
    );

    await renderCard(api);

    const production = rowOf(await findRolloutTable(), 'production');
    expect(within(production).getByText(state)).toBeInTheDocument();
    expect(within(production).getByTestId(testId)).toBeInTheDocument();
    expect(within(production).queryAllByTestId(/^status-/)).toHaveLength(1);
  });

  it('lists the annotations that need fixing, next to the environments', async () => {
    const { api } = loaded(
      invalidSummary,
      rolloutOf(ENTITY_REF, [
        { environment: 'staging', current: ROLLING },
        { environment: 'Production!' },
      ]),
    );

    await renderCard(api);

    expect(
      await screen.findByText('2 annotations need fixing'),
    ).toBeInTheDocument();
    expect(screen.getByText(ARTIFACT_MESSAGE)).toBeInTheDocument();
    expect(screen.getByText(ENVIRONMENTS_MESSAGE)).toBeInTheDocument();

    const items = within(
      screen.getByRole('list', { name: 'Rollback Guard annotations' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(
      'rollback-guard/artifact: registry.example.com/team/payments-api:1.2.3',
    );
    expect(items[1]).toHaveTextContent(
      'rollback-guard/environments: staging, Production!',
    );
    // The valid provider annotation is not listed
    expect(
      screen.queryByText('rollback-guard/provider'),
    ).not.toBeInTheDocument();
    // What the backend knows of the rollout is shown all the same
    const table = screen.getByRole('table', { name: 'Rollout status' });
    expect(
      within(rowOf(table, 'staging')).getByText('1.5.1'),
    ).toBeInTheDocument();
    expect(rowOf(table, 'Production!')).toHaveTextContent(
      'No deployment recorded',
    );
  });

  it('uses the singular for a single annotation that needs fixing', async () => {
    const { api } = loaded({
      ...invalidSummary,
      annotations: [invalidSummary.annotations[0], validSummary.annotations[1]],
    });

    await renderCard(api);

    expect(
      await screen.findByText('1 annotation needs fixing'),
    ).toBeInTheDocument();
    expect(screen.getByText(ARTIFACT_MESSAGE)).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Rollback Guard annotations' }),
      ).getAllByRole('listitem'),
    ).toHaveLength(1);
  });

  it('shows the version that runs after a rollback, beside the one that went back', async () => {
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        {
          environment: 'production',
          current: { ...CANARY, state: 'rolled-back' },
          runs: STABLE,
        },
      ]),
    );

    await renderCard(api);

    const production = rowOf(await findRolloutTable(), 'production');
    const [version] = within(production).getAllByRole('cell');
    expect(version).toHaveTextContent('1.4.2');
    expect(version).toHaveTextContent('1.5.0 rolled back');
  });

  it('tells the age from when the deployment started', async () => {
    const startedAt = minutesAgo(3 * 60 + 5);
    const { api } = loaded(
      validSummary,
      rolloutOf(ENTITY_REF, [
        { environment: 'production', current: { ...CANARY, startedAt } },
      ]),
    );

    await renderCard(api);

    const production = rowOf(await findRolloutTable(), 'production');
    const age = within(production).getByText('3 h ago');
    expect(age.tagName).toBe('TIME');
    expect(age).toHaveAttribute('dateTime', startedAt);
  });
  describe('rollback risk', () => {
    const ROLL_BACK =
      'The rollout of 1.5.0 failed; going back to 1.4.2 is medium risk (Health unknown), so read the checks before you approve.';

    it('has a rollback risk column', async () => {
      const { api } = loaded();

      await renderCard(api);

      const table = await findRolloutTable();
      expect(
        within(table)
          .getAllByRole('columnheader')
          .map(cell => cell.textContent),
      ).toEqual([
        'Environment',
        'Version',
        'State',
        'Traffic / progress',
        'Rollback risk',
      ]);
    });

    it.each<[Risk, string, string]>([
      ['low', 'low risk', '#2e7d32'],
      ['medium', 'medium risk', '#ffb300'],
      ['high', 'high risk', '#bf360c'],
      ['blocked', 'blocked', '#7f0000'],
    ])(
      'shows %s risk as a colored badge that says it in words',
      async (risk, text, color) => {
        const { api } = loaded(
          validSummary,
          rollout,
          readinessOf(ENTITY_REF, [
            { ...STAGING_READINESS, risk: 'low' },
            {
              ...PRODUCTION_READINESS,
              risk,
              reasons: ['Heaviest reason first', 'Lighter reason'],
            },
          ]),
        );

        await renderCard(api);

        const table = await findRolloutTable();
        const production = rowOf(table, 'production');
        const badge = await within(production).findByText(text);
        expect(riskCell(production)).toHaveTextContent(new RegExp(`^${text}$`));
        expect(badge).toHaveStyle({ backgroundColor: color });
        // The heaviest reason is a tooltip away
        expect(badge).toHaveAttribute('title', 'Heaviest reason first');
        // Each environment has its own badge
        expect(riskCell(rowOf(table, 'staging'))).toHaveTextContent(
          /^low risk$/,
        );
      },
    );

    it('leaves the risk blank where nothing is deployed', async () => {
      const { api } = loaded(
        validSummary,
        rolloutOf(ENTITY_REF, [
          { environment: 'staging' },
          { environment: 'production', current: CANARY, stable: STABLE },
        ]),
        readinessOf(ENTITY_REF, [NOTHING_IN_STAGING, PRODUCTION_READINESS]),
      );

      await renderCard(api);

      const table = await findRolloutTable();
      expect(
        await within(rowOf(table, 'production')).findByText('medium risk'),
      ).toBeInTheDocument();
      const staging = rowOf(table, 'staging');
      expect(staging).toHaveTextContent(/^stagingNo deployment recorded$/);
      expect(within(staging).queryByText('blocked')).not.toBeInTheDocument();
      expect(recommendations().map(item => item.textContent)).toEqual([
        `production — Pause: ${PAUSE_CANARY}`,
      ]);
    });

    it('says, below the table, what to do where and why, and when it was checked', async () => {
      const { api } = loaded(
        validSummary,
        rollout,
        readinessOf(ENTITY_REF, undefined, minutesAgo(12)),
      );

      await renderCard(api);

      await findRolloutTable();
      expect(
        (await screen.findAllByRole('listitem')).map(item => item.textContent),
      ).toEqual([
        `staging — Pause: ${PAUSE_ROLLING}`,
        `production — Pause: ${PAUSE_CANARY}`,
      ]);
      const checked = screen.getByText(/^Checked/);
      expect(checked).toHaveTextContent(/^Checked 12 min ago$/);
      expect(within(checked).getByText('12 min ago').tagName).toBe('TIME');
      // The rollout table stays as it was
      expect(
        within(rowOf(await findRolloutTable(), 'production')).getByText(
          '20% on 1.5.0',
        ),
      ).toBeInTheDocument();
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });

    it.each([
      ['roll-back' as const, 'Roll back'],
      ['roll-forward' as const, 'Roll forward'],
      ['pause' as const, 'Pause'],
      ['fail-back' as const, 'Fail back'],
    ])('says %s in words', async (action, words) => {
      const { api } = loaded(
        validSummary,
        rollout,
        readinessOf(ENTITY_REF, [
          {
            ...STAGING_READINESS,
            recommendation: {
              action: 'do-nothing',
              reason: '1.5.1 finished rolling out in staging.',
            },
          },
          {
            ...PRODUCTION_READINESS,
            recommendation: { action, reason: ROLL_BACK },
          },
        ]),
      );

      await renderCard(api);

      await waitFor(() =>
        expect(recommendations().map(item => item.textContent)).toEqual([
          `production — ${words}: ${ROLL_BACK}`,
        ]),
      );
      expect(within(recommendations()[0]).getByText(words).tagName).toBe(
        'STRONG',
      );
      // Nothing to do in staging: no line for it
      expect(
        screen.queryByText(/finished rolling out in staging/),
      ).not.toBeInTheDocument();
    });

    it('shows only when it was checked when nothing calls for action', async () => {
      const { api } = loaded(
        validSummary,
        rollout,
        readinessOf(
          ENTITY_REF,
          [STAGING_READINESS, PRODUCTION_READINESS].map(e => ({
            ...e,
            recommendation: { action: 'do-nothing' as const, reason: 'Fine.' },
          })),
          minutesAgo(0),
        ),
      );

      await renderCard(api);

      expect(await screen.findByText(/^Checked/)).toHaveTextContent(
        'Checked just now',
      );
      expect(
        screen.queryByRole('list', { name: 'Recommendations' }),
      ).not.toBeInTheDocument();
      expect(screen.queryByText('Fine.')).not.toBeInTheDocument();
    });

    it('shows the rollout while the risk is still being checked', async () => {
      const { api, getReadiness } = loaded();
      const readiness = deferred<ReadinessSnapshot>();
      getReadiness.mockReturnValue(readiness.promise);

      await renderCard(api);

      const table = await findRolloutTable();
      expect(
        screen.getByText('Checking the rollback risk…'),
      ).toBeInTheDocument();
      expect(riskCell(rowOf(table, 'production'))).toBeEmptyDOMElement();

      readiness.resolve(readinessOf(ENTITY_REF));

      expect(
        await within(rowOf(table, 'production')).findByText('medium risk'),
      ).toBeInTheDocument();
      expect(
        screen.queryByText('Checking the rollback risk…'),
      ).not.toBeInTheDocument();
    });

    it('still shows the rollout when the risk cannot be loaded, and tries the risk again when asked', async () => {
      const { api, getReadiness, getRolloutStatus, getSummary } = loaded();
      getReadiness.mockReset();
      getReadiness
        .mockRejectedValueOnce(new Error('readiness store is unavailable'))
        .mockResolvedValueOnce(readinessOf(ENTITY_REF));

      await renderCard(api);

      const error = await screen.findByText(
        'Could not load the rollback risk: readiness store is unavailable',
      );
      expect(error).toHaveAttribute('role', 'alert');
      const table = await findRolloutTable();
      const production = rowOf(table, 'production');
      expect(within(production).getByText('20% on 1.5.0')).toBeInTheDocument();
      expect(riskCell(production)).toBeEmptyDOMElement();
      expect(
        screen.queryByText('Error: Rollback Guard could not load this entity'),
      ).not.toBeInTheDocument();
      expect(
        screen.queryByRole('list', { name: 'Recommendations' }),
      ).not.toBeInTheDocument();

      await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

      expect(
        await within(rowOf(table, 'production')).findByText('medium risk'),
      ).toBeInTheDocument();
      expect(getReadiness).toHaveBeenCalledTimes(2);
      expect(getReadiness).toHaveBeenLastCalledWith(ENTITY_REF);
      // Only the risk is fetched again
      expect(getRolloutStatus).toHaveBeenCalledTimes(1);
      expect(getSummary).toHaveBeenCalledTimes(1);
      expect(recommendations()).toHaveLength(2);
      expect(
        screen.queryByText(/Could not load the rollback risk/),
      ).not.toBeInTheDocument();
    });

    it("says the backend's message when the risk fails with a ResponseError", async () => {
      const { api, getReadiness } = loaded();
      const message =
        'The readiness of component:default/payments-api is being computed';
      getReadiness.mockImplementation(async () => {
        throw await responseError({
          path: '/readiness',
          status: 503,
          statusText: 'Service Unavailable',
          name: 'ServiceUnavailableError',
          message,
        });
      });

      await renderCard(api);

      expect(
        await screen.findByText(`Could not load the rollback risk: ${message}`),
      ).toBeInTheDocument();
      expect(await findRolloutTable()).toBeInTheDocument();
    });
  });

  describe('actions', () => {
    it('offers an action per deployed environment, whose dialog offers only what its state allows', async () => {
      const { api } = loaded();
      await renderCard(api);
      const actions = await screen.findByRole('region', { name: 'Actions' });
      // The card shows no audit trail, so it does not fetch one.
      expect(api.getAuditTrail).not.toHaveBeenCalled();
      const buttons = within(actions)
        .getAllByRole('button')
        .map(b => b.textContent);
      expect(buttons).toEqual(['Act on staging…', 'Act on production…']);

      await userEvent.click(
        within(actions).getByRole('button', { name: 'Act on production…' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Act on production',
      });
      // production runs a progressing canary: no resume
      expect(
        within(within(dialog).getByRole('radiogroup', { name: 'Action' }))
          .getAllByRole('radio')
          .map(radio => radio.closest('label')!.textContent),
      ).toEqual(['Pause', 'Abort', 'Roll back', 'Roll forward']);
      expect(
        await within(dialog).findByText(
          'Runs at once: no approval needed for pause',
        ),
      ).toBeInTheDocument();
    });

    it('says when the permission policy lets anyone approve, on the card and in the dialog', async () => {
      const { api } = loaded();
      (
        api.getActionPolicy as jest.MockedFunction<
          RollbackGuardApi['getActionPolicy']
        >
      ).mockResolvedValue({
        ...(await api.getActionPolicy(ENTITY_REF)),
        anyoneMayApprove: true,
      });
      await renderCard(api);
      const actions = await screen.findByRole('region', { name: 'Actions' });
      expect(await within(actions).findByRole('alert')).toHaveTextContent(
        'permission policy lets anyone approve actions',
      );
      await userEvent.click(
        within(actions).getByRole('button', { name: 'Act on production…' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Act on production',
      });
      expect(
        await within(dialog).findByText(/approvals prove nothing here/),
      ).toBeInTheDocument();
    });

    it('offers no action where nothing is deployed', async () => {
      const { api } = loaded(
        validSummary,
        rollout,
        readinessOf(ENTITY_REF, [NOTHING_IN_STAGING, PRODUCTION_READINESS]),
      );
      await renderCard(api);
      const actions = await screen.findByRole('region', { name: 'Actions' });
      expect(
        within(actions)
          .getAllByRole('button')
          .map(b => b.textContent),
      ).toEqual(['Act on production…']);
    });

    it('shows the requests that still call for someone, with what their state allows, and links to the tab', async () => {
      const mocks = loaded();
      mocks.listActions.mockResolvedValue({
        items: [
          actionRequest({ id: 'waiting' }),
          actionRequest({
            id: 'failed-now',
            kind: 'pause',
            targetVersion: undefined,
            status: 'failed',
            outcome: 'ci answered 500',
          }),
          actionRequest({
            id: 'failed-long-ago',
            status: 'failed',
            requestedAt: minutesAgo(3 * 24 * 60),
          }),
          actionRequest({ id: 'done', status: 'succeeded' }),
        ],
      });
      mocks.approveAction.mockResolvedValue(
        actionRequest({ id: 'waiting', status: 'executing' }),
      );
      await renderCard(mocks.api);
      const list = await screen.findByRole('list', {
        name: 'Open action requests',
      });
      const items = within(list).getAllByRole('listitem');
      expect(items.map(item => item.getAttribute('aria-label'))).toEqual([
        'Roll back production to 1.4.2',
        'Pause production',
      ]);
      expect(
        within(items[0])
          .getAllByRole('button')
          .map(b => b.textContent),
      ).toEqual([SHOW_READINESS, 'Approve', 'Reject']);
      expect(
        within(items[1])
          .getAllByRole('button')
          .map(b => b.textContent),
      ).toEqual([SHOW_READINESS, 'Retry']);

      const calls = mocks.listActions.mock.calls.length;
      await userEvent.click(
        within(items[0]).getByRole('button', { name: 'Approve' }),
      );
      expect(mocks.approveAction).toHaveBeenCalledWith({
        id: 'waiting',
        entityRef: ENTITY_REF,
        environment: 'production',
        kind: 'roll-back',
      });
      await waitFor(() =>
        expect(mocks.listActions.mock.calls.length).toBeGreaterThan(calls),
      );

      expect(
        screen.getByRole('link', { name: 'Rollback Guard tab' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/component/payments-api/rollback-guard',
      );
    });

    it('says so when the requests cannot be loaded, and the rest of the card stands', async () => {
      const mocks = loaded();
      mocks.listActions.mockRejectedValue(new Error('Bad Gateway'));
      await renderCard(mocks.api);
      const actions = await screen.findByRole('region', { name: 'Actions' });
      expect(await within(actions).findByRole('alert')).toHaveTextContent(
        'Could not load the action requests: Bad Gateway',
      );
      expect(
        within(actions).getByRole('button', { name: 'Try again' }),
      ).toBeInTheDocument();
      expect(await findRolloutTable()).toBeInTheDocument();
    });
  });
});
