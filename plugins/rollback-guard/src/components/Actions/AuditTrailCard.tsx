import { TableCell, TableRow } from '@material-ui/core';
import {
  ActionRequest,
  AuditEntry,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ActionsState } from '../../hooks/useActions';
import { DeploymentTable, TimestampCell } from '../DeploymentParts';
import { FetchCard } from '../RollbackGuardStates';
import { describeAction } from './actionText';

const COLUMNS = ['Time', 'Step', 'Actor', 'Action', 'Details'];

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An entry's details in one line, e.g. "reason: Checkout errors · risk: medium". */
export function detailsText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}: ${valueText(value)}`)
    .join(' · ');
}

/**
 * Every step of the entity's actions, newest first: when, what, who, on
 * which request, and its details in a line.
 */
export function AuditTrailCard(props: {
  audit: ActionsState['audit'];
  /** To name the request each step belongs to. */
  actions?: ActionRequest[];
}) {
  const byId = new Map(props.actions?.map(a => [a.id, a]));
  return (
    <FetchCard
      title="Audit trail"
      {...props.audit}
      loadingLabel="Loading the audit trail"
      errorTitle="Rollback Guard could not load the audit trail"
    >
      {entries => {
        const now = Date.now();
        return (
          <DeploymentTable
            label="Audit trail"
            columns={COLUMNS}
            sources={[]}
            emptyText="Nothing recorded yet."
            rows={entries.map(entry => {
              const action = byId.get(entry.actionId);
              return (
                <TableRow key={entry.id}>
                  <TimestampCell iso={entry.at} now={now} />
                  <TableCell>{entry.step}</TableCell>
                  <TableCell>{entry.actor}</TableCell>
                  <TableCell>
                    {action ? describeAction(action) : entry.actionId}
                  </TableCell>
                  <TableCell>{detailsText(entry.details) || '—'}</TableCell>
                </TableRow>
              );
            })}
          />
        );
      }}
    </FetchCard>
  );
}
