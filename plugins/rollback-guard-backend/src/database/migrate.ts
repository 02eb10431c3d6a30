import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@rollback-guard/plugin-rollback-guard-backend',
  'migrations',
);

/** The advisory lock Rollback Guard's replicas migrate under (PostgreSQL). */
const MIGRATION_LOCK_KEY = 0x52474d31; // "RGM1"

/**
 * Runs the plugin's migrations (every store's tables). knex's own lock table
 * does not cover its creation: two replicas starting at once on an empty
 * database both try to create it. On PostgreSQL the replicas take turns
 * under an advisory lock; elsewhere (one process) a lost race is retried.
 *
 * @internal
 */
export async function migrate(client: Knex): Promise<void> {
  if (client.client.config.client === 'pg') {
    // Replicas take turns: a transaction-scoped advisory lock, held while
    // this replica migrates through its other connections, released at
    // commit. The next one then finds nothing to do.
    await client.transaction(async trx => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      await migrateWithRetries(client);
    });
    return;
  }
  await migrateWithRetries(client);
}

async function migrateWithRetries(client: Knex): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.migrate.latest({ directory: migrationsDir });
      return;
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      const raced =
        /knex_migrations(_lock)?" already exists|duplicate key value|Migration table is already locked/.test(
          message,
        );
      if (!raced || attempt >= 10) throw error;
      await new Promise(resolve => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * The plugin's database client, migrated first unless the service or the
 * caller says to skip migrations: what every store's `create` starts from.
 *
 * @internal
 */
export async function migratedClient(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<Knex> {
  const client = await options.database.getClient();
  if (!options.database.migrations?.skip && !options.skipMigrations) {
    await migrate(client);
  }
  return client;
}
