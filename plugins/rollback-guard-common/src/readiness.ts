import { Deployment } from './deployments';
import { EnvironmentHealth } from './health';

/**
 * A check's answer for one candidate. `unknown` means the check could not
 * find out (its source was down, slow, or refused it); it is never a pass.
 *
 * @public
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/**
 * How risky going back to a candidate is, from all its check results.
 * `blocked`: going back is not possible or would do harm.
 *
 * @public
 */
export type Risk = 'low' | 'medium' | 'high' | 'blocked';

/**
 * @public
 */
export const RISKS: readonly Risk[] = ['low', 'medium', 'high', 'blocked'];

/**
 * A risk's rank for comparing risks: lower is better (`low` is 0).
 *
 * @public
 */
export function riskRank(risk: Risk): number {
  return RISKS.indexOf(risk);
}

/**
 * What Rollback Guard recommends for an environment.
 *
 * @public
 */
export type RecommendedAction =
  | 'roll-back'
  | 'roll-forward'
  | 'pause'
  | 'abort'
  | 'fail-back'
  | 'do-nothing';

/**
 * A fact a check read, shown next to its result.
 *
 * @public
 */
export type CheckFact = { label: string; value: string };

/**
 * The former name of {@link CheckFact}.
 *
 * @public
 * @deprecated Use {@link CheckFact}; "evidence" is what CI attaches to a deployment.
 */
export type CheckEvidence = CheckFact;

/**
 * One thing a check found, for checks that judge many things at once (each
 * migration statement, each API change): shown as a row under the check.
 *
 * @public
 */
export type CheckFinding = {
  /** The rule that matched, e.g. `ban-drop-column`. */
  rule: string;
  status: CheckStatus;
  blocking?: boolean;
  message: string;
  /** Where it was found, e.g. a migration file or an API name. */
  source?: string;
  /**
   * The catalog entity `source` names, when it is one (e.g. the API's ref),
   * so that entity's page can show what concerns it.
   */
  sourceRef?: string;
  /** The text it is about, shown monospace, e.g. the SQL statement. */
  code?: string;
  /** The language of `code`, for highlighting. */
  codeLanguage?: 'sql';
  /** Other names of the rule, e.g. the Atlas analyzer code `DS103`. */
  references?: string[];
  /** Catalog entities concerned, e.g. the consumers of a removed operation. */
  entityRefs?: string[];
  /** How severe the finding is, e.g. a vulnerability's rating. */
  severity?: FindingSeverity;
  /** Pages about it, e.g. an advisory; only `https` URLs are shown as links. */
  links?: Array<{ title: string; url: string }>;
};

/**
 * The severity of a finding, as vulnerability ratings name it.
 *
 * @public
 */
export type FindingSeverity =
  | 'critical'
  | 'high'
  | 'medium'
  | 'low'
  | 'unknown';

/**
 * @public
 */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'unknown',
];

/**
 * One check's result for one candidate.
 *
 * @public
 */
export type CheckResult = {
  checkId: string;
  title: string;
  status: CheckStatus;
  /** One line, e.g. "sha256:4f2a… is present in registry.example.com". */
  summary: string;
  details?: string;
  /** What the check read, e.g. the manifest digest it asked for. */
  facts: CheckFact[];
  /** What to do about a warn, fail or unknown. */
  remediation?: string;
  /** A fail that makes going back impossible, e.g. the artifact is gone. */
  blocking?: boolean;
  /** What the check found, item by item, worst first. */
  findings?: CheckFinding[];
  durationMs: number;
};

/**
 * The readiness of one candidate: its check results and the risk they add
 * up to, with the reasons in order of weight.
 *
 * @public
 */
export type CandidateReadiness = {
  /** The earlier deployment one would go back to. */
  candidate: Deployment;
  risk: Risk;
  reasons: string[];
  checks: CheckResult[];
};

/**
 * Readiness of one environment: its candidates, best first, and what to do.
 *
 * @public
 */
export type EnvironmentReadiness = {
  environment: string;
  current?: Deployment;
  /** Newest first: the last successful deployments before the current one. */
  candidates: CandidateReadiness[];
  /** The risk of going back to the best candidate; `blocked` with none. */
  risk: Risk;
  /** The risk's reasons, heaviest first. */
  reasons: string[];
  recommendation: { action: RecommendedAction; reason: string };
  /** How the current deployment behaves; absent without a health source. */
  health?: EnvironmentHealth;
};

/**
 * The stored result of the readiness checks of one entity.
 *
 * @public
 */
export type ReadinessSnapshot = {
  entityRef: string;
  /** ISO 8601: when the checks ran. */
  computedAt: string;
  environments: EnvironmentReadiness[];
};
