import {
  EnvironmentHealth,
  HealthVerdict,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useBadgeStyles } from '../RiskBadge/RiskBadge';

/** Text contrast is at least 4.5:1 on each. */
const COLORS: Record<HealthVerdict, { background: string; color: string }> = {
  healthy: { background: '#2e7d32', color: '#ffffff' },
  degraded: { background: '#ffb300', color: '#000000' },
  failing: { background: '#b71c1c', color: '#ffffff' },
  unknown: { background: '#616161', color: '#ffffff' },
};

const TEXT: Record<HealthVerdict, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  failing: 'failing',
  unknown: 'health unknown',
};

/**
 * The health verdict as a compact colored label that says it in words:
 * "healthy", "degraded", "failing", "health unknown"; the reason is its
 * tooltip.
 */
export function HealthVerdictBadge(props: { health: EnvironmentHealth }) {
  const classes = useBadgeStyles();
  const { verdict, reason } = props.health;
  return (
    <span
      className={classes.badge}
      style={COLORS[verdict] ?? COLORS.unknown}
      title={reason}
      data-health={verdict}
    >
      {TEXT[verdict] ?? verdict}
    </span>
  );
}
