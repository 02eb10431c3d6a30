import {
  ActionKind,
  ActionRequest,
  ActionStatus,
  ApprovalRule,
  approvalRuleFor,
  DeploymentState,
  EnvironmentReadiness,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';

const KINDS: Record<ActionKind, string> = {
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort',
  'roll-back': 'Roll back',
  'roll-forward': 'Roll forward',
};

/** An action kind in words, e.g. "Roll back". */
export function kindText(kind: ActionKind): string {
  return KINDS[kind] ?? kind;
}

/** What a request asks for, e.g. "Roll back production to 1.4.2". */
export function describeAction(
  action: Pick<ActionRequest, 'kind' | 'environment' | 'targetVersion'>,
): string {
  const what = `${kindText(action.kind)} ${action.environment}`;
  return action.targetVersion ? `${what} to ${action.targetVersion}` : what;
}

const STATUSES: Record<ActionStatus, string> = {
  requested: 'Waiting for approval',
  approved: 'Approved',
  executing: 'Executing',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
};

/** Where a request stands, in words, e.g. "Waiting for approval". */
export function statusText(status: ActionStatus): string {
  return STATUSES[status] ?? status;
}

/**
 * The actions the state of the current deployment allows, as the backend
 * checks them: pause and abort while it rolls out, resume and abort while
 * it is paused; roll back (when there is a candidate) and roll forward in
 * any state.
 */
export function allowedKinds(
  state: DeploymentState,
  hasCandidates: boolean,
): ActionKind[] {
  const kinds: ActionKind[] = [];
  if (state === 'pending' || state === 'progressing') {
    kinds.push('pause', 'abort');
  } else if (state === 'paused') {
    kinds.push('resume', 'abort');
  }
  if (hasCandidates) {
    kinds.push('roll-back');
  }
  kinds.push('roll-forward');
  return kinds;
}

/**
 * Who must approve, in one sentence, by the entity's policy: "Runs at once:
 * no approval needed for pause", "Needs 1 approval from someone else",
 * "Needs 2 approvals (high risk)".
 */
export function approvalText(
  kind: ActionKind,
  risk: Risk,
  approvals: Record<ApprovalRule, number>,
): string {
  const needed = approvals[approvalRuleFor(kind, risk)];
  if (needed === 0) {
    return `Runs at once: no approval needed for ${kindText(
      kind,
    ).toLowerCase()}`;
  }
  if (needed === 1) {
    return 'Needs 1 approval from someone else';
  }
  const why = risk === 'blocked' ? 'blocked' : `${risk} risk`;
  return kind === 'roll-back'
    ? `Needs ${needed} approvals (${why})`
    : `Needs ${needed} approvals from other people`;
}

/** "Approvals: 1 of 2", or "No approval needed" where policy asks none. */
export function approvalsText(
  action: Pick<ActionRequest, 'approvals' | 'requiredApprovals'>,
): string {
  return action.requiredApprovals === 0
    ? 'No approval needed'
    : `Approvals: ${action.approvals.length} of ${action.requiredApprovals}`;
}

/** The candidate of an environment with this version, if any. */
export function candidateOf(
  readiness: EnvironmentReadiness,
  version: string | undefined,
) {
  return readiness.candidates.find(c => c.candidate.version === version);
}
