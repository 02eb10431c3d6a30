import { TableCell, TableRow, Typography } from '@material-ui/core';
import { RolloutStatus } from '@rollback-guard/plugin-rollback-guard-common';
import {
  Age,
  DeploymentStateLabel,
  RolloutProgress,
  DeploymentTable,
  StrategyChip,
  Version,
} from '../DeploymentParts';

/** One environment of a rollout status. */
export type EnvironmentRollout = RolloutStatus['environments'][number];

function EnvironmentRow(props: { rollout: EnvironmentRollout; now: number }) {
  const { environment, current, stable } = props.rollout;
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
        </>
      ) : (
        <TableCell colSpan={5}>
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
];

/**
 * What runs where: per environment, the current version, its strategy,
 * state, traffic split or progress, and age; and which providers could not
 * answer, and why.
 */
export function RolloutStatusTable(props: { rollout: RolloutStatus }) {
  const environments: EnvironmentRollout[] = props.rollout.environments;
  const now = Date.now();
  return (
    <DeploymentTable
      label="Rollout status"
      columns={COLUMNS}
      sources={props.rollout.sources}
      emptyText="No environment declared and no deployment recorded yet."
      rows={environments.map(rollout => (
        <EnvironmentRow key={rollout.environment} rollout={rollout} now={now} />
      ))}
    />
  );
}
