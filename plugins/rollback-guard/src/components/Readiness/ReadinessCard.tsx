import { InfoCard } from '@backstage/core-components';
import {
  Box,
  Button,
  Grid,
  LinearProgress,
  Typography,
} from '@material-ui/core';
import ReplayIcon from '@material-ui/icons/Replay';
import {
  ActionRequest,
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ActionButton } from '../Actions';
import { ReadinessState } from '../../hooks/useReadiness';
import { Age, DeploymentStateLabel, Version } from '../DeploymentParts';
import { formatTimestamp } from '../format';
import { HealthPanel } from '../Health';
import { RiskBadge } from '../RiskBadge';
import { FetchStates, InlineError } from '../RollbackGuardStates';
import { CandidateCard } from '../shared/CandidateCard';
import { RecommendationText } from './ReadinessParts';

/**
 * One environment: what runs there, the risk of going back and what to do,
 * then the candidates side by side, newest first.
 */
function EnvironmentSection(props: {
  readiness: EnvironmentReadiness;
  now: number;
  entityRef: string;
  computedAt: string;
  onActionRequested?: (action: ActionRequest) => void;
}) {
  const { environment, current, candidates, risk, reasons, recommendation } =
    props.readiness;
  return (
    <Box component="section" aria-label={`Readiness in ${environment}`} mb={3}>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={12}>
        <Typography variant="h6" component="h3">
          {environment}
        </Typography>
        <RiskBadge risk={risk} title={reasons[0]} />
        {current && (
          <Typography variant="body2" color="textSecondary" component="span">
            runs <Version deployment={current} />,{' '}
            <DeploymentStateLabel state={current.state} />
          </Typography>
        )}
        {current && (
          <ActionButton
            entityRef={props.entityRef}
            readiness={props.readiness}
            computedAt={props.computedAt}
            onRequested={props.onActionRequested}
          />
        )}
      </Box>
      <Box my={1}>
        <Typography variant="body2">
          <RecommendationText recommendation={recommendation} />
        </Typography>
      </Box>
      {props.readiness.health && (
        <HealthPanel health={props.readiness.health} />
      )}
      {candidates.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          <strong>No candidate to go back to.</strong> {reasons.join('. ')}
        </Typography>
      ) : (
        <Grid container spacing={2}>
          {candidates.map(candidate => (
            <Grid
              item
              xs={12}
              md={6}
              lg={4}
              key={`${candidate.candidate.provider}:${candidate.candidate.id}`}
            >
              <CandidateCard readiness={candidate} now={props.now} />
            </Grid>
          ))}
        </Grid>
      )}
    </Box>
  );
}

function ReadinessDetails(props: {
  snapshot: ReadinessSnapshot;
  onActionRequested?: (action: ActionRequest) => void;
}) {
  const { snapshot } = props;
  const now = Date.now();
  // Where nothing is deployed, there is nothing to go back from.
  const deployed = snapshot.environments.filter(e => e.current);
  return (
    <>
      <Box mb={2}>
        <Typography variant="body2" color="textSecondary">
          Computed {formatTimestamp(snapshot.computedAt)} (
          <Age iso={snapshot.computedAt} now={now} />)
        </Typography>
      </Box>
      {deployed.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          Nothing is deployed yet, so there is nothing to go back from.
        </Typography>
      ) : (
        deployed.map(environment => (
          <EnvironmentSection
            key={environment.environment}
            readiness={environment}
            now={now}
            entityRef={snapshot.entityRef}
            computedAt={snapshot.computedAt}
            onActionRequested={props.onActionRequested}
          />
        ))
      )}
    </>
  );
}

/**
 * The tab's rollback readiness: per environment, the risk of going back,
 * what Rollback Guard recommends, the candidates with every check, and a
 * button to act on it; and a button to run the checks again.
 */
export function ReadinessCard(props: {
  readiness: ReadinessState;
  /** Called when someone requests an action from an environment's dialog. */
  onActionRequested?: (action: ActionRequest) => void;
}) {
  const { refresh, refreshing, refreshError, ...state } = props.readiness;
  return (
    <InfoCard
      title="Rollback readiness"
      action={
        <Button
          variant="outlined"
          startIcon={<ReplayIcon />}
          onClick={refresh}
          disabled={refreshing}
          style={{ marginTop: 8 }}
        >
          Re-run checks
        </Button>
      }
    >
      {refreshing && (
        <Box mb={2}>
          <LinearProgress aria-label="Running the checks again" />
          <Typography variant="caption" color="textSecondary">
            Running every check again; this can take a few seconds.
          </Typography>
        </Box>
      )}
      {refreshError && (
        <Box mb={2}>
          <InlineError
            title="Could not re-run the checks"
            error={refreshError}
          />
        </Box>
      )}
      <FetchStates
        {...state}
        loadingLabel="Loading rollback readiness"
        errorTitle="Rollback Guard could not load the rollback readiness"
      >
        {snapshot => (
          <ReadinessDetails
            snapshot={snapshot}
            onActionRequested={props.onActionRequested}
          />
        )}
      </FetchStates>
    </InfoCard>
  );
}
