import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  Checkbox,
  Divider,
  FormControlLabel,
  List,
  ListItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { ActionRequest } from '@rollback-guard/plugin-rollback-guard-common';
import { Fragment, useState } from 'react';
import {
  ActionDecisionInput,
  RollbackGuardApi,
  rollbackGuardApiRef,
} from '../../api';
import { ActionsState } from '../../hooks/useActions';
import { Age } from '../DeploymentParts';
import { formatDuration } from '../format';
import { RiskBadge } from '../RiskBadge';
import { FetchCard, InlineError } from '../RollbackGuardStates';
import { ActionStatusChip } from './ActionStatusChip';
import { RequestedReadiness } from './RequestedReadiness';
import { approvalsText, describeAction } from './actionText';

/** Waiting requests first, then the rest, each group newest first. */
function pendingFirst(actions: ActionRequest[]): ActionRequest[] {
  return [
    ...actions.filter(a => a.status === 'requested'),
    ...actions.filter(a => a.status !== 'requested'),
  ];
}

/** The two decisions on a waiting request. */
const DECISIONS: Array<{
  label: string;
  variant: 'contained' | 'outlined';
  decide: (
    api: RollbackGuardApi,
    input: ActionDecisionInput,
  ) => Promise<ActionRequest>;
  failure: string;
}> = [
  {
    label: 'Approve',
    variant: 'contained',
    decide: (api, input) => api.approveAction(input),
    failure: 'Could not approve',
  },
  {
    label: 'Reject',
    variant: 'outlined',
    decide: (api, input) => api.rejectAction(input),
    failure: 'Could not reject',
  },
];

/**
 * What a person can do about a request: approve or reject one that waits
 * (with an optional comment), retry one that failed. The backend decides
 * who may; its refusal is shown as it says it.
 */
function RequestControls(props: {
  action: ActionRequest;
  onChanged: () => void;
}) {
  const { action, onChanged } = props;
  const api = useApi(rollbackGuardApiRef);
  const [comment, setComment] = useState('');
  const [checked, setChecked] = useState(false);
  const target = {
    id: action.id,
    entityRef: action.entityRef,
    environment: action.environment,
    kind: action.kind,
  };
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ title: string; error: Error }>();
  async function run(call: () => Promise<ActionRequest>, title: string) {
    setBusy(true);
    setFailure(undefined);
    try {
      await call();
      setComment('');
      onChanged();
    } catch (e) {
      setFailure({ title, error: e as Error });
    } finally {
      setBusy(false);
    }
  }
  const decision = comment.trim() ? { comment: comment.trim() } : {};

  return (
    <Box mt={1}>
      {action.status === 'requested' && (
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          <TextField
            id={`${action.id}-comment`}
            size="small"
            variant="outlined"
            label="Comment (optional)"
            value={comment}
            onChange={event => setComment(event.target.value)}
          />
          {DECISIONS.map(({ label, variant, decide, failure: title }) => (
            <Button
              key={label}
              variant={variant}
              color={variant === 'contained' ? 'primary' : 'default'}
              disabled={busy}
              onClick={() =>
                run(() => decide(api, { ...target, ...decision }), title)
              }
            >
              {label}
            </Button>
          ))}
        </Box>
      )}
      {action.status === 'failed' && (
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          {action.mayHaveRun && (
            <FormControlLabel
              control={
                <Checkbox
                  checked={checked}
                  onChange={event => setChecked(event.target.checked)}
                />
              }
              label="The last attempt may have run: I checked the target, and it did not"
            />
          )}
          <Button
            variant="outlined"
            disabled={busy || (action.mayHaveRun && !checked)}
            onClick={() =>
              run(
                () =>
                  api.retryAction({
                    ...target,
                    ...(action.mayHaveRun ? { confirmMayHaveRun: true } : {}),
                  }),
                'Could not retry',
              )
            }
          >
            Retry
          </Button>
        </Box>
      )}
      {failure && (
        <Box mt={1}>
          <InlineError title={failure.title} error={failure.error} />
        </Box>
      )}
    </Box>
  );
}

