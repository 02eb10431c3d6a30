import { Entity } from '@backstage/catalog-model';
import {
  Deployment,
  RollbackGuardSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ARGO_REASON,
  ARGO_UNKNOWN,
  CANARY,
  deployment,
  findRolloutTable,
  historyPage,
  LEDGER_OK,
  makeApi,
  minutesAgo,
  renderForEntity,
  ROLLING,
  rolloutOf,
  rowOf,
  STABLE,
} from '../../__testUtils__/fixtures';
import { RollbackGuardApi } from '../../api';
import { formatTimestamp } from '../format';
import { RollbackGuardContent } from './RollbackGuardContent';

const ENTITY_REF = 'component:payments/payments-api';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'payments',
    annotations: {
      'rollback-guard/environments': 'staging, production',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

const validSummary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  providers: ['ledger'],
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
  ],
};

const PROVIDER_MESSAGE =
  'rollback-guard/provider is not a provider name; use lowercase letters, digits and dashes, e.g. "ledger"';
const TYPO_MESSAGE =
  'rollback-guard/environment is not a Rollback Guard annotation; known annotations are rollback-guard/environments, rollback-guard/artifact, rollback-guard/provider, rollback-guard/provider-id';

const invalidSummary: RollbackGuardSummary = {
  entityRef: ENTITY_REF,
  providers: ['ledger', 'argo-cd', 'flagger'],
  valid: false,
  annotations: [
    {
      name: 'rollback-guard/artifact',
      value: 'registry.example.com/team/payments-api',
      valid: true,
    },
    {
      name: 'rollback-guard/environment',
      value: 'prod',
      valid: false,
      message: TYPO_MESSAGE,
    },
    {
      name: 'rollback-guard/provider',
      value: 'Argo CD',
      valid: false,
      message: PROVIDER_MESSAGE,
    },
  ],
};

const VALID_SENTENCE = 'Every rollback-guard/ annotation is valid.';
const INVALID_SENTENCE =
  "Some rollback-guard/ annotations are invalid: fix them in the entity's catalog-info.yaml.";

const FAILED = deployment({
  id: 'd-prod-0',
  environment: 'production',
  version: '1.4.1',
  strategy: 'canary',
  state: 'failed',
  trafficPercent: 10,
  startedAt: minutesAgo(5 * 24 * 60),
  finishedAt: minutesAgo(5 * 24 * 60 - 3),
  triggeredBy: 'alice',
});
const OLDEST = deployment({
  id: 'd-staging-0',
  environment: 'staging',
  version: '1.4.0',
  strategy: 'recreate',
  startedAt: minutesAgo(40 * 24 * 60),
  finishedAt: minutesAgo(40 * 24 * 60 - 1),
});

async function renderContent(api: RollbackGuardApi) {
  return renderForEntity(entity, api, <RollbackGuardContent />);
}

function loaded(summary: RollbackGuardSummary = validSummary) {
  const mocks = makeApi();
  mocks.getSummary.mockResolvedValue(summary);
  mocks.getRolloutStatus.mockResolvedValue(rolloutOf(ENTITY_REF));
  mocks.getDeploymentHistory.mockResolvedValue(
    historyPage(ENTITY_REF, [CANARY, ROLLING, STABLE]),
  );
  return mocks;
}

function annotationItems() {
  return within(
    screen.getByRole('list', { name: 'Rollback Guard annotations' }),
  ).getAllByRole('listitem');
}

/** The data rows of the history table, each as its cells' text. */
async function historyRows() {
  const table = await screen.findByRole('table', {
    name: 'Deployment history',
  });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );
}

/** Waits for the history to list these versions, in this order. */
async function expectVersions(versions: string[]) {
  await waitFor(async () =>
    expect((await historyRows()).map(row => row[2])).toEqual(versions),
  );
}

async function clickLoadOlder() {
  await userEvent.click(
    screen.getByRole('button', { name: 'Load older deployments' }),
  );
}

function started(d: Deployment, age: string) {
  return `${formatTimestamp(d.startedAt)}${age}`;
}

