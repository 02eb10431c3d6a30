import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readDuration } from '../lib/durations';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ActionPolicyView,
  ANNOTATION_APPROVALS,
  APPROVAL_RULES,
  ApprovalRule,
  EntityRefinement,
  MIN_APPROVALS,
  parseApprovalsAnnotation,
} from '@rollback-guard/plugin-rollback-guard-common';

/** Who must approve what, from configuration. */
export type ActionPolicy = {
  /** How many people other than the requester must approve, by rule. */
  approvals: Record<ApprovalRule, number>;
  requestTtlSeconds: number;
  /** How long an execution may go unconfirmed by the provider. */
  verifyTimeoutSeconds: number;
  /** False when the permission framework is off and config did not opt in. */
  enabled: boolean;
  /** How far an entity's `rollback-guard/approvals` may change `approvals`. */
  entityRefinement: EntityRefinement;
  /** Who hears of a request that needs approval, besides the owners. */
  notifyApprovers: string[];
  /** At most `requests` action requests per person per `windowSeconds`. */
  rateLimit: { requests: number; windowSeconds: number };
};

// Where each rule is set under rollbackGuard.actions.approvals, and its default.
const CONFIG_KEYS: Record<ApprovalRule, [string, number]> = {
  pause: ['pause', 0],
  resume: ['resume', 1],
  abort: ['abort', 0],
  'roll-forward': ['rollForward', 1],
  'roll-back.low': ['rollBack.low', 1],
  'roll-back.medium': ['rollBack.medium', 1],
  'roll-back.high': ['rollBack.high', 2],
  'roll-back.blocked': ['rollBack.blocked', 2],
};

const REFINEMENTS: EntityRefinement[] = ['none', 'stricter', 'any'];

export function readActionPolicy(
  config: Config,
  logger?: LoggerService,
): ActionPolicy {
  const approvals = {} as Record<ApprovalRule, number>;
  for (const rule of APPROVAL_RULES) {
    const [key, fallback] = CONFIG_KEYS[rule];
    const value =
      config.getOptionalNumber(`rollbackGuard.actions.approvals.${key}`) ??
      fallback;
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(
        `rollbackGuard.actions.approvals.${key} must be a whole number of approvers, got ${value}`,
      );
    }
    approvals[rule] = Math.max(MIN_APPROVALS[rule], value);
  }
  const ttlMinutes = readDuration(config, {
    key: 'actions.requestTtl',
    legacyKey: 'actions.requestTtlMinutes',
    unit: 'minutes',
    fallback: 60,
    logger,
  });
  const verifyMinutes = readDuration(config, {
    key: 'actions.verifyTimeout',
    legacyKey: 'actions.verifyTimeoutMinutes',
    unit: 'minutes',
    fallback: 30,
    logger,
  });
  const refinement =
    config.getOptionalString('rollbackGuard.actions.entityRefinement') ??
    'stricter';
  if (!REFINEMENTS.includes(refinement as EntityRefinement)) {
    throw new Error(
      `rollbackGuard.actions.entityRefinement must be one of ${REFINEMENTS.join(
        ', ',
      )}, got "${refinement}"`,
    );
  }
  const notifyApprovers =
    config.getOptionalStringArray('rollbackGuard.actions.notifyApprovers') ??
    [];
  const approverRefs = notifyApprovers.map(ref => {
    try {
      return stringifyEntityRef(parseEntityRef(ref));
    } catch {
      throw new Error(
        `rollbackGuard.actions.notifyApprovers has "${ref}", which is not an entity ref such as "group:default/sre-on-call"`,
      );
    }
  });
  return {
    approvals,
    notifyApprovers: approverRefs,
    requestTtlSeconds: ttlMinutes * 60,
    verifyTimeoutSeconds: verifyMinutes * 60,
    enabled:
      config.getOptionalBoolean('permission.enabled') === true ||
      config.getOptionalBoolean(
        'rollbackGuard.actions.allowWithoutPermissionFramework',
      ) === true,
    entityRefinement: refinement as EntityRefinement,
    rateLimit: {
      requests: wholePositive(config, 'rateLimit.requests', 20),
      windowSeconds: readDuration(config, {
        key: 'actions.rateLimit.window',
        legacyKey: 'actions.rateLimit.windowMinutes',
        unit: 'seconds',
        legacyUnit: 'minutes',
        fallback: 600,
        logger,
      }),
    },
  };
}

function wholePositive(config: Config, key: string, fallback: number): number {
  const value =
    config.getOptionalNumber(`rollbackGuard.actions.${key}`) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `rollbackGuard.actions.${key} must be a whole number of at least 1, got ${value}`,
    );
  }
  return value;
}

/**
 * The policy for one entity: configuration, refined by the entity's
 * `rollback-guard/approvals` annotation as far as `entityRefinement` allows,
 * never below the floor of a second person for high risk. A malformed
 * annotation refuses actions (fails closed) rather than guessing what the
 * team meant, unless configuration ignores annotations anyway.
 */
export function policyForEntity(
  policy: ActionPolicy,
  entity: Entity,
  entityRef: string,
): ActionPolicyView {
  const view: ActionPolicyView = {
    entityRef,
    enabled: policy.enabled,
    approvals: { ...policy.approvals },
    requestTtlMinutes: policy.requestTtlSeconds / 60,
    entityRefinement: policy.entityRefinement,
    notes: [],
  };
  if (!policy.enabled) {
    view.refusal =
      'Rollback Guard actions are off: the permission framework is disabled (permission.enabled) and rollbackGuard.actions.allowWithoutPermissionFramework is not set';
  }
  const value = entity.metadata.annotations?.[ANNOTATION_APPROVALS];
  if (value === undefined) {
    return view;
  }
  if (policy.entityRefinement === 'none') {
    view.notes.push(
      `${ANNOTATION_APPROVALS} is ignored: configuration (rollbackGuard.actions.entityRefinement: none) does not let entities change approvals`,
    );
    return view;
  }
  const parsed = parseApprovalsAnnotation(value);
  if (parsed.error !== undefined) {
    view.refusal ??= `Actions are refused until ${ANNOTATION_APPROVALS} is fixed in the entity's catalog-info.yaml: it ${parsed.error}`;
    return view;
  }
  for (const rule of APPROVAL_RULES) {
    const asked = parsed.approvals[rule];
    if (asked === undefined) continue;
    const configured = policy.approvals[rule];
    if (asked < configured && policy.entityRefinement === 'stricter') {
      view.notes.push(
        `${rule}: the annotation asks for ${asked}, but configuration only lets entities ask for more approvals; ${configured} apply`,
      );
      continue;
    }
    if (asked < MIN_APPROVALS[rule]) {
      view.approvals[rule] = MIN_APPROVALS[rule];
      view.notes.push(
        `${rule}: the annotation asks for ${asked}, but it always needs at least ${MIN_APPROVALS[rule]}`,
      );
      continue;
    }
    if (asked !== configured) {
      view.approvals[rule] = asked;
      view.notes.push(
        `${rule}: ${asked} (configuration: ${configured}), set by ${ANNOTATION_APPROVALS}`,
      );
    }
  }
  return view;
}
