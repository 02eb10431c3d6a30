import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { ProviderPart } from '@rollback-guard/plugin-rollback-guard-common';
import { ReactNode } from 'react';
import { UnknownSources } from './DeploymentParts';

/**
 * A small table of deployments, below a warning for each provider that
 * could not answer; `emptyText` in place of the table when it has no rows.
 */
export function DeploymentTable(props: {
  /** The table's accessible name. */
  label: string;
  columns: string[];
  rows: ReactNode[];
  emptyText: string;
  sources: ProviderPart[];
}) {
  return (
    <>
      <UnknownSources sources={props.sources} />
      {props.rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          {props.emptyText}
        </Typography>
      ) : (
        // Scrolls sideways rather than overflow a narrow card.
        <Box overflow="auto">
          <Table size="small" aria-label={props.label}>
            <TableHead>
              <TableRow>
                {props.columns.map(column => (
                  <TableCell key={column} style={{ whiteSpace: 'nowrap' }}>
                    {column}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>{props.rows}</TableBody>
          </Table>
        </Box>
      )}
    </>
  );
}