/** "Expires in 54 min 10 s", or "Expired" once its time ran out. */
function expiryText(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  return left > 0 ? `Expires in ${formatDuration(left)}` : 'Expired';
}

/** One request: where it stands, who asked and why, and what can be done. */
function RequestItem(props: {
  action: ActionRequest;
  now: number;
  onChanged: () => void;
  /** Names the entity, where requests of several entities are listed. */
  showEntity?: boolean;
  /** Why this person cannot decide; shown instead of Approve and Reject. */
  cannotDecide?: string;
}) {
  const { action, now, cannotDecide } = props;
  const title = describeAction(action);
  const decided = action.status === 'rejected' && action.decidedBy;
  return (
    <ListItem
      component="li"
      aria-label={title}
      disableGutters
      style={{ display: 'block' }}
    >
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <Typography variant="subtitle2" component="h4">
          {title}
        </Typography>
        {props.showEntity && (
          <EntityRefLink entityRef={action.entityRef} defaultKind="component" />
        )}
        <ActionStatusChip status={action.status} />
        <RiskBadge risk={action.risk} title="The risk when it was requested" />
        <Typography variant="body2" color="textSecondary" component="span">
          {approvalsText(action)}
        </Typography>
      </Box>
      <Typography variant="body2" color="textSecondary">
        Requested by {action.requestedBy}{' '}
        <Age iso={action.requestedAt} now={now} />
        {action.attempts > 1 ? ` · attempt ${action.attempts}` : ''}
      </Typography>
      <Typography variant="body2">Why: {action.reason}</Typography>
      {action.override && (
        <Typography variant="body2">
          Override: {action.override.justification}
        </Typography>
      )}
      {decided && (
        <Typography variant="body2">
          Rejected by {action.decidedBy}
          {action.decision ? `: ${action.decision}` : ''}
        </Typography>
      )}
      {action.outcome && (
        <Typography
          variant="body2"
          color={action.status === 'failed' ? 'error' : 'textPrimary'}
        >
          Outcome: {action.outcome}
        </Typography>
      )}
      {action.status === 'requested' && (
        <Typography variant="body2" color="textSecondary">
          {expiryText(action.expiresAt, now)}
        </Typography>
      )}
      <RequestedReadiness action={action} now={now} />
      {cannotDecide ? (
        <Box mt={1}>
          <Typography variant="body2" color="textSecondary">
            {cannotDecide}
          </Typography>
        </Box>
      ) : (
        <RequestControls action={action} onChanged={props.onChanged} />
      )}
    </ListItem>
  );
}

/**
 * Requests, one per item, divided; `cannotDecide` says why the user may not
 * decide one, in place of its Approve and Reject.
 */
export function RequestList(props: {
  label: string;
  items: Array<{ action: ActionRequest; cannotDecide?: string }>;
  onChanged: () => void;
  showEntity?: boolean;
}) {
  const now = Date.now();
  return (
    <List aria-label={props.label} disablePadding>
      {props.items.map(({ action, cannotDecide }, index) => (
        <Fragment key={action.id}>
          {index > 0 && <Divider component="li" />}
          <RequestItem
            action={action}
            now={now}
            onChanged={props.onChanged}
            showEntity={props.showEntity}
            cannotDecide={cannotDecide}
          />
        </Fragment>
      ))}
    </List>
  );
}

/**
 * The tab's action requests: those waiting for approval first, with Approve
 * and Reject; then the rest, with where each stands, who asked, why, the
 * risk at the time and the approvals so far.
 */
export function ActionsCard(props: {
  actions: ActionsState['actions'];
  onChanged: () => void;
}) {
  return (
    <FetchCard
      title="Actions"
      {...props.actions}
      loadingLabel="Loading action requests"
      errorTitle="Rollback Guard could not load the action requests"
    >
      {actions => {
        if (actions.length === 0) {
          return (
            <Typography variant="body2" color="textSecondary">
              No action requested yet.
            </Typography>
          );
        }
        return (
          <RequestList
            label="Action requests"
            items={pendingFirst(actions).map(action => ({ action }))}
            onChanged={props.onChanged}
          />
        );
      }}
    </FetchCard>
  );
}
