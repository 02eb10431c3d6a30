import { Chip, makeStyles, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import {
  CheckFinding,
  FindingSeverity,
} from '@rollback-guard/plugin-rollback-guard-common';

const useStyles = makeStyles(theme => ({
  critical: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.error.contrastText,
    fontWeight: 600,
  },
  high: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  medium: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  low: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  unknown: {},
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    overflowWrap: 'anywhere',
  },
}));

/** A finding's severity, coloured from critical (dark red) to low. */
export function SeverityChip(props: { severity: FindingSeverity }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      className={classes[props.severity] ?? classes.unknown}
      variant={props.severity === 'unknown' ? 'outlined' : 'default'}
      label={
        props.severity === 'unknown'
          ? 'severity unknown'
          : props.severity.toLocaleUpperCase('en-US')
      }
      aria-label={`Severity ${props.severity}`}
    />
  );
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A finding's pages (advisories). Only `https` URLs become links: a URL from
 * an SBOM is data from CI, and a `javascript:` or `http:` one is shown as
 * text, never followed.
 */
export function FindingLinks(props: {
  links: NonNullable<CheckFinding['links']>;
}) {
  const classes = useStyles();
  return (
    <Typography variant="body2" component="div" className={classes.links}>
      {props.links.map(link =>
        isHttps(link.url) ? (
          <Link
            key={link.url}
            to={link.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            {link.title}
          </Link>
        ) : (
          <span key={link.url}>
            {link.title}: {link.url}
          </span>
        ),
      )}
    </Typography>
  );
}