describe('RollbackGuardContent', () => {
  it('shows progress while loading, and asks for everything at once', async () => {
    const { api, getSummary, getRolloutStatus, getDeploymentHistory } =
      makeApi();
    getSummary.mockReturnValue(new Promise(() => {}));
    getRolloutStatus.mockReturnValue(new Promise(() => {}));
    getDeploymentHistory.mockReturnValue(new Promise(() => {}));

    await renderContent(api);

    expect(screen.getByText('Rollout status')).toBeInTheDocument();
    expect(screen.getByText('History')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Rollback Guard',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Loading deployment history' }),
    ).toBeInTheDocument();
    expect(getSummary).toHaveBeenCalledWith(ENTITY_REF);
    expect(getRolloutStatus).toHaveBeenCalledWith(ENTITY_REF);
    expect(getDeploymentHistory).toHaveBeenCalledTimes(1);
    expect(getDeploymentHistory).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      limit: 20,
    });
    expect(screen.queryByText('Configuration')).not.toBeInTheDocument();
  });

  it('shows the error and retries when asked', async () => {
    const { api, getSummary } = loaded();
    getSummary.mockReset();
    getSummary
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'))
      .mockResolvedValueOnce(validSummary);

    await renderContent(api);

    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load this entity',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('connect ECONNREFUSED')).toBeInTheDocument();
    // The history does not depend on the summary
    expect(await historyRows()).toHaveLength(3);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(getSummary).toHaveBeenCalledTimes(2));
    expect(await screen.findByText(/Every rollback-guard/)).toBeInTheDocument();
    expect(
      screen.queryByText('Error: Rollback Guard could not load this entity'),
    ).not.toBeInTheDocument();
  });

  it('explains how to set up Rollback Guard when there are no annotations', async () => {
    const { api, getSummary } = loaded();
    getSummary.mockResolvedValue({
      entityRef: ENTITY_REF,
      providers: ['ledger'],
      valid: true,
      annotations: [],
    });

    await renderContent(api);

    expect(
      await screen.findByText('Rollback Guard is not set up for this entity'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Deployments are read/)).not.toBeInTheDocument();
    expect(screen.queryByText('History')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Deployment history' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Rollback Guard annotations' }),
    ).not.toBeInTheDocument();
  });

  it('shows what runs where, as the card does', async () => {
    const { api } = loaded();

    await renderContent(api);

    const table = await findRolloutTable();
    const production = rowOf(table, 'production');
    expect(within(production).getByText('1.5.0')).toBeInTheDocument();
    expect(within(production).getByText('canary')).toBeInTheDocument();
    expect(within(production).getByText('20% on 1.5.0')).toBeInTheDocument();
    expect(within(production).getByText('80% on 1.4.2')).toBeInTheDocument();
    expect(
      within(rowOf(table, 'staging')).getByRole('progressbar', {
        name: 'Rollout of 1.5.1',
      }),
    ).toHaveAttribute('aria-valuenow', '50');
  });

  it('lists the history newest first, with who triggered each deployment and how long it took', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockResolvedValue(
      historyPage(ENTITY_REF, [CANARY, ROLLING, STABLE, FAILED]),
    );

    await renderContent(api);

    expect(await historyRows()).toEqual([
      [
        started(CANARY, '12 min ago'),
        'production',
        '1.5.0',
        'canary',
        'ci:github-actions',
        'running',
        'progressing',
      ],
      [
        started(ROLLING, '3 min ago'),
        'staging',
        '1.5.1',
        'rolling',
        '—',
        'running',
        'progressing',
      ],
      [
        started(STABLE, '3 days ago'),
        'production',
        '1.4.2',
        'canary',
        '—',
        '10 min',
        'succeeded',
      ],
      [
        started(FAILED, '5 days ago'),
        'production',
        '1.4.1',
        'canary',
        'alice',
        '3 min',
        'failed',
      ],
    ]);
    expect(
      screen.queryByRole('button', { name: 'Load older deployments' }),
    ).not.toBeInTheDocument();
  });

  it('says "—" for the duration of a finished deployment without an end', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockResolvedValue(
      historyPage(ENTITY_REF, [{ ...FAILED, finishedAt: undefined }]),
    );

    await renderContent(api);

    const [row] = await historyRows();
    expect(row[5]).toBe('—');
    expect(row[6]).toBe('failed');
  });

  it('loads older deployments with the cursor, and appends them', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockReset();
    getDeploymentHistory
      .mockResolvedValueOnce(
        historyPage(ENTITY_REF, [CANARY, ROLLING], 'cursor-1'),
      )
      .mockResolvedValueOnce(historyPage(ENTITY_REF, [STABLE], 'cursor-2'))
      .mockResolvedValueOnce(historyPage(ENTITY_REF, [FAILED, OLDEST]));

    await renderContent(api);

    await expectVersions(['1.5.0', '1.5.1']);
    expect(getDeploymentHistory).toHaveBeenCalledTimes(1);

    await clickLoadOlder();
    await expectVersions(['1.5.0', '1.5.1', '1.4.2']);
    expect(getDeploymentHistory).toHaveBeenNthCalledWith(2, {
      entityRef: ENTITY_REF,
      limit: 20,
      cursor: 'cursor-1',
    });

    await clickLoadOlder();
    await expectVersions(['1.5.0', '1.5.1', '1.4.2', '1.4.1', '1.4.0']);
    expect(getDeploymentHistory).toHaveBeenNthCalledWith(3, {
      entityRef: ENTITY_REF,
      limit: 20,
      cursor: 'cursor-2',
    });
    expect(getDeploymentHistory).toHaveBeenCalledTimes(3);
    // The last page has no cursor: nothing older to load
    expect(
      screen.queryByRole('button', { name: 'Load older deployments' }),
    ).not.toBeInTheDocument();
  });

  it('keeps what it has when an older page fails, and lets one try again', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockReset();
    getDeploymentHistory
      .mockResolvedValueOnce(historyPage(ENTITY_REF, [CANARY], 'cursor-1'))
      .mockRejectedValueOnce(new Error('database is locked'))
      .mockResolvedValueOnce(historyPage(ENTITY_REF, [STABLE]));

    await renderContent(api);
    expect(await historyRows()).toHaveLength(1);

    await clickLoadOlder();

    expect(
      await screen.findByText(
        'Could not load older deployments: database is locked',
      ),
    ).toBeInTheDocument();
    expect(await historyRows()).toHaveLength(1);

    await clickLoadOlder();
    await expectVersions(['1.5.0', '1.4.2']);
    expect(getDeploymentHistory).toHaveBeenLastCalledWith({
      entityRef: ENTITY_REF,
      limit: 20,
      cursor: 'cursor-1',
    });
    expect(
      screen.queryByText(/Could not load older deployments/),
    ).not.toBeInTheDocument();
  });

  it('filters the history by environment', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockImplementation(async ({ environment }) =>
      historyPage(
        ENTITY_REF,
        [CANARY, ROLLING, STABLE].filter(
          d => !environment || d.environment === environment,
        ),
      ),
    );

    await renderContent(api);
    expect(await historyRows()).toHaveLength(3);

    await userEvent.click(screen.getByRole('button', { name: /Environment/ }));
    const options = screen.getAllByRole('option').map(o => o.textContent);
    expect(options).toEqual(['All', 'staging', 'production']);
    await userEvent.click(screen.getByRole('option', { name: 'production' }));

    await waitFor(() =>
      expect(getDeploymentHistory).toHaveBeenLastCalledWith({
        entityRef: ENTITY_REF,
        environment: 'production',
        limit: 20,
      }),
    );
    await waitFor(async () =>
      expect((await historyRows()).map(row => row[1])).toEqual([
        'production',
        'production',
      ]),
    );
  });

  it('says so when no deployment is recorded', async () => {
    const { api, getDeploymentHistory } = loaded();
    getDeploymentHistory.mockResolvedValue(historyPage(ENTITY_REF, []));

    await renderContent(api);

    expect(
      await screen.findByText('No deployment recorded yet.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Deployment history' }),
    ).not.toBeInTheDocument();
  });

  it('shows the history error and retries it on its own', async () => {
    const { api, getDeploymentHistory, getSummary } = loaded();
    getDeploymentHistory.mockRejectedValueOnce(new Error('upstream timeout'));

    await renderContent(api);

    expect(
      await screen.findByText(
        'Error: Rollback Guard could not load the deployment history',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('upstream timeout')).toBeInTheDocument();
    // The rest of the tab is there
    expect(await findRolloutTable()).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await historyRows()).toHaveLength(3);
    expect(getDeploymentHistory).toHaveBeenCalledTimes(2);
    expect(getSummary).toHaveBeenCalledTimes(1);
  });

  it('shows providers that could not answer, with their reason, next to what the others said', async () => {
    const { api, getRolloutStatus, getDeploymentHistory } = loaded();
    getRolloutStatus.mockResolvedValue(
      rolloutOf(ENTITY_REF, undefined, [LEDGER_OK, ARGO_UNKNOWN]),
    );
    getDeploymentHistory.mockResolvedValue(
      historyPage(ENTITY_REF, [CANARY], undefined, [LEDGER_OK, ARGO_UNKNOWN]),
    );

    await renderContent(api);

    expect(await historyRows()).toHaveLength(1);
    const alerts = await screen.findAllByRole('alert');
    // Once for the rollout status, once for the history
    expect(alerts.map(a => a.textContent)).toEqual([
      `Argo Rollouts: unknown — ${ARGO_REASON}`,
      `Argo Rollouts: unknown — ${ARGO_REASON}`,
    ]);
    expect(
      within(rowOf(await findRolloutTable(), 'production')).getByText(
        '20% on 1.5.0',
      ),
    ).toBeInTheDocument();
  });

  it('lists every annotation of a valid configuration', async () => {
    const { api } = loaded();

    await renderContent(api);

    expect(await screen.findByText(/Deployments are read/)).toHaveTextContent(
      `Deployments are read from the ledger provider. ${VALID_SENTENCE}`,
    );
    expect(screen.queryByText(/Some rollback-guard/)).not.toBeInTheDocument();
    // The entity ref is the card's subheader
    expect(screen.getByText(ENTITY_REF)).toBeInTheDocument();

    const items = annotationItems();
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(
      'rollback-guard/artifact: registry.example.com/team/payments-api',
    );
    expect(items[1]).toHaveTextContent(
      'rollback-guard/environments: staging, production',
    );
    expect(screen.getAllByTitle('valid')).toHaveLength(2);
    expect(screen.queryByTitle('invalid')).not.toBeInTheDocument();
  });

  it('lists valid and invalid annotations, with what to fix', async () => {
    const { api } = loaded(invalidSummary);

    await renderContent(api);

    expect(await screen.findByText(/Deployments are read/)).toHaveTextContent(
      `Deployments are read from the ledger, argo-cd and flagger providers. ${INVALID_SENTENCE}`,
    );
    expect(screen.queryByText(/Every rollback-guard/)).not.toBeInTheDocument();

    const items = annotationItems();
    expect(items).toHaveLength(3);

    expect(items[0]).toHaveTextContent(
      'rollback-guard/artifact: registry.example.com/team/payments-api',
    );
    expect(within(items[0]).getByTitle('valid')).toBeInTheDocument();

    expect(items[1]).toHaveTextContent('rollback-guard/environment: prod');
    expect(within(items[1]).getByTitle('invalid')).toBeInTheDocument();
    expect(within(items[1]).getByText(TYPO_MESSAGE)).toBeInTheDocument();

    expect(items[2]).toHaveTextContent('rollback-guard/provider: Argo CD');
    expect(within(items[2]).getByTitle('invalid')).toBeInTheDocument();
    expect(within(items[2]).getByText(PROVIDER_MESSAGE)).toBeInTheDocument();
  });
});
