import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import {
  Box,
  Chip,
  LinearProgress,
  makeStyles,
  TableCell,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  CheckStatus,
  Deployment,
  DeploymentState,
  ProviderPart,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ComponentType, PropsWithChildren } from 'react';
import { formatAge, formatTimestamp } from '../format';

const useStyles = makeStyles(theme => ({
  version: {
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    whiteSpace: 'nowrap',
  },
  state: {
    display: 'inline-flex',
    alignItems: 'baseline',
    whiteSpace: 'nowrap',
  },
  progress: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 96,
  },
  progressBar: { flexGrow: 1 },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** A deployment's version, in monospace, with its artifact as a tooltip. */
export function Version(props: { deployment: Deployment }) {
  const classes = useStyles();
  const { version, artifact } = props.deployment;
  const title = [artifact?.reference, artifact?.digest]
    .filter(Boolean)
    .join('\n');
  return (
    <code className={classes.version} title={title || undefined}>
      {version}
    </code>
  );
}

/** How a deployment moves traffic: blue-green, canary, rolling, recreate. */
export function StrategyChip(props: { strategy: string }) {
  return <Chip size="small" variant="outlined" label={props.strategy} />;
}

type StatusIcon = ComponentType<PropsWithChildren<{}>>;

/** A colored status icon followed by the status in words. */
function StatusLabel(props: { icon: StatusIcon; text: string }) {
  const classes = useStyles();
  const Icon = props.icon;
  return (
    <span className={classes.state}>
      <Icon />
      {props.text}
    </span>
  );
}

const STATE_ICONS: Record<DeploymentState, StatusIcon> = {
  pending: StatusPending,
  progressing: StatusRunning,
  paused: StatusWarning,
  succeeded: StatusOK,
  failed: StatusError,
  aborted: StatusAborted,
  'rolled-back': StatusWarning,
};

/** Where a deployment stands, as a colored status icon and its name. */
export function DeploymentStateLabel(props: { state: DeploymentState }) {
  // A state this frontend does not know yet (a newer backend) shows as pending.
  return (
    <StatusLabel
      icon={STATE_ICONS[props.state] ?? StatusPending}
      text={props.state}
    />
  );
}

const CHECK_ICONS: Record<CheckStatus, StatusIcon> = {
  pass: StatusOK,
  warn: StatusWarning,
  fail: StatusError,
  unknown: StatusPending,
};

/**
 * A check's answer, as a colored status icon and the word: pass, warn,
 * fail, unknown (never shown as a pass).
 */
export function CheckStatusLabel(props: { status: CheckStatus }) {
  return (
    <StatusLabel
      icon={CHECK_ICONS[props.status] ?? StatusPending}
      text={props.status}
    />
  );
}

/** How long ago, with the date and time as a tooltip. */
export function Age(props: { iso: string; now: number }) {
  const classes = useStyles();
  return (
    <time
      className={classes.nowrap}
      dateTime={props.iso}
      title={formatTimestamp(props.iso)}
    >
      {formatAge(props.iso, props.now)}
    </time>
  );
}

/** A table cell with a date and time, and how long ago below it. */
export function TimestampCell(props: { iso: string; now: number }) {
  return (
    <TableCell>
      <Typography variant="body2">{formatTimestamp(props.iso)}</Typography>
      <Typography variant="caption" color="textSecondary">
        <Age iso={props.iso} now={props.now} />
      </Typography>
    </TableCell>
  );
}

function percent(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value)));
}

/**
 * How far a rollout has got: for canary and blue-green, the traffic split
 * between the new version and the stable one ("stable" when its version is
 * not known); for rolling, the share of instances updated.
 */
export function RolloutProgress(props: {
  current: Deployment;
  stable?: Deployment;
}) {
  const classes = useStyles();
  const { strategy, version, trafficPercent, progressPercent } = props.current;
  const showTraffic =
    trafficPercent !== undefined &&
    (strategy !== 'rolling' || progressPercent === undefined);

  if (showTraffic) {
    const onNew = percent(trafficPercent);
    if (onNew === 100) {
      return <span className={classes.nowrap}>100% on {version}</span>;
    }
    return (
      <span>
        <span className={classes.nowrap}>
          {onNew}% on {version}
        </span>
        {' · '}
        <span className={classes.nowrap}>
          {100 - onNew}% on {props.stable?.version ?? 'stable'}
        </span>
      </span>
    );
  }
  if (progressPercent !== undefined) {
    const done = percent(progressPercent);
    return (
      <Box className={classes.progress}>
        <LinearProgress
          className={classes.progressBar}
          variant="determinate"
          value={done}
          aria-label={`Rollout of ${version}`}
        />
        <Typography variant="body2" component="span">
          {done}%
        </Typography>
      </Box>
    );
  }
  return null;
}

/**
 * One warning for each provider that could not answer, with its reason;
 * nothing when every provider answered.
 */
export function UnknownSources(props: { sources: ProviderPart[] }) {
  const unknown = props.sources.filter(part => part.status === 'unknown');
  if (unknown.length === 0) {
    return null;
  }
  return (
    <Box mb={2}>
      {unknown.map(part => (
        <Box key={part.provider} mb={1}>
          <Alert severity="warning">
            {part.title}: unknown{part.reason ? ` — ${part.reason}` : ''}
          </Alert>
        </Box>
      ))}
    </Box>
  );
}
