import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeApi,
  PAUSE_CANARY,
  readinessOf,
  responseError,
} from '../../__testUtils__/fixtures';
import { RollbackGuardApi, rollbackGuardApiRef } from '../../api';
import {
  RollbackGuardCandidatePicker,
  RollbackGuardEnvironmentPicker,
} from './RollbackTargetFields';

const ENTITY_REF = 'component:default/payments-api';

/** The props the scaffolder form gives a field, with the form's data so far. */
function fieldProps(
  formData: Record<string, unknown>,
  title: string,
  onChange = jest.fn(),
  value?: string,
) {
  return {
    formData: value,
    onChange,
    formContext: { formData },
    schema: { type: 'string', title },
    uiSchema: {},
    required: true,
    rawErrors: [],
    idSchema: { $id: `root_${title}` },
  } as any;
}

async function render(api: RollbackGuardApi, element: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider apis={[[rollbackGuardApiRef, api]]}>
      {element}
    </TestApiProvider>,
  );
}

describe('RollbackGuardEnvironmentPicker', () => {
  it('offers the environments of the chosen service with what runs there now', async () => {
    const { api, getReadiness } = makeApi();
    getReadiness.mockResolvedValue(readinessOf(ENTITY_REF));
    const onChange = jest.fn();
    await render(
      api,
      <RollbackGuardEnvironmentPicker
        {...fieldProps({ entity: ENTITY_REF }, 'Environment', onChange)}
      />,
    );
    const select = await screen.findByRole('combobox', {
      name: /Environment/,
    });
    expect(getReadiness).toHaveBeenCalledWith(ENTITY_REF);
    expect(
      within(select)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      '',
      'staging — now 1.5.1 (progressing)',
      'production — now 1.5.0 (progressing)',
    ]);
    await userEvent.selectOptions(select, 'production');
    expect(onChange).toHaveBeenCalledWith('production');
  });

  it('waits for the service to be chosen', async () => {
    const { api, getReadiness } = makeApi();
    await render(
      api,
      <RollbackGuardEnvironmentPicker {...fieldProps({}, 'Environment')} />,
    );
    expect(
      screen.getByText('Environment: choose the service first.'),
    ).toBeInTheDocument();
    expect(getReadiness).not.toHaveBeenCalled();
  });

  it("says so when the service's readiness cannot be read", async () => {
    const { api, getReadiness } = makeApi();
    getReadiness.mockRejectedValue(
      await responseError({
        path: '/readiness',
        status: 404,
        statusText: 'Not Found',
        name: 'NotFoundError',
        message: `No entity ${ENTITY_REF} in the catalog`,
      }),
    );
    await render(
      api,
      <RollbackGuardEnvironmentPicker
        {...fieldProps({ entity: ENTITY_REF }, 'Environment')}
      />,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      `Could not load the service's environments: No entity ${ENTITY_REF} in the catalog`,
    );
  });
});

describe('RollbackGuardCandidatePicker', () => {
  it('shows each candidate with its risk and reasons under the recommendation, and picks one', async () => {
    const { api, getReadiness } = makeApi();
    getReadiness.mockResolvedValue(readinessOf(ENTITY_REF));
    const onChange = jest.fn();
    await render(
      api,
      <RollbackGuardCandidatePicker
        {...fieldProps(
          { entity: ENTITY_REF, environment: 'production' },
          'Version to go back to',
          onChange,
        )}
      />,
    );
    expect(await screen.findByText(/^Recommendation:/)).toHaveTextContent(
      `Recommendation: Pause: ${PAUSE_CANARY}`,
    );
    const medium = screen.getByRole('radio', { name: /^1\.4\.2/ });
    expect(screen.getByRole('radio', { name: /^1\.4\.0/ })).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Why 1.4.2 is medium' }),
      ).getByText(
        'Schema compatibility: Column refunds.reason was added NOT NULL since 1.4.2',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Why 1.4.0 is blocked' }),
    ).toHaveTextContent('is gone from registry.example.com');
    await userEvent.click(medium);
    expect(onChange).toHaveBeenCalledWith('1.4.2');
  });

  it('says when there is nothing to go back to', async () => {
    const { api, getReadiness } = makeApi();
    getReadiness.mockResolvedValue(readinessOf(ENTITY_REF));
    await render(
      api,
      <RollbackGuardCandidatePicker
        {...fieldProps(
          { entity: ENTITY_REF, environment: 'staging' },
          'Version to go back to',
        )}
      />,
    );
    expect(
      await screen.findByText(
        'There is no earlier successful deployment to go back to.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
  });
});
