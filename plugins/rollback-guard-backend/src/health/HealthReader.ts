import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  Deployment,
  DeploymentState,
  EnvironmentHealth,
} from '@rollback-guard/plugin-rollback-guard-common';
import { HealthSource } from '@rollback-guard/plugin-rollback-guard-node';
import { withinBudget } from '../lib/budget';
import { HealthSettings, signalsForEntity } from './healthConfig';
import { judgeHealth } from './judge';

/**
 * The health sources installed in this backend.
 *
 * @internal
 */
export class HealthSources {
  private readonly sources = new Map<string, HealthSource>();

  add(source: HealthSource): void {
    if (this.sources.has(source.id)) {
      throw new Error(
        `Rollback Guard health source "${source.id}" is installed twice; each id must be unique`,
      );
    }
    this.sources.set(source.id, source);
  }

  /** The first installed source that knows the entity. */
  forEntity(entity: Entity): HealthSource | undefined {
    return [...this.sources.values()].find(s => s.appliesTo(entity));
  }

  ids(): string[] {
    return [...this.sources.keys()];
  }
}

// The states in which the current version serves traffic worth judging.
const SERVING: DeploymentState[] = [
  'progressing',
  'paused',
  'succeeded',
  'failed',
];
const IN_PROGRESS: DeploymentState[] = ['pending', 'progressing', 'paused'];

/**
 * Reads an environment's health from its source within the time budget and
 * judges it. A source that throws or is slow makes the health `unknown`
 * with the reason; it never fails the readiness.
 *
 * @internal
 */
export class HealthReader {
  constructor(
    private readonly options: {
      sources: HealthSources;
      settings: HealthSettings;
      timeoutMs: number;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  get settings(): HealthSettings {
    return this.options.settings;
  }

  async read(request: {
    entity: Entity;
    entityRef: string;
    environment: string;
    current: Deployment;
    stable?: Deployment;
  }): Promise<EnvironmentHealth | undefined> {
    const { entity, entityRef, environment, current } = request;
    const source = this.options.sources.forEntity(entity);
    if (!source || !SERVING.includes(current.state)) return undefined;
    const { settings } = this.options;
    // The stable version is judged alongside only while it still serves
    // next to the new one.
    const stable =
      request.stable &&
      request.stable.version !== current.version &&
      IN_PROGRESS.includes(current.state) &&
      (current.strategy === 'canary' || current.strategy === 'blue-green')
        ? request.stable
        : undefined;
    const readAt = this.options.now?.() ?? new Date();
    const end = new Date(
      Math.floor(readAt.getTime() / (settings.stepSeconds * 1000)) *
        settings.stepSeconds *
        1000,
    );
    const start = new Date(end.getTime() - settings.windowMinutes * 60_000);
    const { signals, refused } = signalsForEntity(settings, entity);
    const answer = await withinBudget(this.options.timeoutMs, signal =>
      source.read({
        entity,
        entityRef,
        environment,
        current,
        stable,
        window: { start, end, stepSeconds: settings.stepSeconds },
        signal,
      }),
    );
    if (!answer.ok) {
      this.options.logger.warn(
        `Rollback Guard health source ${source.id} on ${entityRef} ${environment}: ${answer.error}`,
      );
      return {
        environment,
        source: source.id,
        version: current.version,
        ...(stable ? { stableVersion: stable.version } : {}),
        verdict: 'unknown',
        reason: `${source.title} could not be read: ${answer.error}`,
        signals: [],
        window: {
          start: start.toISOString(),
          end: end.toISOString(),
          minutes: settings.windowMinutes,
        },
        readAt: readAt.toISOString(),
      };
    }
    return judgeHealth({
      environment,
      source: source.id,
      current,
      stable,
      read: answer.value,
      signals,
      settings,
      window: { start, end },
      readAt,
      notes: refused,
    });
  }
}
