import { Box, Chip, makeStyles, Typography } from '@material-ui/core';
import { CheckFinding } from '@rollback-guard/plugin-rollback-guard-common';
import { Fragment, ReactNode } from 'react';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import { CheckStatusLabel } from '../DeploymentParts';
import { FindingLinks, SeverityChip } from './FindingExtras';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  },
  finding: {
    borderLeft: `3px solid ${theme.palette.divider}`,
    paddingLeft: theme.spacing(1),
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  source: { fontFamily: 'monospace', fontSize: '0.8125rem' },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.8125rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    margin: theme.spacing(0.5, 0, 0),
    padding: theme.spacing(0.75, 1),
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    maxHeight: '12em',
    overflow: 'auto',
  },
  keyword: { color: theme.palette.primary.main, fontWeight: 600 },
  literal: { color: theme.palette.success?.main ?? theme.palette.text.primary },
  comment: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

const SQL_KEYWORDS = new Set(
  `add alter and as cascade check column columns constraint create database default delete drop enum exists foreign from if index insert into key not null on only primary references rename restrict schema select sequence set table to truncate type unique update using value values view where with`.split(
    ' ',
  ),
);

// Comments, quoted literals and identifiers, words, and everything else.
const SQL_TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_]*)|([^A-Za-z_'-]+|-)/g;

/** A SQL statement with its keywords, literals and comments set apart. */
export function HighlightedSql(props: { sql: string }) {
  const classes = useStyles();
  const parts: ReactNode[] = [];
  for (const match of props.sql.matchAll(SQL_TOKEN)) {
    const [text, comment, literal, word] = match;
    const key = match.index;
    if (comment) {
      parts.push(
        <span key={key} className={classes.comment}>
          {text}
        </span>,
      );
    } else if (literal) {
      parts.push(
        <span key={key} className={classes.literal}>
          {text}
        </span>,
      );
    } else if (word && SQL_KEYWORDS.has(word.toLocaleLowerCase('en-US'))) {
      parts.push(
        <span key={key} className={classes.keyword}>
          {text}
        </span>,
      );
    } else {
      parts.push(<Fragment key={key}>{text}</Fragment>);
    }
  }
  return <>{parts}</>;
}

/**
 * What a check found, item by item: status, rule, where (e.g. the migration
 * file), what it means, and the statement it is about.
 */
export function CheckFindings(props: { findings: CheckFinding[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label="Findings">
      {props.findings.map((finding, index) => (
        <li key={`${finding.rule}-${index}`} className={classes.finding}>
          <Box className={classes.header}>
            <CheckStatusLabel status={finding.status} />
            {finding.severity && <SeverityChip severity={finding.severity} />}
            <Chip size="small" variant="outlined" label={finding.rule} />
            {finding.references?.map(reference => (
              <Chip key={reference} size="small" label={reference} />
            ))}
            {finding.blocking && finding.status === 'fail' && (
              <Chip size="small" color="secondary" label="blocking" />
            )}
            {finding.source && (
              <span className={classes.source}>{finding.source}</span>
            )}
          </Box>
          <Typography variant="body2">{finding.message}</Typography>
          {finding.links && finding.links.length > 0 && (
            <FindingLinks links={finding.links} />
          )}
          {finding.entityRefs && finding.entityRefs.length > 0 && (
            <Typography variant="body2" component="div">
              Concerns{' '}
              <EntityRefLinks
                entityRefs={finding.entityRefs}
                defaultKind="component"
              />
            </Typography>
          )}
          {finding.code && (
            <pre
              className={classes.code}
              aria-label={`${
                finding.codeLanguage === 'sql' ? 'Statement' : 'Location'
              } in ${finding.source ?? 'the source'}`}
            >
              {finding.codeLanguage === 'sql' ? (
                <HighlightedSql sql={finding.code} />
              ) : (
                finding.code
              )}
            </pre>
          )}
        </li>
      ))}
    </ul>
  );
}
