import { Box, TableCell, TableRow, Typography } from '@material-ui/core';
import {
  EnvironmentReadiness,
  ReadinessSnapshot,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  Age,
  DeploymentStateLabel,
  RolloutProgress,
  DeploymentTable,
  StrategyChip,
  Version,
} from '../DeploymentParts';
import { HealthVerdictBadge } from '../Health';
import { RiskBadge } from '../RiskBadge';

/** One environment of a rollout status. */
export type EnvironmentRollout = RolloutStatus['environments'][number];

const COLUMNS = [
  'Environment',
  'Version',
  'Strategy',
  'State',
  'Traffic / progress',
  'Started',
  'Rollback risk',
];

// For a card beside others: the strategy under the version, the age under
// the state, so that the rollback risk stays in view.
const COMPACT_COLUMNS = [
  'Environment',
  'Version',
  'State',
  'Traffic / progress',
  'Rollback risk',
];

function EnvironmentRow(props: {
  rollout: EnvironmentRollout;
  readiness?: EnvironmentReadiness;
  now: number;
  compact?: boolean;
}) {
  const { environment, current, stable, runs } = props.rollout;
  const { readiness, compact } = props;
  const columns = compact ? COMPACT_COLUMNS : COLUMNS;
  return (
    <TableRow>
      <TableCell
        component="th"
        scope="row"
        role="rowheader"
        style={{ whiteSpace: 'nowrap' }}
      >
        <strong>{environment}</strong>
      </TableCell>
      {current ? (
        <>
          <TableCell>
            {/* What serves the environment now, and what went back from. */}
            <Version deployment={runs ?? current} />
            {runs && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {`${current.version} ${
                  current.state === 'aborted' ? 'aborted' : 'rolled back'
                }`}
              </Typography>
            )}
            {compact && (
              <Box mt={0.5}>
                <StrategyChip strategy={current.strategy} />
              </Box>
            )}
          </TableCell>
          {!compact && (
            <TableCell>
              <StrategyChip strategy={current.strategy} />
            </TableCell>
          )}
          <TableCell>
            <DeploymentStateLabel state={current.state} />
            {readiness?.health && (
              <Box mt={0.5}>
                <HealthVerdictBadge health={readiness.health} />
              </Box>
            )}
            {compact && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                <Age iso={current.startedAt} now={props.now} />
              </Typography>
            )}
          </TableCell>
          <TableCell>
            <RolloutProgress current={current} stable={stable} />
          </TableCell>
          {!compact && (
            <TableCell>
              <Age iso={current.startedAt} now={props.now} />
            </TableCell>
          )}
          <TableCell>
            {/* A snapshot from before anything was deployed has no risk to show */}
            {readiness?.current && (
              <RiskBadge risk={readiness.risk} title={readiness.reasons[0]} />
            )}
          </TableCell>
        </>
      ) : (
        <TableCell colSpan={columns.length - 1}>
          <Typography variant="body2" color="textSecondary">
            No deployment recorded
          </Typography>
        </TableCell>
      )}
    </TableRow>
  );
}

/**
 * What runs where: per environment, the current version, its strategy,
 * state, traffic split or progress, age, and the risk of going back (once
 * the readiness is known); and which providers could not answer, and why.
 */
export function RolloutStatusTable(props: {
  rollout: RolloutStatus;
  /** The rollback risk column stays blank while this is absent. */
  readiness?: ReadinessSnapshot;
  /** Five columns instead of seven, for the overview card. */
  compact?: boolean;
}) {
  const environments: EnvironmentRollout[] = props.rollout.environments;
  const readiness = new Map(
    props.readiness?.environments.map(e => [e.environment, e]),
  );
  const now = Date.now();
  return (
    <DeploymentTable
      label="Rollout status"
      columns={props.compact ? COMPACT_COLUMNS : COLUMNS}
      sources={props.rollout.sources}
      emptyText="No environment declared and no deployment recorded yet."
      rows={environments.map(rollout => (
        <EnvironmentRow
          key={rollout.environment}
          rollout={rollout}
          readiness={readiness.get(rollout.environment)}
          now={now}
          compact={props.compact}
        />
      ))}
    />
  );
}
