import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { rollbackGuardApiRef } from '../../api';
import { PermissivePolicyWarning } from './PermissivePolicyWarning';
import { Box, Typography } from '@material-ui/core';
import {
  ActionRequest,
  ReadinessSnapshot,
  rollbackGuardTabPath,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ActionsState } from '../../hooks/useActions';
import { InlineError } from '../RollbackGuardStates';
import { ActionButton } from './ActionButton';
import { RequestList } from './ActionsCard';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The requests that still call for someone: waiting, approved or executing,
 * and those that failed within the last day (they may be retried).
 */
export function openRequests(
  actions: ActionRequest[],
  now: number,
): ActionRequest[] {
  return actions.filter(
    a =>
      ['requested', 'approved', 'executing'].includes(a.status) ||
      (a.status === 'failed' && now - Date.parse(a.requestedAt) < DAY_MS),
  );
}

/** The entity's Rollback Guard tab, where every request and step is. */
function TabLink(props: { entityRef: string; children: string }) {
  return (
    <Link to={rollbackGuardTabPath(props.entityRef)}>{props.children}</Link>
  );
}

/**
 * The card's actions: the requests that still call for someone, with
 * Approve, Reject or Retry as their state allows, and an "Act on …" button
 * per deployed environment, whose dialog offers only what its deployment's
 * state allows.
 */
export function CardActions(props: {
  entityRef: string;
  snapshot?: ReadinessSnapshot;
  actions: ActionsState['actions'];
  onChanged: () => void;
}) {
  const { entityRef, snapshot, actions, onChanged } = props;
  const api = useApi(rollbackGuardApiRef);
  // Only to say when the permission policy lets anyone approve.
  const policy = useAsync(
    () => api.getActionPolicy(entityRef),
    [api, entityRef],
  );
  const now = Date.now();
  const open = openRequests(actions.value ?? [], now);
  const deployed = snapshot?.environments.filter(e => e.current) ?? [];
  if (deployed.length === 0 && open.length === 0 && !actions.error) {
    return null;
  }
  return (
    <Box component="section" aria-label="Actions" mt={2}>
      <Typography variant="subtitle2" component="h3">
        Actions
      </Typography>
      {policy.value?.anyoneMayApprove && <PermissivePolicyWarning />}
      {actions.error && (
        <InlineError
          title="Could not load the action requests"
          error={actions.error}
          retry={actions.retry}
        />
      )}
      {open.length > 0 && (
        <RequestList
          label="Open action requests"
          items={open.map(action => ({ action }))}
          onChanged={onChanged}
        />
      )}
      {snapshot && deployed.length > 0 && (
        <Box display="flex" flexWrap="wrap" gridGap={8} mt={1}>
          {deployed.map(environment => (
            <ActionButton
              key={environment.environment}
              entityRef={entityRef}
              readiness={environment}
              computedAt={snapshot.computedAt}
              onRequested={onChanged}
            />
          ))}
        </Box>
      )}
      <Box mt={1}>
        <Typography variant="caption" color="textSecondary">
          Every request and its audit trail are on the{' '}
          <TabLink entityRef={entityRef}>Rollback Guard tab</TabLink>.
        </Typography>
      </Box>
    </Box>
  );
}
