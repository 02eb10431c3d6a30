import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_ARTIFACT,
  ANNOTATION_ENVIRONMENTS,
  ANNOTATION_PROVIDER,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ReadinessStore } from '../database/ReadinessStore';
import { EntityReader } from '../entities/EntityReader';
import { ReadinessEngine } from './ReadinessEngine';

// Entities refreshed at once by the scheduled task.
const REFRESH_CONCURRENCY = 4;

/**
 * Readiness snapshots: read fast by the card, recomputed on a schedule and
 * on demand. Reading an entity's snapshot still asks the catalog whether the
 * caller may see the entity.
 *
 * @internal
 */
export class ReadinessService {
  constructor(
    private readonly options: {
      entities: EntityReader;
      engine: ReadinessEngine;
      store: ReadinessStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Runs after each computation, e.g. halt-and-ask on failing health. */
      afterCompute?: (
        entity: Entity,
        snapshot: ReadinessSnapshot,
      ) => Promise<void>;
      /**
       * A refresh within this long of the last computation returns that
       * one: people pressing the button cannot make the checks run hot.
       */
      refreshMinIntervalMs?: number;
    },
  ) {}

  private readonly computing = new Map<string, Promise<ReadinessSnapshot>>();

  /** The stored snapshot; computed now if there is none yet. */
  async getSnapshot(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReadinessSnapshot> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    return this.snapshotOf(entity, ref);
  }

  /**
   * The stored snapshot of an entity already read; computed when missing
   * (never computed yet, or discarded when the ledger recorded a change),
   * once for all the callers that ask meanwhile.
   */
  async snapshotOf(entity: Entity, ref: string): Promise<ReadinessSnapshot> {
    const stored = await this.options.store.getSnapshot(ref);
    if (stored) {
      return stored;
    }
    return this.computeShared(entity, ref);
  }

  /** Computes once for all the callers that ask while it runs. */
  private computeShared(
    entity: Entity,
    ref: string,
  ): Promise<ReadinessSnapshot> {
    let computing = this.computing.get(ref);
    if (!computing) {
      computing = this.computeAndSave(entity, ref).finally(() =>
        this.computing.delete(ref),
      );
      this.computing.set(ref, computing);
    }
    return computing;
  }

  /**
   * The entity's deployments changed: what the stored snapshot says of them
   * no longer holds, so the next read computes it anew.
   */
  async deploymentsChanged(entityRef: string): Promise<void> {
    await this.options.store.discardSnapshot(entityRef);
  }

  /**
   * Runs the checks again now, for someone who may see the entity; joins a
   * computation already running, and returns the stored snapshot when it
   * is younger than the minimum interval.
   */
  async refresh(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReadinessSnapshot> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    const running = this.computing.get(ref);
    if (running) return running;
    const minInterval = this.options.refreshMinIntervalMs ?? 0;
    if (minInterval > 0) {
      const stored = await this.options.store.getSnapshot(ref);
      if (stored && Date.now() - Date.parse(stored.computedAt) < minInterval) {
        return stored;
      }
    }
    return this.computeShared(entity, ref);
  }

  /**
   * Runs the checks again as the backend itself, e.g. right before an
   * approved action executes.
   */
  async recheck(
    entityRef: string,
  ): Promise<{ entity: Entity; snapshot: ReadinessSnapshot }> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      await this.options.auth.getOwnServiceCredentials(),
    );
    return { entity, snapshot: await this.computeAndSave(entity, ref) };
  }

  /** Recomputes every entity with Rollback Guard annotations. */
  async refreshAll(): Promise<number> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          ANNOTATION_ENVIRONMENTS,
          ANNOTATION_ARTIFACT,
          ANNOTATION_PROVIDER,
        ].map(annotation => ({
          [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
        })),
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: REFRESH_CONCURRENCY }, async () => {
        while (next < items.length) {
          const entity = items[next++];
          const ref = stringifyEntityRef(entity);
          try {
            await this.computeAndSave(entity, ref);
          } catch (error) {
            failures++;
            this.options.logger.warn(
              `Rollback Guard could not compute the readiness of ${ref}: ${error}`,
            );
          }
        }
      }),
    );
    return items.length - failures;
  }

  private async computeAndSave(
    entity: Entity,
    ref: string,
  ): Promise<ReadinessSnapshot> {
    const snapshot = await this.options.engine.compute(entity, ref);
    await this.options.store.saveSnapshot(snapshot);
    await this.options.afterCompute?.(entity, snapshot);
    return snapshot;
  }
}
