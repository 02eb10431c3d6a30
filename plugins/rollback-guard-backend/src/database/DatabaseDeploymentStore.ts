import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  Deployment,
  DeploymentState,
  DeploymentStrategy,
  EvidenceItem,
  EvidenceKind,
  EvidenceOrigin,
  EvidenceSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  DeploymentCursor,
  StoredEvidence,
} from '@rollback-guard/plugin-rollback-guard-node';
import { Knex } from 'knex';
import { sha256Hex } from '../lib/sha256';
import {
  DeploymentStateChange,
  DeploymentStore,
  EvidenceKey,
} from './DeploymentStore';
import { migratedClient } from './migrate';

const DEPLOYMENTS = 'rollback_guard_deployments';
const EVENTS = 'rollback_guard_deployment_events';
const EVIDENCE = 'rollback_guard_evidence';
const CONTENTS = 'rollback_guard_evidence_contents';
// Keeps `whereIn` lists under SQLite's and PostgreSQL's parameter limits.
const CHUNK = 500;

type Timestamp = Date | string | number;

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
  started_at: Timestamp;
  finished_at: Timestamp | null;
};

type EvidenceRow = {
  deployment_id: string;
  kind: string;
  name: string;
  media_type: string | null;
  reference: string | null;
  /** Before contents were kept once per entity; now always null. */
  content: string | null;
  sha256: string | null;
  origin: string | null;
  size_bytes: number;
};

type ContentRow = {
  entity_ref: string;
  sha256: string;
  content: string;
  size_bytes: number;
};

// SQLite returns timestamps as epoch numbers, PostgreSQL as Dates.
function toIso(value: Timestamp): string {
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

function fromRow(row: DeploymentRow, evidence: EvidenceSummary[]): Deployment {
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
    ...(evidence.length > 0 ? { evidence } : {}),
  };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    result.push(items.slice(i, i + CHUNK));
  }
  return result;
}

/**
 * The deployment ledger on knex (SQLite in development, PostgreSQL in
 * production): deployments, their state changes and their evidence.
 *
 * @internal
 */
