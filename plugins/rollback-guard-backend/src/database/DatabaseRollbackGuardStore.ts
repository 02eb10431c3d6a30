import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  Deployment,
  DeploymentState,
  DeploymentStrategy,
} from '@rollback-guard/plugin-rollback-guard-common';
import { Knex } from 'knex';
import { RollbackGuardStore } from './RollbackGuardStore';

const migrationsDir = resolvePackagePath(
  '@rollback-guard/plugin-rollback-guard-backend',
  'migrations',
);

const DEPLOYMENTS = 'rollback_guard_deployments';

type DeploymentRow = {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  artifact_ref: string | null;
  artifact_digest: string | null;
  strategy: string;
  state: string;
  progress_percent: number | null;
  traffic_percent: number | null;
  source_commit: string | null;
  triggered_by: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
};

// SQLite returns timestamps as strings or epoch numbers, PostgreSQL as Dates.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

function toRow(deployment: Deployment): DeploymentRow {
  return {
    id: deployment.id,
    entity_ref: deployment.entityRef,
    environment: deployment.environment,
    version: deployment.version,
    artifact_ref: deployment.artifact?.reference ?? null,
    artifact_digest: deployment.artifact?.digest ?? null,
    strategy: deployment.strategy,
    state: deployment.state,
    progress_percent: deployment.progressPercent ?? null,
    traffic_percent: deployment.trafficPercent ?? null,
    source_commit: deployment.sourceCommit ?? null,
    triggered_by: deployment.triggeredBy ?? null,
    started_at: new Date(deployment.startedAt),
    finished_at: deployment.finishedAt ? new Date(deployment.finishedAt) : null,
  };
}

function fromRow(row: DeploymentRow): Deployment {
  const artifact =
    row.artifact_ref || row.artifact_digest
      ? {
          ...(row.artifact_ref ? { reference: row.artifact_ref } : {}),
          ...(row.artifact_digest ? { digest: row.artifact_digest } : {}),
        }
      : undefined;
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    ...(artifact ? { artifact } : {}),
    strategy: row.strategy as DeploymentStrategy,
    state: row.state as DeploymentState,
    ...(row.progress_percent !== null
      ? { progressPercent: row.progress_percent }
      : {}),
    ...(row.traffic_percent !== null
      ? { trafficPercent: row.traffic_percent }
      : {}),
    ...(row.source_commit ? { sourceCommit: row.source_commit } : {}),
    ...(row.triggered_by ? { triggeredBy: row.triggered_by } : {}),
    startedAt: toIso(row.started_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
  };
}

/**
 * The Rollback Guard store on knex: SQLite in development, PostgreSQL in
 * production.
 *
 * @internal
 */
export class DatabaseRollbackGuardStore implements RollbackGuardStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseRollbackGuardStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseRollbackGuardStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async recordDeployment(
    deployment: Deployment,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const inserted = await this.db<DeploymentRow>(DEPLOYMENTS)
      .insert(toRow(deployment))
      .onConflict('id')
      .ignore()
      .returning('id');
    const stored = await this.getDeployment(deployment.id);
    if (!stored) {
      throw new Error(`Deployment ${deployment.id} vanished after insert`);
    }
    return { deployment: stored, created: inserted.length > 0 };
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row = await this.db<DeploymentRow>(DEPLOYMENTS).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async listDeployments(
    entityRef: string,
    options: { environment?: string; limit: number; offset?: number },
  ): Promise<Deployment[]> {
    const query = this.db<DeploymentRow>(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit)
      .offset(options.offset ?? 0);
    if (options.environment) {
      query.andWhere({ environment: options.environment });
    }
    return (await query).map(fromRow);
  }

  async currentDeployments(entityRef: string): Promise<Deployment[]> {
    // The newest deployment per environment; the tie-break on id keeps the
    // answer stable when two deployments share a start time.
    const rows = await this.db<DeploymentRow>(`${DEPLOYMENTS} as d`)
      .select('d.*')
      .where('d.entity_ref', entityRef)
      .whereNotExists(function newer() {
        this.select('*')
          .from(`${DEPLOYMENTS} as n`)
          .whereRaw('n.entity_ref = d.entity_ref')
          .andWhereRaw('n.environment = d.environment')
          .andWhere(q =>
            q
              .whereRaw('n.started_at > d.started_at')
              .orWhere(q2 =>
                q2
                  .whereRaw('n.started_at = d.started_at')
                  .andWhereRaw('n.id > d.id'),
              ),
          );
      })
      .orderBy('d.environment');
    return rows.map(fromRow);
  }
}
