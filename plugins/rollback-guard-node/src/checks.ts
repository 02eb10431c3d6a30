import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CheckFact,
  CheckFinding,
  CheckStatus,
  Deployment,
  EvidenceKind,
  EvidenceOrigin,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * One evidence item of a deployment as the ledger stored it, with its content
 * (kept once per entity, so an item recorded without content has it too).
 *
 * @public
 */
export type StoredEvidence = {
  kind: EvidenceKind;
  name: string;
  mediaType?: string;
  sha256?: string;
  content?: string;
  reference?: string;
  /** Absent when CI attached it. */
  origin?: EvidenceOrigin;
};

/**
 * Reads the evidence CI attached to a deployment.
 *
 * @public
 */
export interface EvidenceReader {
  /**
   * The deployment's evidence of one kind, in the order it was recorded;
   * empty for a deployment that carries none (or that a provider other than
   * the ledger reported).
   */
  list(deployment: Deployment, kind: EvidenceKind): Promise<StoredEvidence[]>;
}

/**
 * What a readiness check is asked about: going back from `current` to
 * `candidate` in one environment of one entity.
 *
 * @public
 */
export type ReadinessCheckContext = {
  entity: Entity;
  entityRef: string;
  environment: string;
  /** What runs now. */
  current: Deployment;
  /** The earlier deployment one would go back to. */
  candidate: Deployment;
  /** The evidence CI attached to `current`, `candidate` or any deployment. */
  evidence: EvidenceReader;
  /** Aborted when the check's time budget runs out; pass it to your I/O. */
  signal: AbortSignal;
};

/**
 * A check's answer. The engine adds the check's id, title and duration.
 *
 * @public
 */
export type ReadinessCheckOutcome = {
  status: CheckStatus;
  /** One line a person reads in a glance. */
  summary: string;
  details?: string;
  /** The facts the check read (e.g. the manifest digest it asked for). */
  facts?: CheckFact[];
  /** @deprecated The former name of `facts`, still read. */
  evidence?: CheckFact[];
  /** What to do about a warn, fail or unknown. */
  remediation?: string;
  /** For a fail that makes going back impossible: the risk is `blocked`. */
  blocking?: boolean;
  /** What the check found item by item (statements, API changes), worst first. */
  findings?: CheckFinding[];
};

/**
 * One question about a candidate, e.g. "is its artifact still in the
 * registry?". Checks run in parallel, each within its time budget; a check
 * that throws or runs out of time is `unknown` with the reason, never a pass.
 *
 * @public
 */
export interface ReadinessCheck {
  readonly id: string;
  readonly title: string;
  /** Orders the reasons of the risk, heaviest first. Default 1. */
  readonly weight?: number;
  /** Whether the check has anything to say here; default: always. */
  appliesTo?(context: Omit<ReadinessCheckContext, 'signal'>): boolean;
  run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome>;
}

/**
 * The extension point through which backend modules add readiness checks.
 *
 * @public
 */
export interface RollbackGuardChecksExtensionPoint {
  addCheck(check: ReadinessCheck): void;
}

/**
 * @public
 */
export const rollbackGuardChecksExtensionPoint =
  createExtensionPoint<RollbackGuardChecksExtensionPoint>({
    id: 'rollback-guard.checks',
  });
