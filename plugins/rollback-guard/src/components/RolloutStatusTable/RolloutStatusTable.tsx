import { TableCell, TableRow, Typography } from '@material-ui/core';
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
import { RiskBadge } from '../RiskBadge';

/** One environment of a rollout status. */
export type EnvironmentRollout = RolloutStatus['environments'][number];

function EnvironmentRow(props: {
  rollout: EnvironmentRollout;
  readiness?: EnvironmentReadiness;
  now: number;
}) {
  const { environment, current, stable } = props.rollout;
  const { readiness } = props;
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
            <Version deployment={current} />
          </TableCell>
          <TableCell>
            <StrategyChip strategy={current.strategy} />
          </TableCell>
          <TableCell>
            <DeploymentStateLabel state={current.state} />
          </TableCell>
          <TableCell>
            <RolloutProgress current={current} stable={stable} />
          </TableCell>
          <TableCell>
            <Age iso={current.startedAt} now={props.now} />
          </TableCell>
          <TableCell>
            {/* A snapshot from before anything was deployed has no risk to show */}
            {readiness?.current && (
              <RiskBadge risk={readiness.risk} title={readiness.reasons[0]} />
            )}
          </TableCell>
        </>
      ) : (
        <TableCell colSpan={6}>
          <Typography variant="body2" color="textSecondary">
            No deployment recorded
          </Typography>
        </TableCell>
      )}
    </TableRow>
  );
}

const COLUMNS = [
  'Environment',
  'Version',
  'Strategy',
  'State',
  'Traffic / progress',
  'Started',
  'Rollback risk',
];

/**
 * What runs where: per environment, the current version, its strategy,
 * state, traffic split or progress, age, and the risk of going back (once
 * the readiness is known); and which providers could not answer, and why.
 */
export function RolloutStatusTable(props: {
  rollout: RolloutStatus;
  /** The rollback risk column stays blank while this is absent. */
  readiness?: ReadinessSnapshot;
}) {
  const environments: EnvironmentRollout[] = props.rollout.environments;
  const readiness = new Map(
    props.readiness?.environments.map(e => [e.environment, e]),
  );
  const now = Date.now();
  return (
    <DeploymentTable
      label="Rollout status"
      columns={COLUMNS}
      sources={props.rollout.sources}
      emptyText="No environment declared and no deployment recorded yet."
      rows={environments.map(rollout => (
        <EnvironmentRow
          key={rollout.environment}
          rollout={rollout}
          readiness={readiness.get(rollout.environment)}
          now={now}
        />
      ))}
    />
  );
}
