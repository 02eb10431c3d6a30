import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import {
  ActionKind,
  ActionPolicyView,
  ActionRequest,
  CandidateReadiness,
  EnvironmentReadiness,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useId, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { rollbackGuardApiRef } from '../../api';
import { Age, DeploymentStateLabel, Version } from '../DeploymentParts';
import { RiskBadge } from '../RiskBadge';
import { errorMessage } from '../RollbackGuardStates';
import { PermissivePolicyWarning } from './PermissivePolicyWarning';
import { ActionStatusChip } from './ActionStatusChip';
import {
  allowedKinds,
  approvalsText,
  approvalText,
  candidateOf,
  describeAction,
  kindText,
} from './actionText';

/** A fresh idempotency key; one per dialog opening. */
function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) {
    return crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Reasons, heaviest first, as a list. */
function ReasonList(props: { reasons: string[]; id?: string; label: string }) {
  return (
    <Box
      component="ul"
      id={props.id}
      aria-label={props.label}
      my={0.5}
      pl={2.5}
    >
      {props.reasons.map(reason => (
        <li key={reason}>
          <Typography variant="body2">{reason}</Typography>
        </li>
      ))}
    </Box>
  );
}

/** The candidates to go back to, each with its risk and reasons. */
function CandidateChoice(props: {
  candidates: CandidateReadiness[];
  value: string;
  onChange: (version: string) => void;
}) {
  const id = useId();
  return (
    <FormControl component="fieldset" margin="dense">
      <FormLabel component="legend">Go back to</FormLabel>
      <RadioGroup
        aria-label="Go back to"
        value={props.value}
        onChange={event => props.onChange(event.target.value)}
      >
        {props.candidates.map(({ candidate, risk, reasons }, index) => (
          <Box key={`${candidate.provider}:${candidate.id}`} mb={1}>
            <FormControlLabel
              value={candidate.version}
              control={
                <Radio
                  inputProps={{
                    'aria-describedby': `${id}-reasons-${index}`,
                  }}
                />
              }
              label={
                <Box display="flex" alignItems="center" gridGap={8}>
                  <Version deployment={candidate} />
                  <RiskBadge risk={risk} />
                </Box>
              }
            />
            <Box pl={4}>
              <ReasonList
                id={`${id}-reasons-${index}`}
                label={`Reasons for ${candidate.version}`}
                reasons={reasons}
              />
            </Box>
          </Box>
        ))}
      </RadioGroup>
    </FormControl>
  );
}

/** The readiness the action is about to act on. */
function ReadinessShown(props: {
  readiness: EnvironmentReadiness;
  candidate?: CandidateReadiness;
  computedAt: string;
}) {
  const { readiness, candidate, computedAt } = props;
  const { current } = readiness;
  const { risk, reasons } = candidate ?? readiness;
  return (
    <Box
      component="section"
      aria-label="Readiness acted on"
      mb={2}
      p={1.5}
      border={1}
      borderColor="divider"
      borderRadius={4}
    >
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <RiskBadge risk={risk} />
        {current && (
          <Typography variant="body2" component="span">
            {readiness.environment} runs <Version deployment={current} />,{' '}
            <DeploymentStateLabel state={current.state} />
          </Typography>
        )}
      </Box>
      <ReasonList label="Risk reasons" reasons={reasons} />
      <Typography variant="caption" color="textSecondary">
        computed <Age iso={computedAt} now={Date.now()} />
      </Typography>
    </Box>
  );
}

/** Says plainly that going back to a candidate is blocked, and why. */
function BlockedNotice(props: { candidate: CandidateReadiness }) {
  const { candidate, reasons } = props.candidate;
  return (
    <Box mb={2}>
      <Alert severity="error">
        <strong>Going back to {candidate.version} is blocked</strong>
        {reasons.length > 0 ? `: ${reasons.join('; ')}.` : '.'} Only someone who
        holds the override permission may request it, and must write why;
        Rollback Guard checks the permission when you submit.
      </Alert>
    </Box>
  );
}

/**
 * Who must approve the chosen action, by the entity's policy as the backend
 * states it; while it loads or when it cannot be read, the backend still
 * applies it on submit.
 */
function WhoApproves(props: {
  policy: { loading: boolean; error?: Error; value?: ActionPolicyView };
  kind: ActionKind;
  risk: Risk;
}) {
  const { policy, kind, risk } = props;
  if (policy.loading) {
    return (
      <Typography variant="body2" color="textSecondary">
        Checking who must approve…
      </Typography>
    );
  }
  if (policy.error || !policy.value) {
    return (
      <Typography variant="body2" color="textSecondary">
        Could not load who must approve
        {policy.error ? ` (${errorMessage(policy.error)})` : ''}; the backend
        applies the policy when you submit.
      </Typography>
    );
  }
  const { approvals, notes, anyoneMayApprove } = policy.value;
  return (
    <>
      {anyoneMayApprove && <PermissivePolicyWarning />}
      <Typography variant="body2" component="p">
        <strong>{approvalText(kind, risk, approvals)}</strong>. Nobody approves
        their own request.
      </Typography>
      {notes.length > 0 && (
        <ReasonList label="How this service's policy differs" reasons={notes} />
      )}
    </>
  );
}

/** What happened to the request: where it stands now. */
function Submitted(props: { action: ActionRequest }) {
  const { action } = props;
  return (
    <Alert severity="success" role="status">
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <span>Requested: {describeAction(action)}.</span>
        <ActionStatusChip status={action.status} />
      </Box>
      {action.status === 'requested' && (
        <Typography variant="body2">{approvalsText(action)}</Typography>
      )}
    </Alert>
  );
}

/** A required, full-width text field, in a section of its own. */
function RequiredText(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  helperText: string;
  multiline?: boolean;
}) {
  const { onChange, multiline, ...rest } = props;
  return (
    <Box mb={2}>
      <TextField
        {...rest}
        required
        fullWidth
        multiline={multiline}
        minRows={multiline ? 2 : undefined}
        onChange={event => onChange(event.target.value)}
      />
    </Box>
  );
}

