import { Entity } from '@backstage/catalog-model';
import {
  Deployment,
  ReadinessSnapshot,
  RollbackGuardSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ARGO_REASON,
  ARGO_UNKNOWN,
  ARTIFACT_PASS,
  CANARY,
  deferred,
  deployment,
  findRolloutTable,
  historyPage,
  LEDGER_OK,
  makeApi,
  minutesAgo,
  NO_CANDIDATE_IN_STAGING,
  NOTHING_IN_STAGING,
  PAUSE_CANARY,
  PAUSE_ROLLING,
  PRODUCTION_READINESS,
  readinessOf,
  renderForEntity,
  ROLLING,
  rolloutOf,
  rowOf,
  SCHEMA_WARN,
  STABLE,
  STAGING_READINESS,
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
  mocks.getReadiness.mockResolvedValue(readiness());
  return mocks;
}

const COMPUTED_AT = minutesAgo(5);

/** The readiness of payments-api, computed five minutes ago. */
function readiness(): ReadinessSnapshot {
  return readinessOf(ENTITY_REF, undefined, COMPUTED_AT);
}

/** The section of the readiness card for this environment. */
function findEnvironment(environment: string) {
  return screen.findByRole('region', { name: `Readiness in ${environment}` });
}

/** The cards of the candidates shown in a section, in order. */
function candidatesIn(section: HTMLElement) {
  return within(section).getAllByRole('region', { name: /^Candidate / });
}

/** The check of a candidate card with this title, as its expand button. */
function checkButton(candidate: HTMLElement, title: string) {
  return within(candidate).getByRole('button', { name: new RegExp(title) });
}

