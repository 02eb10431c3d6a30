import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RollbackGuardApi, rollbackGuardApiRef } from '../../api';
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
  provider: 'argo-rollouts',
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
  provider: 'ledger',
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

function makeApi() {
  const getSummary = jest.fn<
    ReturnType<RollbackGuardApi['getSummary']>,
    Parameters<RollbackGuardApi['getSummary']>
  >();
  const api: RollbackGuardApi = { getSummary };
  return { api, getSummary };
}

async function renderCard(api: RollbackGuardApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[rollbackGuardApiRef, api]]}>
      <EntityProvider entity={entity}>
        <RollbackGuardCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('RollbackGuardCard', () => {
  it('shows a progress indicator while the summary is loading', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockReturnValue(new Promise(() => {}));

    await renderCard(api);

    expect(screen.getByText('Rollback Guard')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Rollback Guard',
      }),
    ).toBeInTheDocument();
    expect(getSummary).toHaveBeenCalledTimes(1);
    expect(getSummary).toHaveBeenCalledWith(ENTITY_REF);
    expect(screen.queryByText(/Provider:/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Try again' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error and retries when asked', async () => {
    const { api, getSummary } = makeApi();
    getSummary
      .mockRejectedValueOnce(new Error('Rollback Guard backend is down'))
      .mockResolvedValueOnce(validSummary);

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
    expect(getSummary).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(getSummary).toHaveBeenCalledTimes(2));
    expect(getSummary).toHaveBeenLastCalledWith(ENTITY_REF);
    expect(await screen.findByText('Configuration valid')).toBeInTheDocument();
    expect(
      screen.queryByText('Error: Rollback Guard could not load this entity'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Try again' }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's message for a ResponseError", async () => {
    const { api, getSummary } = makeApi();
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
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue({
      entityRef: ENTITY_REF,
      provider: 'ledger',
      valid: true,
      annotations: [],
    });

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
    expect(screen.queryByText(/Provider:/)).not.toBeInTheDocument();
    expect(screen.queryByText('Configuration valid')).not.toBeInTheDocument();
  });

  it('shows the provider, environments and a valid configuration', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue(validSummary);

    await renderCard(api);

    expect(await screen.findByText('Configuration valid')).toBeInTheDocument();
    expect(screen.getByText(/Provider:/)).toHaveTextContent(
      'Provider: argo-rollouts',
    );
    const environments = screen.getByLabelText('Environments');
    expect(within(environments).getByText('staging')).toBeInTheDocument();
    expect(within(environments).getByText('production')).toBeInTheDocument();
    expect(environments).toHaveTextContent(/^stagingproduction$/);
    expect(screen.queryByText(/need(s)? fixing/)).not.toBeInTheDocument();
    // Only invalid annotations are listed on the card
    expect(
      within(
        screen.getByRole('list', { name: 'Rollback Guard annotations' }),
      ).queryAllByRole('listitem'),
    ).toHaveLength(0);
    expect(screen.queryByTitle('invalid')).not.toBeInTheDocument();
    expect(getSummary).toHaveBeenCalledWith(ENTITY_REF);
  });

  it('lists the annotations that need fixing', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue(invalidSummary);

    await renderCard(api);

    expect(
      await screen.findByText('2 annotations need fixing'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Configuration valid')).not.toBeInTheDocument();
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
    // An invalid environments annotation yields no environment chips
    expect(screen.getByLabelText('Environments')).toBeEmptyDOMElement();
  });

  it('uses the singular for a single annotation that needs fixing', async () => {
    const { api, getSummary } = makeApi();
    getSummary.mockResolvedValue({
      ...invalidSummary,
      annotations: [invalidSummary.annotations[0], validSummary.annotations[1]],
    });

    await renderCard(api);

    expect(
      await screen.findByText('1 annotation needs fixing'),
    ).toBeInTheDocument();
    expect(screen.getByText(ARTIFACT_MESSAGE)).toBeInTheDocument();
    const environments = screen.getByLabelText('Environments');
    expect(within(environments).getByText('staging')).toBeInTheDocument();
    expect(within(environments).getByText('production')).toBeInTheDocument();
  });
});
