import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';

/** The p-th percentile (nearest rank) of some timings. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** One figure, as `npm run bench` prints them: `<name>: <number> <unit>`. */
export function print(name: string, value: number, unit: string) {
  process.stdout.write(`${name}: ${Number(value.toFixed(3))} ${unit}\n`);
}

/**
 * Drops the plugin's database that a benchmark made (or a previous run left)
 * on a PostgreSQL server, even while pools still hold connections to it.
 */
export async function dropPluginDatabase(connection: string, prefix: string) {
  const db = knexFactory({ client: 'pg', connection });
  try {
    await db.raw(
      `DROP DATABASE IF EXISTS "${prefix}rollback-guard" WITH (FORCE)`,
    );
  } finally {
    await db.destroy();
  }
}

/** `count` annotated components, service-0 to service-<count - 1>. */
export function serviceEntities(count: number, environments: string): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      namespace: 'default',
      annotations: { 'rollback-guard/environments': environments },
    },
  }));
}
