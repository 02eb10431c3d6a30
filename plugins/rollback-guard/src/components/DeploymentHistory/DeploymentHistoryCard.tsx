import { InfoCard } from '@backstage/core-components';
import {
  Box,
  Button,
  MenuItem,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  Deployment,
  FINISHED_DEPLOYMENT_STATES,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useState } from 'react';
import {
  LoadedHistory,
  useDeploymentHistory,
} from '../../hooks/useDeploymentHistory';
import {
  DeploymentStateLabel,
  DeploymentTable,
  StrategyChip,
  TimestampCell,
  Version,
} from '../DeploymentParts';
import { formatDuration } from '../format';
import { FetchStates } from '../RollbackGuardStates';

const ALL = '';

const COLUMNS = [
  'Started',
  'Environment',
  'Version',
  'Strategy',
  'Triggered by (as CI reported)',
  'Duration',
  'Outcome',
];

function duration(deployment: Deployment): string {
  if (deployment.finishedAt) {
    return formatDuration(
      Date.parse(deployment.finishedAt) - Date.parse(deployment.startedAt),
    );
  }
  return FINISHED_DEPLOYMENT_STATES.includes(deployment.state)
    ? '—'
    : 'running';
}

function HistoryRow(props: { deployment: Deployment; now: number }) {
  const { deployment, now } = props;
  return (
    <TableRow>
      <TimestampCell iso={deployment.startedAt} now={now} />
      <TableCell>{deployment.environment}</TableCell>
      <TableCell>
        <Version deployment={deployment} />
      </TableCell>
      <TableCell>
        <StrategyChip strategy={deployment.strategy} />
      </TableCell>
      <TableCell>{deployment.triggeredBy ?? '—'}</TableCell>
      <TableCell>{duration(deployment)}</TableCell>
      <TableCell>
        <DeploymentStateLabel state={deployment.state} />
      </TableCell>
    </TableRow>
  );
}

function HistoryTable(props: {
  history: LoadedHistory;
  environment: string;
  loadMore: () => void;
  loadingMore: boolean;
  loadMoreError?: Error;
}) {
  const { history, environment } = props;
  const now = Date.now();
  return (
    <>
      <DeploymentTable
        label="Deployment history"
        columns={COLUMNS}
        sources={history.unknownSources}
        emptyText={
          environment
            ? `No deployment to ${environment} recorded yet.`
            : 'No deployment recorded yet.'
        }
        rows={history.items.map(deployment => (
          <HistoryRow
            key={`${deployment.provider}:${deployment.id}`}
            deployment={deployment}
            now={now}
          />
        ))}
      />
      {history.nextCursor && (
        <Box mt={2} display="flex" alignItems="center" gridGap={16}>
          <Button
            variant="outlined"
            onClick={props.loadMore}
            disabled={props.loadingMore}
          >
            Load older deployments
          </Button>
          {props.loadMoreError && (
            <Typography variant="body2" color="error">
              Could not load older deployments: {props.loadMoreError.message}
            </Typography>
          )}
        </Box>
      )}
    </>
  );
}

/**
 * The entity's deployments, newest first, a page at a time, optionally for
 * one environment.
 */
export function DeploymentHistoryCard(props: {
  entityRef: string;
  /** The environments to filter by. */
  environments: string[];
}) {
  const [environment, setEnvironment] = useState(ALL);
  const { value, loading, error, retry, ...more } = useDeploymentHistory(
    props.entityRef,
    environment || undefined,
  );
  const filter =
    props.environments.length > 0 ? (
      <TextField
        id="rollback-guard-history-environment"
        select
        size="small"
        variant="outlined"
        label="Environment"
        value={environment}
        onChange={event => setEnvironment(event.target.value)}
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        style={{ minWidth: 160, marginTop: 8 }}
      >
        <MenuItem value={ALL}>All</MenuItem>
        {props.environments.map(name => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
      </TextField>
    ) : undefined;

  return (
    <InfoCard title="History" action={filter}>
      <FetchStates
        loading={loading}
        error={error}
        value={value}
        retry={retry}
        loadingLabel="Loading deployment history"
        errorTitle="Rollback Guard could not load the deployment history"
      >
        {history => (
          <HistoryTable history={history} environment={environment} {...more} />
        )}
      </FetchStates>
    </InfoCard>
  );
}
