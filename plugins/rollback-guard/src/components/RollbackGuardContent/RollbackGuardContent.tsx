import { Content, InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { useRollbackGuardSummary } from '../../hooks/useRollbackGuardSummary';
import { AnnotationStatusList } from '../AnnotationStatusList';
import { SummaryStates } from '../RollbackGuardStates';

/**
 * The Rollback Guard tab of an entity page.
 *
 * @public
 */
export function RollbackGuardContent() {
  const state = useRollbackGuardSummary();
  return (
    <Content noPadding>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="Configuration"
            subheader={state.value ? state.value.entityRef : undefined}
          >
            <SummaryStates {...state}>
              {summary => (
                <>
                  <Typography variant="body2">
                    Deployments are read from the{' '}
                    <strong>{summary.provider}</strong> provider.{' '}
                    {summary.valid
                      ? 'Every rollback-guard/ annotation is valid.'
                      : "Some rollback-guard/ annotations are invalid: fix them in the entity's catalog-info.yaml."}
                  </Typography>
                  <AnnotationStatusList annotations={summary.annotations} />
                </>
              )}
            </SummaryStates>
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