export class DatabaseDeploymentStore implements DeploymentStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseDeploymentStore> {
    return new DatabaseDeploymentStore(await migratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  async recordDeployment(
    deployment: Deployment,
    evidence: EvidenceItem[],
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const created = await this.db.transaction(async tx => {
      const inserted = await tx<DeploymentRow>(DEPLOYMENTS)
        .insert(toRow(deployment))
        .onConflict('id')
        .ignore()
        .returning('id');
      if (inserted.length === 0) {
        return false;
      }
      await tx(EVENTS).insert({
        deployment_id: deployment.id,
        state: deployment.state,
        progress_percent: deployment.progressPercent ?? null,
        traffic_percent: deployment.trafficPercent ?? null,
        occurred_at: new Date(deployment.startedAt),
      });
      await this.insertEvidence(tx, deployment, evidence);
      return true;
    });
    const stored = await this.getDeployment(deployment.id);
    if (!stored) {
      throw new Error(`Deployment ${deployment.id} vanished after insert`);
    }
    return { deployment: stored, created };
  }

  private async insertEvidence(
    tx: Knex.Transaction,
    deployment: Deployment,
    evidence: EvidenceItem[],
  ): Promise<void> {
    const hashed = evidence.map(item =>
      item.content !== undefined && !item.sha256
        ? { ...item, sha256: sha256Hex(item.content) }
        : item,
    );
    const contents = new Map<string, ContentRow>();
    for (const item of hashed) {
      if (item.sha256 && item.content !== undefined) {
        contents.set(item.sha256, {
          entity_ref: deployment.entityRef,
          sha256: item.sha256,
          content: item.content,
          size_bytes: Buffer.byteLength(item.content, 'utf8'),
        });
      }
    }
    for (const batch of chunks([...contents.values()])) {
      await tx<ContentRow>(CONTENTS)
        .insert(batch)
        .onConflict(['entity_ref', 'sha256'])
        .ignore();
    }
    // Items listed without content take their size from the stored copy.
    const sizes = new Map<string, number>();
    const hashes = [
      ...new Set(hashed.flatMap(item => (item.sha256 ? [item.sha256] : []))),
    ];
    for (const batch of chunks(hashes)) {
      const rows = await tx<ContentRow>(CONTENTS)
        .select('sha256', 'size_bytes')
        .where({ entity_ref: deployment.entityRef })
        .whereIn('sha256', batch);
      rows.forEach(row => sizes.set(row.sha256, Number(row.size_bytes)));
    }
    for (const batch of chunks(hashed)) {
      await tx<EvidenceRow>(EVIDENCE).insert(
        batch.map(item => ({
          deployment_id: deployment.id,
          kind: item.kind,
          name: item.name,
          media_type: item.mediaType ?? null,
          reference: item.reference ?? null,
          content: null,
          sha256: item.sha256 ?? null,
          origin: item.origin ?? null,
          size_bytes: item.sha256 ? sizes.get(item.sha256) ?? 0 : 0,
        })),
      );
    }
  }

  async knownEvidence(
    entityRef: string,
    items: EvidenceKey[],
  ): Promise<EvidenceKey[]> {
    const key = (item: EvidenceKey) =>
      `${item.kind}\u0000${item.name}\u0000${item.sha256}`;
    const found = new Set<string>();
    const hashes = [...new Set(items.map(item => item.sha256))];
    for (const batch of chunks(hashes)) {
      const rows: EvidenceKey[] = await this.db(`${EVIDENCE} as e`)
        .join(`${DEPLOYMENTS} as d`, 'd.id', 'e.deployment_id')
        .join(`${CONTENTS} as c`, function sameContent() {
          this.on('c.entity_ref', '=', 'd.entity_ref').andOn(
            'c.sha256',
            '=',
            'e.sha256',
          );
        })
        .distinct('e.kind as kind', 'e.name as name', 'e.sha256 as sha256')
        .where('d.entity_ref', entityRef)
        .whereIn('e.sha256', batch);
      rows.forEach(row => found.add(key(row)));
    }
    return items.filter(item => found.has(key(item)));
  }

  async readEvidence(
    deployment: Pick<Deployment, 'id' | 'entityRef'>,
    kind: EvidenceKind,
  ): Promise<StoredEvidence[]> {
    const rows: Array<EvidenceRow & { stored: string | null }> = await this.db(
      `${EVIDENCE} as e`,
    )
      .leftJoin(`${CONTENTS} as c`, function sameContent() {
        this.on('c.sha256', '=', 'e.sha256').andOnVal(
          'c.entity_ref',
          '=',
          deployment.entityRef,
        );
      })
      .select('e.*', 'c.content as stored')
      .where({ 'e.deployment_id': deployment.id, 'e.kind': kind })
      .orderBy('e.evidence_id');
    return rows.map(row => ({
      kind: row.kind as EvidenceKind,
      name: row.name,
      ...(row.media_type ? { mediaType: row.media_type } : {}),
      ...(row.sha256 ? { sha256: row.sha256 } : {}),
      ...(row.stored !== null ? { content: row.stored } : {}),
      ...(row.reference ? { reference: row.reference } : {}),
      ...(row.origin ? { origin: row.origin as EvidenceOrigin } : {}),
    }));
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row = await this.db<DeploymentRow>(DEPLOYMENTS).where({ id }).first();
    return row ? (await this.withEvidence([row]))[0] : undefined;
  }

  async changeState(
    id: string,
    expectedState: DeploymentState,
    change: DeploymentStateChange,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const update: Partial<DeploymentRow> = { state: change.state };
      if (change.progressPercent !== undefined) {
        update.progress_percent = change.progressPercent;
      }
      if (change.trafficPercent !== undefined) {
        update.traffic_percent = change.trafficPercent;
      }
      if (change.finishedAt) {
        update.finished_at = new Date(change.finishedAt);
      }
      // Conditional on the state the caller checked the transition against,
      // so two concurrent writers cannot both move the deployment.
      const updated = await tx<DeploymentRow>(DEPLOYMENTS)
        .where({ id, state: expectedState })
        .update(update);
      if (updated === 0) {
        return false;
      }
      await tx(EVENTS).insert({
        deployment_id: id,
        state: change.state,
        progress_percent: change.progressPercent ?? null,
        traffic_percent: change.trafficPercent ?? null,
        message: change.message ?? null,
        occurred_at: new Date(change.at),
      });
      return true;
    });
  }

  async listDeployments(
    entityRef: string,
    options: { environment?: string; limit: number; before?: DeploymentCursor },
  ): Promise<Deployment[]> {
    const query = this.db<DeploymentRow>(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.environment) {
      query.andWhere({ environment: options.environment });
    }
    const before = options.before;
    if (before) {
      const startedAt = new Date(before.startedAt);
      query.andWhere(q =>
        q
          .where('started_at', '<', startedAt)
          .orWhere(q2 =>
            q2
              .where('started_at', '=', startedAt)
              .andWhere('id', '<', before.id),
          ),
      );
    }
    return this.withEvidence(await query);
  }

  async hasVersion(entityRef: string, version: string): Promise<boolean> {
    const row = await this.db<DeploymentRow>(DEPLOYMENTS)
      .where({ entity_ref: entityRef, version })
      .first('id');
    return row !== undefined;
  }

  async currentDeployments(entityRef: string): Promise<Deployment[]> {
    // The newest deployment per environment; the tie-break on id keeps the
    // answer stable when two deployments share a start time.
    const rows = await this.db<DeploymentRow>(`${DEPLOYMENTS} as d`)
      .select('d.*')
      .where('d.entity_ref', entityRef)
      .whereNotExists(function newer() {
        this.select('n.id')
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
    return this.withEvidence(rows);
  }

  async applyRetention(options: {
    maxPerEnvironment: number;
    olderThan: Date;
  }): Promise<number> {
    const ranked = this.db(DEPLOYMENTS).select(
      'id',
      'started_at',
      this.db.raw(
        'row_number() over (partition by entity_ref, environment order by started_at desc, id desc) as rank',
      ),
    );
    const doomed: string[] = (
      await this.db
        .select('id')
        .from(ranked.as('r'))
        .where('rank', '>', Math.max(1, options.maxPerEnvironment))
        .orWhere(q =>
          q
            .where('rank', '>', 1)
            .andWhere('started_at', '<', options.olderThan),
        )
    ).map((row: { id: string }) => row.id);
    for (const batch of chunks(doomed)) {
      await this.db.transaction(async tx => {
        await tx(EVIDENCE).whereIn('deployment_id', batch).delete();
        await tx(EVENTS).whereIn('deployment_id', batch).delete();
        await tx(DEPLOYMENTS).whereIn('id', batch).delete();
      });
    }
    if (doomed.length > 0) {
      // Contents no remaining deployment of their entity lists.
      await this.db(CONTENTS)
        .whereNotExists(function listed() {
          this.select('e.evidence_id')
            .from(`${EVIDENCE} as e`)
            .join(`${DEPLOYMENTS} as d`, 'd.id', 'e.deployment_id')
            .whereRaw(`d.entity_ref = ${CONTENTS}.entity_ref`)
            .andWhereRaw(`e.sha256 = ${CONTENTS}.sha256`);
        })
        .delete();
    }
    return doomed.length;
  }

  private async withEvidence(rows: DeploymentRow[]): Promise<Deployment[]> {
    const byDeployment = new Map<string, EvidenceSummary[]>();
    for (const batch of chunks(rows.map(row => row.id))) {
      const evidence = await this.db<EvidenceRow>(EVIDENCE)
        .select(
          'deployment_id',
          'kind',
          'name',
          'media_type',
          'reference',
          'sha256',
          'origin',
          'size_bytes',
        )
        .whereIn('deployment_id', batch)
        .orderBy('evidence_id');
      for (const item of evidence) {
        const list = byDeployment.get(item.deployment_id) ?? [];
        list.push({
          kind: item.kind as EvidenceKind,
          name: item.name,
          ...(item.media_type ? { mediaType: item.media_type } : {}),
          ...(item.sha256 ? { sha256: item.sha256 } : {}),
          ...(item.reference ? { reference: item.reference } : {}),
          ...(item.origin ? { origin: item.origin as EvidenceOrigin } : {}),
          sizeBytes: Number(item.size_bytes),
        });
        byDeployment.set(item.deployment_id, list);
      }
    }
    return rows.map(row => fromRow(row, byDeployment.get(row.id) ?? []));
  }
}
