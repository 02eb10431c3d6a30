import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, LinearProgress, Typography } from '@material-ui/core';
import {
  ActionRequest,
  ActionRequestDetail,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useId, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { rollbackGuardApiRef } from '../../api';
import { Age, DeploymentStateLabel, Version } from '../DeploymentParts';
import { CandidateCard } from '../shared/CandidateCard';
import { RiskBadge } from '../RiskBadge';
import { InlineError } from '../RollbackGuardStates';
import { candidateOf } from './actionText';

/** What the requester saw: the candidate gone back to, or the environment. */
function Seen(props: { detail: ActionRequestDetail; now: number }) {
  const { detail, now } = props;
  const readiness = detail.readiness;
  if (!readiness) {
    return (
      <Typography variant="body2" color="textSecondary">
        Rollback Guard did not keep the readiness of this request.
      </Typography>
    );
  }
  const candidate =
    detail.kind === 'roll-back'
      ? candidateOf(readiness, detail.targetVersion)
      : undefined;
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      <Typography variant="body2" color="textSecondary">
        Computed <Age iso={detail.readinessComputedAt} now={now} />
        {readiness.current && (
          <>
            , when {readiness.environment} ran{' '}
            <Version deployment={readiness.current} />,{' '}
            <DeploymentStateLabel state={readiness.current.state} />
          </>
        )}
      </Typography>
      {candidate ? (
        <CandidateCard readiness={candidate} now={now} />
      ) : (
        <Box>
          <RiskBadge risk={readiness.risk} />
          <Box component="ul" my={0.5} pl={2.5}>
            {readiness.reasons.map(reason => (
              <li key={reason}>
                <Typography variant="body2">{reason}</Typography>
              </li>
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}

/**
 * "Show the readiness it was requested against": the evidence in front of
 * the requester, as it was, fetched when first asked for.
 */
export function RequestedReadiness(props: {
  action: ActionRequest;
  now: number;
}) {
  const api = useApi(rollbackGuardApiRef);
  const id = useId();
  const [open, setOpen] = useState(false);
  const [detail, load] = useAsyncFn(
    () => api.getAction(props.action.id),
    [api, props.action.id],
  );
  function toggle() {
    if (!open && !detail.value && !detail.loading) load();
    setOpen(!open);
  }
  return (
    <Box mt={1}>
      <Button
        size="small"
        onClick={toggle}
        aria-expanded={open}
        aria-controls={id}
      >
        {open ? 'Hide' : 'Show'} the readiness it was requested against
      </Button>
      {open && (
        <Box id={id} mt={1}>
          {detail.loading && (
            <LinearProgress aria-label="Loading the readiness of the request" />
          )}
          {detail.error && (
            <InlineError
              title="Could not load the readiness of the request"
              error={detail.error}
              retry={load}
            />
          )}
          {detail.value && <Seen detail={detail.value} now={props.now} />}
        </Box>
      )}
    </Box>
  );
}