/**
 * The action dialog of one environment: it shows the readiness it acts on,
 * offers only what the deployment's state allows, asks for a reason, says
 * who must approve, and explains a blocked candidate. Each opening sends at
 * most one request (one idempotency key), however often it is submitted.
 */
export function ActionDialog(props: {
  open: boolean;
  onClose: () => void;
  entityRef: string;
  readiness: EnvironmentReadiness;
  /** When the readiness was computed. */
  computedAt: string;
  /** Called with the request once the backend has it. */
  onRequested?: (action: ActionRequest) => void;
}) {
  const { open, onClose, entityRef, readiness, computedAt, onRequested } =
    props;
  const api = useApi(rollbackGuardApiRef);
  const policy = useAsync(
    () => api.getActionPolicy(entityRef),
    [api, entityRef],
  );
  const refusal = policy.value?.refusal;
  const id = useId();
  const titleId = `${id}-title`;
  const current = readiness.current;
  const kinds = current
    ? allowedKinds(current.state, readiness.candidates.length > 0)
    : [];
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [chosenKind, setKind] = useState<ActionKind | undefined>(kinds[0]);
  // Should the deployment's state change while the dialog is open, only
  // what the new state allows stays on offer.
  const kind = chosenKind && kinds.includes(chosenKind) ? chosenKind : kinds[0];
  const [candidateVersion, setCandidateVersion] = useState(
    readiness.candidates[0]?.candidate.version ?? '',
  );
  const [forwardVersion, setForwardVersion] = useState('');
  const [reason, setReason] = useState('');
  const [justification, setJustification] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<ActionRequest>();

  const candidate =
    kind === 'roll-back' ? candidateOf(readiness, candidateVersion) : undefined;
  const blocked = candidate?.risk === 'blocked';
  const risk = candidate?.risk ?? readiness.risk;
  const targetVersions: Partial<Record<ActionKind, string>> = {
    'roll-back': candidateVersion,
    'roll-forward': forwardVersion.trim(),
  };
  const targetVersion = kind ? targetVersions[kind] : undefined;
  const ready =
    kind !== undefined &&
    reason.trim() !== '' &&
    (kind !== 'roll-back' || candidate !== undefined) &&
    (kind !== 'roll-forward' || targetVersion !== '') &&
    (!blocked || justification.trim() !== '') &&
    refusal === undefined;

  async function submit() {
    if (!kind || !ready || inFlight.current) return;
    inFlight.current = true;
    setSubmitting(true);
    setError(undefined);
    try {
      const action = await api.requestAction({
        entityRef,
        environment: readiness.environment,
        kind,
        ...(targetVersion ? { targetVersion } : {}),
        reason: reason.trim(),
        idempotencyKey,
        ...(blocked
          ? { override: { justification: justification.trim() } }
          : {}),
      });
      setResult(action);
      onRequested?.(action);
    } catch (e) {
      setError(e as Error);
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  const locked = submitting || result !== undefined;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={titleId}>Act on {readiness.environment}</DialogTitle>
      <DialogContent>
        <ReadinessShown
          readiness={readiness}
          candidate={candidate}
          computedAt={computedAt}
        />
        {kinds.length === 0 ? (
          <Typography variant="body2">
            Nothing is deployed to {readiness.environment}, so there is nothing
            to act on.
          </Typography>
        ) : (
          <>
            <FormControl component="fieldset" margin="dense" disabled={locked}>
              <FormLabel component="legend">Action</FormLabel>
              <RadioGroup
                row
                aria-label="Action"
                value={kind ?? ''}
                onChange={event => setKind(event.target.value as ActionKind)}
              >
                {kinds.map(k => (
                  <FormControlLabel
                    key={k}
                    value={k}
                    control={<Radio />}
                    label={kindText(k)}
                  />
                ))}
              </RadioGroup>
            </FormControl>
            {kind === 'roll-back' && (
              <CandidateChoice
                candidates={readiness.candidates}
                value={candidateVersion}
                onChange={setCandidateVersion}
              />
            )}
            {kind === 'roll-forward' && (
              <RequiredText
                id={`${id}-forward`}
                label="Version to roll forward to"
                disabled={locked}
                value={forwardVersion}
                onChange={setForwardVersion}
                helperText="A version that fixes what the current one broke"
              />
            )}
            {candidate && blocked && <BlockedNotice candidate={candidate} />}
            <RequiredText
              id={`${id}-reason`}
              label="Reason"
              multiline
              disabled={locked}
              value={reason}
              onChange={setReason}
              helperText="Why; it goes to the approvers and the audit trail"
            />
            {blocked && (
              <RequiredText
                id={`${id}-justification`}
                label="Override justification"
                multiline
                disabled={locked}
                value={justification}
                onChange={setJustification}
                helperText="Why going back is worth it despite what blocks it"
              />
            )}
            {kind && <WhoApproves policy={policy} kind={kind} risk={risk} />}
            {refusal && (
              <Box mt={2}>
                <Alert severity="error">{refusal}</Alert>
              </Box>
            )}
          </>
        )}
        {error && (
          <Box mt={2}>
            <Alert severity="error">
              The request was not made: {errorMessage(error)}
            </Alert>
          </Box>
        )}
        {result && (
          <Box mt={2}>
            <Submitted action={result} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button>
        {!result && (
          <Button
            color="primary"
            variant="contained"
            onClick={submit}
            disabled={!ready || submitting}
          >
            {blocked ? 'Submit with override' : 'Submit request'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
