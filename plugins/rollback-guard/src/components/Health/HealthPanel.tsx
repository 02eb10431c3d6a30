import { Box, Grid, Typography } from '@material-ui/core';
import { EnvironmentHealth } from '@rollback-guard/plugin-rollback-guard-common';
import { formatTimestamp } from '../format';
import { HealthVerdictBadge } from './HealthVerdictBadge';
import { SIGNAL_CHART_COLORS, SignalChart } from './SignalChart';

function Legend(props: { version: string; stableVersion?: string }) {
  const swatch = (color: string, dashed: boolean) => (
    <svg width={18} height={8} aria-hidden style={{ marginRight: 4 }}>
      <line
        x1={0}
        x2={18}
        y1={4}
        y2={4}
        stroke={color}
        strokeWidth={2}
        strokeDasharray={dashed ? '5 3' : undefined}
      />
    </svg>
  );
  return (
    <Typography variant="caption" color="textSecondary" component="div">
      {swatch(SIGNAL_CHART_COLORS.current, false)}
      {props.version}
      {props.stableVersion && (
        <>
          {'  '}
          {swatch(SIGNAL_CHART_COLORS.stable, true)}
          {props.stableVersion} (stable)
        </>
      )}
      {'  '}
      {swatch('#ff8f00', true)}degraded {swatch('#c62828', true)}failing
    </Typography>
  );
}

/**
 * How the current deployment behaves: the verdict and its reason, then each
 * signal as a small chart of the window (the canary against stable, and the
 * thresholds) with its one-line summary.
 */
export function HealthPanel(props: { health: EnvironmentHealth }) {
  const { health } = props;
  return (
    <Box
      component="section"
      aria-label={`Health in ${health.environment}`}
      mb={2}
    >
      <Box display="flex" alignItems="center" gridGap={8} flexWrap="wrap">
        <Typography variant="subtitle2" component="h4">
          Health
        </Typography>
        <HealthVerdictBadge health={health} />
        <Typography variant="caption" color="textSecondary">
          {health.window.minutes} min from {health.source}, read{' '}
          {formatTimestamp(health.readAt)}
        </Typography>
      </Box>
      <Typography variant="body2">{health.reason}</Typography>
      {health.signals.some(s => s.series.current.length > 0) && (
        <Legend version={health.version} stableVersion={health.stableVersion} />
      )}
      <Grid container spacing={2}>
        {health.signals.map(signal => (
          <Grid item xs={12} sm={6} md={4} key={signal.signal}>
            <Box display="flex" alignItems="center" gridGap={6}>
              <Typography variant="body2" component="h5">
                <strong>{signal.title}</strong>
              </Typography>
              <HealthVerdictBadge
                health={{
                  ...health,
                  verdict: signal.verdict,
                  reason: signal.summary,
                }}
              />
            </Box>
            <SignalChart
              signal={signal}
              version={health.version}
              stableVersion={health.stableVersion}
            />
            <Typography variant="caption" color="textSecondary" component="p">
              {signal.summary}
            </Typography>
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}
