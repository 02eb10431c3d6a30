import { InfoCard } from '@backstage/core-components';
import { Box, Chip, Typography } from '@material-ui/core';
import {
  ANNOTATION_ENVIRONMENTS,
  parseEnvironments,
  RollbackGuardSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useRollbackGuardSummary } from '../../hooks/useRollbackGuardSummary';
import { AnnotationStatusList } from '../AnnotationStatusList';
import { SummaryStates } from '../RollbackGuardStates';

function environmentsOf(summary: RollbackGuardSummary): string[] {
  const annotation = summary.annotations.find(
    a => a.name === ANNOTATION_ENVIRONMENTS && a.valid,
  );
  return annotation ? parseEnvironments(annotation.value) : [];
}

function CardBody(props: { summary: RollbackGuardSummary }) {
  const { summary } = props;
  const invalid = summary.annotations.filter(a => !a.valid);
  const environments = environmentsOf(summary);
  return (
    <>
      <Typography variant="body2" gutterBottom>
        Provider: <strong>{summary.provider}</strong>
      </Typography>
      <Box mb={1} aria-label="Environments">
        {environments.map(name => (
          <Chip key={name} size="small" label={name} />
        ))}
      </Box>
      <Typography
        variant="subtitle2"
        color={invalid.length ? 'error' : 'initial'}
      >
        {invalid.length === 0
          ? 'Configuration valid'
          : `${invalid.length} annotation${
              invalid.length > 1 ? 's need' : ' needs'
            } fixing`}
      </Typography>
      <AnnotationStatusList dense annotations={invalid} />
    </>
  );
}

/**
 * The Rollback Guard card for an entity's overview page.
 *
 * @public
 */
export function RollbackGuardCard() {
  const state = useRollbackGuardSummary();
  return (
    <InfoCard title="Rollback Guard">
      <SummaryStates {...state}>
        {summary => <CardBody summary={summary} />}
      </SummaryStates>
    </InfoCard>
  );
}
