import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  DeploymentState,
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ARGO_REASON,
  ARGO_UNKNOWN,
  CANARY,
  deployment,
  findRolloutTable,
  LEDGER_OK,
  makeApi,
  minutesAgo,
  renderForEntity,
  ROLLING,
  rolloutOf,
  rowOf,
} from '../../__testUtils__/fixtures';
import { RollbackGuardApi } from '../../api';
import { RollbackGuardCard } from './RollbackGuardCard';

const ENTITY_REF = 'component:default/payments-api';

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
) {
  const mocks = makeApi();
  mocks.getSummary.mockResolvedValue(summary);
  mocks.getRolloutStatus.mockResolvedValue(status);
  return mocks;
}

describe('RollbackGuardCard', () => {
  it('asks for the summary and the rollout status at once, and shows progress meanwhile', async () => {
    const { api, getSummary, getRolloutStatus } = makeApi();
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
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'NotFoundError', message },
            request: {
              method: 'GET',
              url: '/api/rollback-guard/summary',
            },
            response: { statusCode: 404 },
          }),
          {
            status: 404,
            statusText: 'Not Found',
            headers: { 'content-type': 'application/json' },
          },
        ),
      );
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
});
