import { ActionKind } from './actions';
import { Risk } from './readiness';

/**
 * What an approval count is set for: an action kind, or a roll-back at the
 * risk of its candidate (for example `roll-back.high`).
 *
 * @public
 */
export type ApprovalRule =
  | Exclude<ActionKind, 'roll-back'>
  | `roll-back.${Risk}`;

/**
 * Every approval rule, in the order they are shown.
 *
 * @public
 */
export const APPROVAL_RULES: readonly ApprovalRule[] = [
  'pause',
  'resume',
  'abort',
  'roll-forward',
  'roll-back.low',
  'roll-back.medium',
  'roll-back.high',
  'roll-back.blocked',
];

/**
 * The fewest approvers a rule may ask for, whatever configuration or an
 * annotation says: a second person for a high-risk or blocked roll-back.
 *
 * @public
 */
export const MIN_APPROVALS: Readonly<Record<ApprovalRule, number>> = {
  pause: 0,
  resume: 0,
  abort: 0,
  'roll-forward': 0,
  'roll-back.low': 0,
  'roll-back.medium': 0,
  'roll-back.high': 2,
  'roll-back.blocked': 2,
};

/**
 * The most approvers a rule may ask for; more could never be gathered in an
 * incident.
 *
 * @public
 */
export const MAX_APPROVALS = 10;

/**
 * The rule an action is judged by.
 *
 * @public
 */
export function approvalRuleFor(kind: ActionKind, risk: Risk): ApprovalRule {
  return kind === 'roll-back' ? `roll-back.${risk}` : kind;
}

/**
 * How far configuration lets an entity's `rollback-guard/approvals`
 * annotation change the approvals: not at all, only to ask for more, or
 * either way (never below {@link MIN_APPROVALS}).
 *
 * @public
 */
export type EntityRefinement = 'none' | 'stricter' | 'any';

/**
 * The approval policy that applies to one entity: configuration, refined by
 * the entity's annotation as far as configuration allows.
 *
 * @public
 */
export type ActionPolicyView = {
  entityRef: string;
  /** False when actions are off (permission framework disabled). */
  enabled: boolean;
  /** Why actions are refused for this entity, when they are. */
  refusal?: string;
  /** How many people other than the requester must approve. */
  approvals: Record<ApprovalRule, number>;
  requestTtlMinutes: number;
  entityRefinement: EntityRefinement;
  /** What the entity's annotation changed, or asked for and did not get. */
  notes: string[];
  /**
   * The permission policy in use lets anyone approve (the allow-all
   * policy): approvals prove nothing. Shown so it is not copied to
   * production unnoticed.
   */
  anyoneMayApprove?: boolean;
};

/**
 * Reads a `rollback-guard/approvals` value such as
 * `roll-back.medium=2, resume=2`: comma-separated `rule=count` pairs, where
 * `roll-back=count` stands for every roll-back risk.
 *
 * @public
 */
export function parseApprovalsAnnotation(
  value: string,
):
  | { approvals: Partial<Record<ApprovalRule, number>>; error?: undefined }
  | { error: string } {
  const approvals: Partial<Record<ApprovalRule, number>> = {};
  const pairs = value
    .split(',')
    .map(pair => pair.trim())
    .filter(Boolean);
  if (pairs.length === 0) {
    return {
      error:
        'sets no approvals; expected "rule=count" pairs separated by commas, e.g. "roll-back.medium=2, resume=2"',
    };
  }
  for (const pair of pairs) {
    const match = /^([a-z.-]+)\s*=\s*(\S+)$/.exec(pair);
    if (!match) {
      return {
        error: `has "${pair}", which is not "rule=count", e.g. "roll-back.medium=2"`,
      };
    }
    const [, name, countText] = match;
    const rules: ApprovalRule[] =
      name === 'roll-back'
        ? APPROVAL_RULES.filter(rule => rule.startsWith('roll-back.'))
        : APPROVAL_RULES.filter(rule => rule === name);
    if (rules.length === 0) {
      return {
        error: `has the unknown rule "${name}"; rules are ${[
          ...APPROVAL_RULES,
          'roll-back',
        ].join(', ')}`,
      };
    }
    const count = Number(countText);
    if (!/^\d+$/.test(countText) || count > MAX_APPROVALS) {
      return {
        error: `sets ${name} to "${countText}"; a count is a whole number from 0 to ${MAX_APPROVALS}`,
      };
    }
    for (const rule of rules) {
      if (approvals[rule] !== undefined) {
        return { error: `sets ${rule} more than once` };
      }
      approvals[rule] = count;
    }
  }
  return { approvals };
}
