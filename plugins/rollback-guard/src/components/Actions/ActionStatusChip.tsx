import { Chip } from '@material-ui/core';
import { ActionStatus } from '@rollback-guard/plugin-rollback-guard-common';
import { statusText } from './actionText';

const COLORS: Partial<Record<ActionStatus, 'primary' | 'secondary'>> = {
  requested: 'primary',
  failed: 'secondary',
};

/** Where a request stands, as a chip: "Waiting for approval", "Failed", ... */
export function ActionStatusChip(props: { status: ActionStatus }) {
  return (
    <Chip
      size="small"
      color={COLORS[props.status] ?? 'default'}
      variant={props.status === 'requested' ? 'default' : 'outlined'}
      label={statusText(props.status)}
    />
  );
}
