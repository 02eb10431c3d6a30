import { DatabaseService } from '@backstage/backend-plugin-api';
import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';
import { Knex } from 'knex';
import { parseStoredReadiness } from '../lib/storedJson';
import { migratedClient } from './migrate';
import { ReadinessStore } from './ReadinessStore';

const READINESS = 'rollback_guard_readiness';

/**
 * The stored readiness snapshots on knex, one per entity.
 *
 * @internal
 */
export class DatabaseReadinessStore implements ReadinessStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseReadinessStore> {
    return new DatabaseReadinessStore(await migratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  async saveSnapshot(snapshot: ReadinessSnapshot): Promise<void> {
    await this.db(READINESS)
      .insert({
        entity_ref: snapshot.entityRef,
        computed_at: new Date(snapshot.computedAt),
        snapshot: JSON.stringify(snapshot),
      })
      .onConflict('entity_ref')
      .merge(['computed_at', 'snapshot']);
  }

  async getSnapshot(entityRef: string): Promise<ReadinessSnapshot | undefined> {
    const row: { snapshot: string } | undefined = await this.db(READINESS)
      .select('snapshot')
      .where({ entity_ref: entityRef })
      .first();
    return row
      ? parseStoredReadiness<ReadinessSnapshot>(row.snapshot)
      : undefined;
  }

  async discardSnapshot(entityRef: string): Promise<void> {
    await this.db(READINESS).where({ entity_ref: entityRef }).delete();
  }
}
