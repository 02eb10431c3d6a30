import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RollbackGuardApi, rollbackGuardApiRef } from '../../api';
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
  provider: 'ledger',
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
  provider: 'Argo CD',
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

function makeApi() {
  const getSummary = jest.fn<
    ReturnType<RollbackGuardApi['getSummary']>,
    Parameters<RollbackGuardApi['getSummary']>
  >();
  const api: RollbackGuardApi = { getSummary };
  return { api, getSummary };
}

async function renderContent(api: RollbackGuardApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[rollbackGuardApiRef, api]]}>
      <EntityProvider entity={entity}>
        <RollbackGuardContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

function annotationItems() {
  return within(
    screen.getByRole('list', { name: 'Rollback Guard annotations' }),
  ).getAllByRole('listitem');
}

describe('RollbackGuardContent', () => {
  it('shows a progress indicator while the summary is loading', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockReturnValue(new Promise(() => {}));

    await renderContent(api);

    expect(screen.getByText('Configuration')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Rollback Guard',
      }),
    ).toBeInTheDocument();
    expect(getSummary).toHaveBeenCalledWith(ENTITY_REF);
    expect(screen.queryByText(ENTITY_REF)).not.toBeInTheDocument();
  });

  it('shows the error and retries when asked', async () => {
    const { api, getSummary } = makeApi();
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

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(getSummary).toHaveBeenCalledTimes(2));
    expect(await screen.findByText(/Every rollback-guard/)).toBeInTheDocument();
    expect(
      screen.queryByText('Error: Rollback Guard could not load this entity'),
    ).not.toBeInTheDocument();
  });

  it('explains how to set up Rollback Guard when there are no annotations', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue({
      entityRef: ENTITY_REF,
      provider: 'ledger',
      valid: true,
      annotations: [],
    });

    await renderContent(api);

    expect(
      await screen.findByText('Rollback Guard is not set up for this entity'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Deployments are read/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Rollback Guard annotations' }),
    ).not.toBeInTheDocument();
  });

  it('lists every annotation of a valid configuration', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue(validSummary);

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
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue(invalidSummary);

    await renderContent(api);

    expect(await screen.findByText(/Deployments are read/)).toHaveTextContent(
      `Deployments are read from the Argo CD provider. ${INVALID_SENTENCE}`,
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
