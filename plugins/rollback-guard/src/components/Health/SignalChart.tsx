import { useTheme } from '@material-ui/core';
import {
  HealthPoint,
  HealthSignal,
} from '@rollback-guard/plugin-rollback-guard-common';

const WIDTH = 280;
const HEIGHT = 96;
const PAD = { left: 4, right: 4, top: 6, bottom: 6 };

const CURRENT_COLOR = '#1565c0';
const STABLE_COLOR = '#757575';

function path(
  points: HealthPoint[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  return points
    .map(
      ([t, v], i) =>
        `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`,
    )
    .join(' ');
}

/**
 * One signal over the window as a small line chart: the current version
 * (solid blue), the stable version (grey, dashed), and the degraded and
 * failing thresholds (amber and red). An inline SVG: no chart library.
 */
export function SignalChart(props: {
  signal: HealthSignal;
  version: string;
  stableVersion?: string;
}) {
  const theme = useTheme();
  const { signal } = props;
  const { current, stable = [] } = signal.series;
  const all = [...current, ...stable];
  if (all.length === 0) {
    return null;
  }
  const times = all.map(([t]) => t);
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const values = [
    ...all.map(([, v]) => v),
    signal.threshold.degraded,
    signal.threshold.failing,
  ];
  let vMin = Math.min(...values);
  let vMax = Math.max(...values);
  if (vMax === vMin) {
    vMax += 1;
    vMin -= 1;
  }
  const span = vMax - vMin;
  vMin -= span * 0.05;
  vMax += span * 0.05;
  const x = (t: number) =>
    PAD.left +
    (tMax === tMin
      ? 0
      : ((t - tMin) / (tMax - tMin)) * (WIDTH - PAD.left - PAD.right));
  const y = (v: number) =>
    PAD.top +
    (1 - (v - vMin) / (vMax - vMin)) * (HEIGHT - PAD.top - PAD.bottom);
  const label = `${signal.title} over the window: ${props.version} ${
    props.stableVersion ? `against ${props.stableVersion}, ` : ''
  }with the degraded and failing thresholds`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      style={{ maxWidth: WIDTH, display: 'block' }}
      data-testid={`health-chart-${signal.signal}`}
    >
      <rect
        x={0}
        y={0}
        width={WIDTH}
        height={HEIGHT}
        fill="none"
        stroke={theme.palette.divider}
      />
      {(['degraded', 'failing'] as const).map(which => (
        <line
          key={which}
          data-threshold={which}
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(signal.threshold[which])}
          y2={y(signal.threshold[which])}
          stroke={which === 'failing' ? '#c62828' : '#ff8f00'}
          strokeWidth={1}
          strokeDasharray="2 3"
        />
      ))}
      {stable.length > 0 && (
        <path
          data-series="stable"
          d={path(stable, x, y)}
          fill="none"
          stroke={STABLE_COLOR}
          strokeWidth={1.5}
          strokeDasharray="5 3"
        />
      )}
      {current.length > 0 && (
        <path
          data-series="current"
          d={path(current, x, y)}
          fill="none"
          stroke={CURRENT_COLOR}
          strokeWidth={2}
        />
      )}
    </svg>
  );
}

export const SIGNAL_CHART_COLORS = {
  current: CURRENT_COLOR,
  stable: STABLE_COLOR,
};
