import {
  Deployment,
  DeploymentState,
  EvidenceItem,
  EvidenceKind,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  DeploymentCursor,
  StoredEvidence,
} from '@rollback-guard/plugin-rollback-guard-node';

/**
 * What names one stored evidence content: its kind, name and hash.
 *
 * @internal
 */
export type EvidenceKey = { kind: EvidenceKind; name: string; sha256: string };

/**
 * A state change of a deployment, as the ledger applies it.
 *
 * @internal
 */
export type DeploymentStateChange = {
  state: DeploymentState;
  progressPercent?: number;
  trafficPercent?: number;
  message?: string;
  /** When the change happened. */
  at: string;
  /** Set when the change finishes the deployment. */
  finishedAt?: string;
};

/**
 * The deployment ledger's persistence: deployments, their state changes and
 * their evidence.
 *
 * @internal
 */
export interface DeploymentStore {
  /**
   * Records a deployment and its evidence unless one with the same id exists;
   * returns the stored deployment and whether this call created it.
   */
  recordDeployment(
    deployment: Deployment,
    evidence: EvidenceItem[],
  ): Promise<{ deployment: Deployment; created: boolean }>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /**
   * Which of these items an earlier deployment of the entity stored, with
   * the same kind, name and content hash.
   */
  knownEvidence(
    entityRef: string,
    items: EvidenceKey[],
  ): Promise<EvidenceKey[]>;
  /** A deployment's evidence of one kind, with contents, in recorded order. */
  readEvidence(
    deployment: Pick<Deployment, 'id' | 'entityRef'>,
    kind: EvidenceKind,
  ): Promise<StoredEvidence[]>;
  /**
   * Applies a state change if the deployment is still in `expectedState`;
   * returns false when another writer changed it first.
   */
  changeState(
    id: string,
    expectedState: DeploymentState,
    change: DeploymentStateChange,
  ): Promise<boolean>;
  /** An entity's deployments, newest first. */
  listDeployments(
    entityRef: string,
    options: { environment?: string; limit: number; before?: DeploymentCursor },
  ): Promise<Deployment[]>;
  /** The newest deployment of an entity in each environment. */
  currentDeployments(entityRef: string): Promise<Deployment[]>;
  /** Whether the ledger holds a deployment of this version of the entity. */
  hasVersion(entityRef: string, version: string): Promise<boolean>;
  /**
   * Deletes deployments beyond the newest `maxPerEnvironment` of each entity
   * and environment, and those that started before `olderThan`; the newest
   * deployment of each environment is always kept. Returns how many went.
   */
  applyRetention(options: {
    maxPerEnvironment: number;
    olderThan: Date;
  }): Promise<number>;
}