/** The line "Computed <timestamp> (<age>)". */
function computedLine() {
  return screen.getByText(/^Computed /);
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
    const {
      api,
      getSummary,
      getRolloutStatus,
      getDeploymentHistory,
      getReadiness,
    } = makeApi();
    getSummary.mockReturnValue(new Promise(() => {}));
    getRolloutStatus.mockReturnValue(new Promise(() => {}));
    getDeploymentHistory.mockReturnValue(new Promise(() => {}));

    await renderContent(api);

    expect(screen.getByText('Rollout status')).toBeInTheDocument();
    expect(screen.getByText('Rollback readiness')).toBeInTheDocument();
    expect(screen.getByText('History')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Rollback Guard',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Loading deployment history' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Loading rollback readiness' }),
    ).toBeInTheDocument();
    expect(getReadiness).toHaveBeenCalledTimes(1);
    expect(getReadiness).toHaveBeenCalledWith(ENTITY_REF);
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
    expect(screen.queryByText('Rollback readiness')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Re-run checks' }),
    ).not.toBeInTheDocument();
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
  describe('rollback readiness', () => {
    it('shows when the checks ran', async () => {
      const { api } = loaded();

      await renderContent(api);

      await findEnvironment('production');
      const computed = computedLine();
      expect(computed).toHaveTextContent(
        `Computed ${formatTimestamp(COMPUTED_AT)} (5 min ago)`,
      );
      expect(within(computed).getByText('5 min ago')).toHaveAttribute(
        'dateTime',
        COMPUTED_AT,
      );
    });

    it('shows per environment its risk, what to do and why', async () => {
      const { api } = loaded();

      await renderContent(api);

      const production = await findEnvironment('production');
      expect(
        within(production).getByRole('heading', { name: 'production' }),
      ).toBeInTheDocument();
      // What runs there now
      expect(production).toHaveTextContent('runs 1.5.0, progressing');
      expect(production).toHaveTextContent(`Pause: ${PAUSE_CANARY}`);
      expect(within(production).getByText('Pause').tagName).toBe('STRONG');
      // The environment's risk comes first, before the candidates
      const [environmentBadge] = within(production).getAllByText(
        /^(low risk|medium risk|high risk|blocked)$/,
      );
      expect(environmentBadge).toHaveTextContent('medium risk');
      expect(candidatesIn(production)[0]).not.toContainElement(
        environmentBadge,
      );

      // Environments are in the snapshot's order
      expect(
        screen
          .getAllByRole('region', { name: /^Readiness in / })
          .map(section => section.getAttribute('aria-label')),
      ).toEqual(['Readiness in staging', 'Readiness in production']);
    });

    it('shows the candidates side by side, newest first, each with its risk, reasons and checks', async () => {
      const { api } = loaded();

      await renderContent(api);

      const production = await findEnvironment('production');
      const candidates = candidatesIn(production);
      expect(candidates.map(c => c.getAttribute('aria-label'))).toEqual([
        'Candidate 1.4.2',
        'Candidate 1.4.0',
      ]);
      // One grid item each, in one grid row that puts two or three abreast
      const [first, second] = candidates.map(c => c.parentElement!);
      expect(first.parentElement).toBe(second.parentElement);
      expect(first).toHaveClass('MuiGrid-item', 'MuiGrid-grid-md-6');
      expect(second).toHaveClass('MuiGrid-item', 'MuiGrid-grid-md-6');

      const [stable] = candidates;
      expect(
        within(stable).getByRole('heading', { name: 'Back to 1.4.2' }),
      ).toBeInTheDocument();
      expect(within(stable).getByText('medium risk')).toBeInTheDocument();
      expect(stable).toHaveTextContent(
        `Deployed ${formatTimestamp(STABLE.startedAt)} (3 days ago)`,
      );
      expect(
        within(within(stable).getByRole('list', { name: 'Reasons' }))
          .getAllByRole('listitem')
          .map(item => item.textContent),
      ).toEqual(PRODUCTION_READINESS.candidates[0].reasons);

      // Each check: its status as an icon and in words, its title and summary
      const checks = [
        ['Artifact availability', 'pass', 'status-ok', ARTIFACT_PASS.summary],
        ['Schema compatibility', 'warn', 'status-warning', SCHEMA_WARN.summary],
        [
          'Health',
          'unknown',
          'status-pending',
          'Prometheus did not answer within 2000 ms',
        ],
      ];
      for (const [title, status, testId, summary] of checks) {
        const button = checkButton(stable, title);
        expect(button).toHaveTextContent(`${status}${title}${summary}`);
        expect(within(button).getByTestId(testId)).toBeInTheDocument();
        expect(within(button).getAllByTestId(/^status-/)).toHaveLength(1);
      }
      // An unknown is never shown as a pass
      expect(checkButton(stable, 'Health')).not.toHaveTextContent(/pass/);
    });

    it('expands a check to its details, facts and fix', async () => {
      const { api } = loaded();

      await renderContent(api);

      const [stable] = candidatesIn(await findEnvironment('production'));
      const schema = checkButton(stable, 'Schema compatibility');
      expect(schema).toHaveAttribute('aria-expanded', 'false');
      expect(within(stable).queryByText('Fix:')).not.toBeInTheDocument();
      expect(
        within(stable).queryByText('20261101_add_refund_reason.sql'),
      ).not.toBeInTheDocument();

      await userEvent.click(schema);

      expect(schema).toHaveAttribute('aria-expanded', 'true');
      const value = await within(stable).findByText(
        '20261101_add_refund_reason.sql',
      );
      expect(value.tagName).toBe('DD');
      expect(value.previousElementSibling).toHaveTextContent('Migration');
      expect(
        within(stable).getByText(SCHEMA_WARN.details!),
      ).toBeInTheDocument();
      expect(within(stable).getByText('Fix:').parentElement).toHaveTextContent(
        'Fix: Give refunds.reason a default before going back',
      );
      expect(within(stable).getByText('Ran in 40 ms')).toBeInTheDocument();
      // Only the check that was opened
      expect(within(stable).getAllByText('Fix:')).toHaveLength(1);
      expect(
        within(stable).queryByText('sha256:4f2a9c'),
      ).not.toBeInTheDocument();

      await userEvent.click(checkButton(stable, 'Artifact availability'));

      const digest = await within(stable).findByText('sha256:4f2a9c');
      expect(digest.previousElementSibling).toHaveTextContent('Digest');
      expect(
        within(stable).getByText('registry.example.com/team/payments-api'),
      ).toBeInTheDocument();
    });

    it('shows a blocked candidate with the check that blocks it and the fix', async () => {
      const { api } = loaded();

      await renderContent(api);

      const [, old] = candidatesIn(await findEnvironment('production'));
      expect(within(old).getByText('blocked')).toHaveStyle({
        backgroundColor: '#7f0000',
      });
      expect(
        within(within(old).getByRole('list', { name: 'Reasons' })).getByText(
          'Artifact availability: sha256:77b1… is gone from registry.example.com',
        ),
      ).toBeInTheDocument();
      const artifact = checkButton(old, 'Artifact availability');
      expect(within(artifact).getByText('blocking')).toBeInTheDocument();
      expect(within(artifact).getByTestId('status-error')).toBeInTheDocument();
      expect(artifact).toHaveTextContent('fail');

      await userEvent.click(artifact);

      expect(
        (await within(old).findByText('Fix:')).parentElement,
      ).toHaveTextContent(
        'Fix: Rebuild 1.4.0 from its commit and push it again',
      );
      expect(within(old).getByText('sha256:77b1e0')).toBeInTheDocument();
      // What CI said, never presented as a signed-in person.
      expect(old).toHaveTextContent('CI says triggered by "alice"');
    });

    it('says so, with the reason, for an environment with no candidate', async () => {
      const { api } = loaded();

      await renderContent(api);

      const staging = await findEnvironment('staging');
      expect(
        within(staging).queryAllByRole('region', { name: /^Candidate / }),
      ).toHaveLength(0);
      expect(
        within(staging).getByText('No candidate to go back to.').parentElement,
      ).toHaveTextContent(
        `No candidate to go back to. ${NO_CANDIDATE_IN_STAGING}`,
      );
      expect(within(staging).getByText('blocked')).toBeInTheDocument();
      expect(staging).toHaveTextContent(`Pause: ${PAUSE_ROLLING}`);
    });

    it('leaves out environments where nothing is deployed', async () => {
      const { api, getReadiness } = loaded();
      getReadiness.mockResolvedValue(
        readinessOf(ENTITY_REF, [NOTHING_IN_STAGING], COMPUTED_AT),
      );

      await renderContent(api);

      expect(
        await screen.findByText(
          'Nothing is deployed yet, so there is nothing to go back from.',
        ),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('region', { name: /^Readiness in / }),
      ).not.toBeInTheDocument();
    });

    it('runs the checks again when asked, showing progress, then the new result', async () => {
      const { api, getReadiness, refreshReadiness } = loaded();
      const refreshed = deferred<ReadinessSnapshot>();
      refreshReadiness.mockReturnValue(refreshed.promise);

      await renderContent(api);

      const production = await findEnvironment('production');
      expect(candidatesIn(production)).toHaveLength(2);
      expect(
        screen.queryByRole('progressbar', { name: 'Running the checks again' }),
      ).not.toBeInTheDocument();

      await userEvent.click(
        screen.getByRole('button', { name: 'Re-run checks' }),
      );

      expect(refreshReadiness).toHaveBeenCalledTimes(1);
      expect(refreshReadiness).toHaveBeenCalledWith(ENTITY_REF);
      expect(
        screen.getByRole('button', { name: 'Re-run checks' }),
      ).toBeDisabled();
      expect(
        screen.getByRole('progressbar', { name: 'Running the checks again' }),
      ).toBeInTheDocument();
      // What was there stays while the checks run
      expect(candidatesIn(production)).toHaveLength(2);

      const computedAt = new Date().toISOString();
      refreshed.resolve(
        readinessOf(
          ENTITY_REF,
          [
            STAGING_READINESS,
            {
              ...PRODUCTION_READINESS,
              risk: 'low',
              reasons: ['All 2 checks passed'],
              candidates: [
                {
                  candidate: STABLE,
                  risk: 'low',
                  reasons: ['All 2 checks passed'],
                  checks: [
                    ARTIFACT_PASS,
                    {
                      ...SCHEMA_WARN,
                      status: 'pass',
                      summary: 'No migration since 1.4.2',
                    },
                  ],
                },
              ],
            },
          ],
          computedAt,
        ),
      );

      await waitFor(() =>
        expect(computedLine()).toHaveTextContent(
          `Computed ${formatTimestamp(computedAt)} (just now)`,
        ),
      );
      const after = await findEnvironment('production');
      const candidates = candidatesIn(after);
      expect(candidates.map(c => c.getAttribute('aria-label'))).toEqual([
        'Candidate 1.4.2',
      ]);
      expect(within(candidates[0]).getByText('low risk')).toBeInTheDocument();
      expect(
        checkButton(candidates[0], 'Schema compatibility'),
      ).toHaveTextContent('passSchema compatibilityNo migration since 1.4.2');
      // The rollout table's risk follows
      expect(
        within(rowOf(await findRolloutTable(), 'production')).getByText(
          'low risk',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Re-run checks' }),
      ).toBeEnabled();
      expect(
        screen.queryByRole('progressbar', { name: 'Running the checks again' }),
      ).not.toBeInTheDocument();
      // Not fetched again: the refresh answered with the new snapshot
      expect(getReadiness).toHaveBeenCalledTimes(1);
    });

    it('keeps the result it had and says why when the checks cannot run again', async () => {
      const { api, refreshReadiness } = loaded();
      refreshReadiness
        .mockRejectedValueOnce(new Error('Prometheus is unreachable'))
        .mockResolvedValueOnce(
          readinessOf(ENTITY_REF, undefined, minutesAgo(0)),
        );

      await renderContent(api);
      await findEnvironment('production');

      await userEvent.click(
        screen.getByRole('button', { name: 'Re-run checks' }),
      );

      expect(
        await screen.findByText(
          'Could not re-run the checks: Prometheus is unreachable',
        ),
      ).toHaveAttribute('role', 'alert');
      // The snapshot from before is still there, with its time
      expect(computedLine()).toHaveTextContent('(5 min ago)');
      const production = await findEnvironment('production');
      expect(candidatesIn(production)).toHaveLength(2);
      expect(
        within(candidatesIn(production)[0]).getByText('medium risk'),
      ).toBeInTheDocument();
      expect(
        within(rowOf(await findRolloutTable(), 'production')).getByText(
          'medium risk',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Re-run checks' }),
      ).toBeEnabled();

      // Trying again clears the error
      await userEvent.click(
        screen.getByRole('button', { name: 'Re-run checks' }),
      );

      await waitFor(() =>
        expect(computedLine()).toHaveTextContent('(just now)'),
      );
      expect(
        screen.queryByText(/Could not re-run the checks/),
      ).not.toBeInTheDocument();
      expect(refreshReadiness).toHaveBeenCalledTimes(2);
    });

    it('shows the readiness error on its own, with the rest of the tab', async () => {
      const { api, getReadiness } = loaded();
      getReadiness.mockReset();
      getReadiness
        .mockRejectedValueOnce(new Error('readiness store is unavailable'))
        .mockResolvedValueOnce(readiness());

      await renderContent(api);

      expect(
        await screen.findByText(
          'Error: Rollback Guard could not load the rollback readiness',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText('readiness store is unavailable'),
      ).toBeInTheDocument();
      expect(await findRolloutTable()).toBeInTheDocument();
      expect(await historyRows()).toHaveLength(3);

      await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

      expect(await findEnvironment('production')).toBeInTheDocument();
      expect(getReadiness).toHaveBeenCalledTimes(2);
      expect(
        screen.queryByText(/could not load the rollback readiness/),
      ).not.toBeInTheDocument();
    });
  });
});
