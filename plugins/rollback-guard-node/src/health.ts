import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  Deployment,
  HealthDirection,
  HealthPoint,
  HealthUnit,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * What a health source is asked: the series of each signal over a window,
 * for the current deployment and, behind a canary or blue/green, for the
 * stable version, at one value per `stepSeconds`.
 *
 * @public
 */
export type HealthSourceRequest = {
  entity: Entity;
  entityRef: string;
  environment: string;
  current: Deployment;
  /** The version the canary (or the new blue/green side) is judged against. */
  stable?: Deployment;
  window: { start: Date; end: Date; stepSeconds: number };
  /** Aborted when the time budget runs out; pass it to your HTTP calls. */
  signal: AbortSignal;
};

/**
 * One signal's series as the source read it. An empty `current` means the
 * source has no data for it: the signal is `unknown`, never healthy.
 *
 * @public
 */
export type HealthSourceSeries = {
  /** `errorRate`, `latencyP95`, `availability` or a named extra. */
  signal: string;
  current: HealthPoint[];
  /** Present when a stable version was asked for. */
  stable?: HealthPoint[];
  /** Set when this one signal could not be read (the others still count). */
  error?: string;
  /** For a named extra: how to show and judge it (defaults from config). */
  title?: string;
  unit?: HealthUnit;
  direction?: HealthDirection;
};

/**
 * Where the health of deployments is read from (Prometheus, ...). Rollback
 * Guard judges what it reads: the source only reads. A source that throws or
 * exceeds its time budget makes the health `unknown`, with the reason.
 *
 * @public
 */
export interface HealthSource {
  /** e.g. `prometheus`. */
  readonly id: string;
  readonly title: string;
  /** Whether the source knows this entity (e.g. it has a query set). */
  appliesTo(entity: Entity): boolean;
  read(request: HealthSourceRequest): Promise<HealthSourceSeries[]>;
}

/**
 * The extension point through which backend modules add health sources.
 *
 * @public
 */
export interface RollbackGuardHealthSourcesExtensionPoint {
  addHealthSource(source: HealthSource): void;
}

/**
 * @public
 */
export const rollbackGuardHealthSourcesExtensionPoint =
  createExtensionPoint<RollbackGuardHealthSourcesExtensionPoint>({
    id: 'rollback-guard.health-sources',
  });
