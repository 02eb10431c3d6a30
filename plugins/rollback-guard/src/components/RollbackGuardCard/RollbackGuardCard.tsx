import { InfoCard } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { useActions } from '../../hooks/useActions';
import { useReadiness } from '../../hooks/useReadiness';
import { CardActions } from '../Actions';
import { useRollbackGuardOverview } from '../../hooks/useRollbackGuardOverview';
import { AnnotationStatusList } from '../AnnotationStatusList';
import { ReadinessSummary } from '../Readiness';
import { OverviewStates } from '../RollbackGuardStates';
import { RolloutStatusTable } from '../RolloutStatusTable';

/** The annotations that need fixing, if any, with what is wrong. */
function InvalidAnnotations(props: { summary: RollbackGuardSummary }) {
  const invalid = props.summary.annotations.filter(a => !a.valid);
  if (invalid.length === 0) {
    return null;
  }
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" color="error">
        {`${invalid.length} annotation${
          invalid.length > 1 ? 's need' : ' needs'
        } fixing`}
      </Typography>
      <AnnotationStatusList dense annotations={invalid} />
    </Box>
  );
}

/**
 * The Rollback Guard card for an entity's overview page.
 *
 * @public
 */
export function RollbackGuardCard() {
  const state = useRollbackGuardOverview();
  // Fetched alongside the overview; when it fails, the rollout still shows.
  const readiness = useReadiness(state.entityRef);
  const { actions, refresh } = useActions(state.entityRef, {
    withAudit: false,
  });
  return (
    <InfoCard title="Rollback Guard">
      <OverviewStates {...state}>
        {({ summary, rollout }) => (
          <>
            <RolloutStatusTable
              compact
              rollout={rollout}
              readiness={readiness.value}
            />
            <ReadinessSummary {...readiness} />
            {summary.annotations.length > 0 && (
              <CardActions
                entityRef={state.entityRef}
                snapshot={readiness.value}
                actions={actions}
                onChanged={refresh}
              />
            )}
            <InvalidAnnotations summary={summary} />
          </>
        )}
      </OverviewStates>
    </InfoCard>
  );
}
