import { makeStyles } from '@material-ui/core';
import { Risk } from '@rollback-guard/plugin-rollback-guard-common';

/** Background and text color of each risk; text contrast is at least 4.5:1. */
const COLORS: Record<Risk, { background: string; color: string }> = {
  low: { background: '#2e7d32', color: '#ffffff' },
  medium: { background: '#ffb300', color: '#000000' },
  high: { background: '#bf360c', color: '#ffffff' },
  blocked: { background: '#7f0000', color: '#ffffff' },
};

/** For a risk this frontend does not know yet (a newer backend). */
const UNKNOWN_COLORS = { background: '#616161', color: '#ffffff' };

/** The look of a compact colored label, shared with the health verdict. */
export const useBadgeStyles = makeStyles(theme => ({
  badge: {
    display: 'inline-block',
    padding: theme.spacing(0.25, 1),
    borderRadius: theme.shape.borderRadius,
    fontSize: theme.typography.caption.fontSize,
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.6,
    whiteSpace: 'nowrap',
  },
}));

/** The words a risk is shown with: "low risk", ..., "blocked". */
function riskText(risk: Risk): string {
  return risk === 'blocked' ? 'blocked' : `${risk} risk`;
}

/**
 * How risky going back is, as a compact colored label that says it in
 * words too: green "low risk", amber "medium risk", orange-red "high risk",
 * dark red "blocked".
 */
export function RiskBadge(props: {
  risk: Risk;
  /** Why, shown as a tooltip, e.g. the heaviest reason. */
  title?: string;
}) {
  const classes = useBadgeStyles();
  const colors = COLORS[props.risk] ?? UNKNOWN_COLORS;
  return (
    <span
      className={classes.badge}
      style={colors}
      title={props.title}
      data-risk={props.risk}
    >
      {riskText(props.risk)}
    </span>
  );
}
