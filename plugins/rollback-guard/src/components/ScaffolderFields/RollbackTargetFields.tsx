import {
  Box,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  List,
  ListItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../../api';
import { RecommendationText } from '../Readiness/ReadinessParts';
import { RiskBadge } from '../RiskBadge';
import { InlineError } from '../RollbackGuardStates';

type Options = {
  /** The form field holding the entity ref (default `entity`). */
  entityField?: string;
  /** The form field holding the environment (default `environment`). */
  environmentField?: string;
};

type Props = FieldExtensionComponentProps<string, Options>;

function formValue(props: Props, key: string | undefined, fallback: string) {
  const data = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  const value = data[key ?? fallback];
  return typeof value === 'string' && value ? value : undefined;
}

/** The entity's readiness, as the person filling the form may see it. */
function useReadiness(entityRef: string | undefined) {
  const api = useApi(rollbackGuardApiRef);
  return useAsyncRetry(
    async (): Promise<ReadinessSnapshot | undefined> =>
      entityRef ? api.getReadiness(entityRef) : undefined,
    [api, entityRef],
  );
}

function Waiting(props: { text: string }) {
  return (
    <Typography variant="body2" color="textSecondary">
      {props.text}
    </Typography>
  );
}

/**
 * `ui:field: RollbackGuardEnvironmentPicker`: one of the environments the
 * chosen entity has deployments in, each with what runs there now.
 */
export function RollbackGuardEnvironmentPicker(props: Props) {
  const entityRef = formValue(
    props,
    props.uiSchema?.['ui:options']?.entityField,
    'entity',
  );
  const { value, loading, error, retry } = useReadiness(entityRef);
  const label = props.schema.title ?? 'Environment';
  if (!entityRef)
    return <Waiting text={`${label}: choose the service first.`} />;
  if (error) {
    return (
      <InlineError
        title="Could not load the service's environments"
        error={error}
        retry={retry}
      />
    );
  }
  if (loading || !value) return <Waiting text="Loading the environments…" />;
  if (value.environments.length === 0) {
    return (
      <Waiting
        text={`${entityRef} has no recorded deployment: there is nothing to go back from.`}
      />
    );
  }
  return (
    <TextField
      select
      id={props.idSchema?.$id}
      label={label}
      required={props.required}
      value={props.formData ?? ''}
      onChange={event => props.onChange(event.target.value || undefined)}
      error={(props.rawErrors?.length ?? 0) > 0}
      helperText={props.schema.description}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      margin="normal"
      fullWidth
    >
      <option value="" />
      {value.environments.map(env => (
        <option key={env.environment} value={env.environment}>
          {env.environment}
          {env.current
            ? ` — now ${env.current.version} (${env.current.state})`
            : ''}
        </option>
      ))}
    </TextField>
  );
}

/**
 * `ui:field: RollbackGuardCandidatePicker`: the candidates to go back to in
 * the chosen environment, each with its risk and the reasons, under the
 * environment's recommendation; the value is the chosen version.
 */
export function RollbackGuardCandidatePicker(props: Props) {
  const options = props.uiSchema?.['ui:options'] ?? {};
  const entityRef = formValue(props, options.entityField, 'entity');
  const environment = formValue(props, options.environmentField, 'environment');
  const { value, loading, error, retry } = useReadiness(entityRef);
  const label = props.schema.title ?? 'Version to go back to';
  if (!entityRef || !environment) {
    return (
      <Waiting text={`${label}: choose the service and environment first.`} />
    );
  }
  if (error) {
    return (
      <InlineError
        title="Could not load the rollback readiness"
        error={error}
        retry={retry}
      />
    );
  }
  if (loading || !value) return <Waiting text="Checking the rollback risk…" />;
  const readiness = value.environments.find(e => e.environment === environment);
  if (!readiness) {
    return (
      <Waiting text={`${entityRef} has no deployment in ${environment}.`} />
    );
  }
  return (
    <FormControl
      component="fieldset"
      margin="normal"
      required={props.required}
      error={(props.rawErrors?.length ?? 0) > 0}
      fullWidth
    >
      <FormLabel component="legend">{label}</FormLabel>
      <Box mt={1} mb={1}>
        <Typography variant="body2">
          Now in <strong>{environment}</strong>:{' '}
          {readiness.current
            ? `${readiness.current.version} (${readiness.current.state})`
            : 'nothing'}
          . Going back: <RiskBadge risk={readiness.risk} />
        </Typography>
        <Typography variant="body2">
          Recommendation:{' '}
          <RecommendationText recommendation={readiness.recommendation} />
        </Typography>
      </Box>
      {readiness.candidates.length === 0 ? (
        <FormHelperText>
          There is no earlier successful deployment to go back to.
        </FormHelperText>
      ) : (
        <RadioGroup
          aria-label={label}
          value={props.formData ?? ''}
          onChange={event => props.onChange(event.target.value)}
        >
          {readiness.candidates.map(c => (
            <Box key={c.candidate.id} mb={1}>
              <FormControlLabel
                value={c.candidate.version}
                control={<Radio />}
                label={
                  <span>
                    {c.candidate.version} <RiskBadge risk={c.risk} />
                  </span>
                }
              />
              <List
                dense
                disablePadding
                aria-label={`Why ${c.candidate.version} is ${c.risk}`}
              >
                {c.reasons.map(reason => (
                  <ListItem key={reason} dense>
                    <Typography variant="caption" color="textSecondary">
                      {reason}
                    </Typography>
                  </ListItem>
                ))}
              </List>
            </Box>
          ))}
        </RadioGroup>
      )}
      {props.schema.description && (
        <FormHelperText>{props.schema.description}</FormHelperText>
      )}
    </FormControl>
  );
}
