import {
  CandidateReadiness,
  CheckResult,
  Deployment,
  RecommendedAction,
  Risk,
  riskRank,
} from '@rollback-guard/plugin-rollback-guard-common';

// How much a result weighs on the risk, heaviest first.
function severity(check: CheckResult): number {
  if (check.status === 'fail') return check.blocking ? 4 : 3;
  if (check.status === 'unknown') return 2;
  if (check.status === 'warn') return 1;
  return 0;
}

/**
 * Adds check results up into a risk with its reasons, heaviest first.
 * `unknown` is never counted as a pass: it makes the risk at least medium.
 *
 * @internal
 */
export function assessCandidate(
  checks: CheckResult[],
  weights: ReadonlyMap<string, number>,
): { risk: Risk; reasons: string[] } {
  if (checks.length === 0) {
    return {
      risk: 'medium',
      reasons: ['No readiness check applies: nothing vouches for this version'],
    };
  }
  const ordered = [...checks].sort(
    (a, b) =>
      severity(b) - severity(a) ||
      (weights.get(b.checkId) ?? 1) - (weights.get(a.checkId) ?? 1),
  );
  const RISK_BY_SEVERITY: Risk[] = [
    'low',
    'medium',
    'medium',
    'high',
    'blocked',
  ];
  const risk = RISK_BY_SEVERITY[severity(ordered[0])];
  const reasons = ordered
    .filter(check => severity(check) > 0)
    .map(check =>
      check.status === 'unknown'
        ? `${check.title} unknown: ${check.summary}`
        : `${check.title}: ${check.summary}`,
    );
  return {
    risk,
    reasons:
      reasons.length > 0 ? reasons : [`All ${checks.length} checks passed`],
  };
}

/**
 * The best candidate: the lowest risk, the newest among equals (candidates
 * come newest first).
 *
 * @internal
 */
export function bestCandidate(
  candidates: CandidateReadiness[],
): CandidateReadiness | undefined {
  return candidates.reduce<CandidateReadiness | undefined>(
    (best, candidate) =>
      !best || riskRank(candidate.risk) < riskRank(best.risk)
        ? candidate
        : best,
    undefined,
  );
}

/**
 * What to do in an environment, in one sentence, following the product's
 * stance: going back is a last resort; pausing a canary, failing back to the
 * blue environment or fixing forward often beat it.
 *
 * @internal
 */
export function recommend(options: {
  environment: string;
  current?: Deployment;
  stable?: Deployment;
  best?: CandidateReadiness;
}): { action: RecommendedAction; reason: string } {
  const { environment, current, stable, best } = options;
  if (!current) {
    return {
      action: 'do-nothing',
      reason: `Nothing is deployed to ${environment} yet.`,
    };
  }
  const v = current.version;
  switch (current.state) {
    case 'succeeded':
      return {
        action: 'do-nothing',
        reason: `${v} finished rolling out in ${environment}; nothing here calls for going back.`,
      };
    case 'rolled-back':
      return {
        action: 'do-nothing',
        reason: `${v} was already rolled back in ${environment}.`,
      };
    case 'aborted':
      return {
        action: 'roll-forward',
        reason: `The rollout of ${v} was aborted and traffic is back on the stable version; ship a fix as a new version rather than go back further.`,
      };
    case 'pending':
    case 'progressing':
    case 'paused':
      if (current.strategy === 'canary') {
        const share =
          current.trafficPercent !== undefined
            ? `${current.trafficPercent}% of traffic`
            : 'part of the traffic';
        return {
          action: 'pause',
          reason: `The canary of ${v} carries only ${share}: pause or abort it rather than roll back, while ${
            stable ? stable.version : 'the stable version'
          } serves the rest.`,
        };
      }
      if (current.strategy === 'blue-green') {
        return {
          action: 'fail-back',
          reason: `The previous environment${
            stable ? ` still runs ${stable.version}` : ' is still up'
          }: switch traffic back to it rather than redeploy.`,
        };
      }
      return {
        action: 'pause',
        reason: `The ${current.strategy} rollout of ${v} is ${
          current.progressPercent !== undefined
            ? `${current.progressPercent}% done`
            : 'under way'
        }: pause it and decide with the evidence in front of you.`,
      };
    case 'failed':
    default:
      break;
  }
  if (!best) {
    return {
      action: 'roll-forward',
      reason: `The rollout of ${v} failed and there is no earlier successful version to go back to: fix forward.`,
    };
  }
  const why = best.reasons[0] ?? '';
  if (best.risk === 'low') {
    return {
      action: 'roll-back',
      reason: `The rollout of ${v} failed and going back to ${
        best.candidate.version
      } is low risk (${why.toLocaleLowerCase('en-US')}).`,
    };
  }
  if (best.risk === 'medium') {
    return {
      action: 'roll-back',
      reason: `The rollout of ${v} failed; going back to ${best.candidate.version} is medium risk (${why}), so read the checks before you approve.`,
    };
  }
  return {
    action: 'roll-forward',
    reason: `The rollout of ${v} failed but going back to ${best.candidate.version} is ${best.risk} (${why}): fix forward instead.`,
  };
}
