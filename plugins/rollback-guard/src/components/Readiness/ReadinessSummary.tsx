import { Box, List, ListItem, Typography } from '@material-ui/core';
import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';
import { Age } from '../DeploymentParts';
import { FetchState, InlineError } from '../RollbackGuardStates';
import { callsForAction, RecommendationText } from './ReadinessParts';

/**
 * The card's word on the rollback risk, below the rollout table: one line for
 * each environment where Rollback Guard recommends acting, and when the
 * checks ran. A failure here says so on its own line, and the rest of the
 * card stands.
 */
export function ReadinessSummary(props: FetchState<ReadinessSnapshot>) {
  const { loading, error, value, retry } = props;
  if (error) {
    return (
      <Box mt={2}>
        <InlineError
          title="Could not load the rollback risk"
          error={error}
          retry={retry}
        />
      </Box>
    );
  }
  if (!value) {
    return loading ? (
      <Box mt={2}>
        <Typography variant="body2" color="textSecondary">
          Checking the rollback risk…
        </Typography>
      </Box>
    ) : null;
  }
  const acting = value.environments.filter(callsForAction);
  return (
    <Box mt={2}>
      {acting.length > 0 && (
        <List dense disablePadding aria-label="Recommendations">
          {acting.map(environment => (
            <ListItem key={environment.environment} disableGutters>
              <Typography variant="body2">
                <strong>{environment.environment}</strong> —{' '}
                <RecommendationText
                  recommendation={environment.recommendation}
                />
              </Typography>
            </ListItem>
          ))}
        </List>
      )}
      <Typography variant="caption" color="textSecondary">
        Checked <Age iso={value.computedAt} now={Date.now()} />
      </Typography>
    </Box>
  );
}
