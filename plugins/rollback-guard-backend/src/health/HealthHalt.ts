import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';

/** The one action Rollback Guard may ask for by itself. */
export type RequestPause = (
  input: {
    environment: string;
    kind: 'pause';
    reason: string;
    idempotencyKey: string;
  },
  prompt: { entity: Entity; snapshot: ReadinessSnapshot },
) => Promise<{ created: boolean }>;

const PAUSABLE = ['pending', 'progressing'];

/** The evidence of a failing canary, in words, for the request's reason. */
export function haltReason(environment: EnvironmentReadiness): string {
  const health = environment.health!;
  const failing = health.signals
    .filter(s => s.verdict === 'failing')
    .map(s => s.summary);
  return `Health of the canary ${health.version} turned failing in ${
    environment.environment
  }: ${failing.join(
    '; ',
  )}. Rollback Guard asks to pause it and for a person to decide what next; it never rolls back by itself. Read ${
    health.window.start
  } to ${health.window.end} from ${health.source}.`;
}

/**
 * Halt and ask (`rollbackGuard.health.haltOnFailure`): when a canary in
 * progress turns `failing`, Rollback Guard requests a pause itself, through
 * the action workflow and its policy, once per deployment. It never asks
 * for anything else.
 *
 * @internal
 */
export class HealthHalt {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly options: {
      requestPause: RequestPause;
      logger: LoggerService;
    },
  ) {}

  async afterReadiness(
    entity: Entity,
    snapshot: ReadinessSnapshot,
  ): Promise<void> {
    for (const environment of snapshot.environments) {
      const { current, health } = environment;
      if (
        !current ||
        health?.verdict !== 'failing' ||
        current.strategy !== 'canary' ||
        !PAUSABLE.includes(current.state)
      ) {
        continue;
      }
      const idempotencyKey = `health-halt:${current.id}`;
      if (this.inFlight.has(idempotencyKey)) continue;
      this.inFlight.add(idempotencyKey);
      try {
        const { created } = await this.options.requestPause(
          {
            environment: environment.environment,
            kind: 'pause',
            reason: haltReason(environment),
            idempotencyKey,
          },
          { entity, snapshot },
        );
        if (created) {
          this.options.logger.info(
            `Rollback Guard requested a pause of ${snapshot.entityRef} in ${environment.environment}: its canary ${current.version} is failing`,
          );
        }
      } catch (error) {
        this.options.logger.warn(
          `Rollback Guard could not request a pause of ${snapshot.entityRef} in ${environment.environment}: ${error}`,
        );
      } finally {
        this.inFlight.delete(idempotencyKey);
      }
    }
  }
}
