import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';

/**
 * The stored readiness of each entity: what `GET /readiness` answers until
 * the entity's deployments change or the refresh recomputes it.
 *
 * @internal
 */
export interface ReadinessStore {
  /** Stores the readiness of an entity, replacing the previous one. */
  saveSnapshot(snapshot: ReadinessSnapshot): Promise<void>;
  getSnapshot(entityRef: string): Promise<ReadinessSnapshot | undefined>;
  /** Forgets the readiness of an entity: its deployments changed. */
  discardSnapshot(entityRef: string): Promise<void>;
}
