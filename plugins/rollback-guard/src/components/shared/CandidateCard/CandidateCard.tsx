import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Card,
  CardContent,
  Chip,
  makeStyles,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  CandidateReadiness,
  CheckResult,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useId } from 'react';
import { CheckFindings } from '../../CheckFindings';
import { Age, CheckStatusLabel, Version } from '../../DeploymentParts';
import { formatDuration, formatTimestamp } from '../../format';
import { RiskBadge } from '../../RiskBadge';

const useStyles = makeStyles(theme => ({
  // Digests and references are long unbroken strings.
  card: { height: '100%', overflowWrap: 'anywhere' },
  reasons: { margin: theme.spacing(1, 0), paddingLeft: theme.spacing(2.5) },
  check: { display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) },
  checkTitle: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  details: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1) },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    fontSize: theme.typography.body2.fontSize,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

/** What a check read, as a list of labels and values. */
function FactList(props: { facts: CheckResult['facts'] }) {
  const classes = useStyles();
  return (
    <dl className={classes.facts}>
      {props.facts.map(({ label, value }, index) => (
        <Box key={`${label}-${index}`} display="contents">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Box>
      ))}
    </dl>
  );
}

/**
 * One check: its status, title and summary; expanded, its details, the
 * facts it read and what to do about it.
 */
function CheckItem(props: { check: CheckResult }) {
  const classes = useStyles();
  const id = useId();
  const { check } = props;
  return (
    <Accordion
      variant="outlined"
      square
      TransitionProps={{ unmountOnExit: true }}
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        id={`${id}-summary`}
        aria-controls={`${id}-details`}
      >
        <Box className={classes.check}>
          <Box className={classes.checkTitle}>
            <CheckStatusLabel status={check.status} />
            <Typography variant="body2" component="span">
              <strong>{check.title}</strong>
            </Typography>
            {check.blocking && check.status === 'fail' && (
              <Chip size="small" color="secondary" label="blocking" />
            )}
          </Box>
          <Typography variant="body2" color="textSecondary">
            {check.summary}
          </Typography>
        </Box>
      </AccordionSummary>
      <AccordionDetails className={classes.details}>
        {check.details && (
          <Typography variant="body2">{check.details}</Typography>
        )}
        {check.findings && check.findings.length > 0 && (
          <CheckFindings findings={check.findings} />
        )}
        {check.facts.length > 0 ? (
          <FactList facts={check.facts} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            No facts recorded.
          </Typography>
        )}
        {check.remediation && (
          <Typography variant="body2">
            <strong>Fix:</strong> {check.remediation}
          </Typography>
        )}
        <Typography variant="caption" color="textSecondary">
          Ran in {formatDuration(check.durationMs)}
        </Typography>
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * One version one could go back to: when and by whom it was deployed, its
 * risk with the reasons, and every check with the facts it read and its fix.
 */
export function CandidateCard(props: {
  readiness: CandidateReadiness;
  now: number;
}) {
  const classes = useStyles();
  const { candidate, risk, reasons, checks } = props.readiness;
  return (
    <Card
      variant="outlined"
      component="section"
      aria-label={`Candidate ${candidate.version}`}
      className={classes.card}
    >
      <CardContent>
        <Box
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          gridGap={8}
        >
          <Typography variant="subtitle1" component="h4">
            Back to <Version deployment={candidate} />
          </Typography>
          <RiskBadge risk={risk} />
        </Box>
        <Typography variant="body2" color="textSecondary">
          Deployed {formatTimestamp(candidate.startedAt)} (
          <Age iso={candidate.startedAt} now={props.now} />)
          {/* What CI reported, not a signed-in person: shown as its words. */}
          {candidate.triggeredBy
            ? `; CI says triggered by "${candidate.triggeredBy}"`
            : ''}
        </Typography>
        <ul className={classes.reasons} aria-label="Reasons">
          {reasons.map(reason => (
            <li key={reason}>
              <Typography variant="body2">{reason}</Typography>
            </li>
          ))}
        </ul>
        {checks.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No check ran for this candidate.
          </Typography>
        ) : (
          checks.map(check => <CheckItem key={check.checkId} check={check} />)
        )}
      </CardContent>
    </Card>
  );
}
