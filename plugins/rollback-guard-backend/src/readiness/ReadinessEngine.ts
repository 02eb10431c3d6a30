import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CandidateReadiness,
  CheckResult,
  Deployment,
  EnvironmentReadiness,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  EvidenceReader,
  ReadinessCheck,
  ReadinessCheckContext,
} from '@rollback-guard/plugin-rollback-guard-node';
import { withinBudget } from '../lib/budget';
import { RolloutService } from '../deployments/RolloutService';
import { HealthReader } from '../health/HealthReader';
import { recommendWithHealth } from './recommendWithHealth';
import { assessCandidate, bestCandidate, recommend } from './assess';

// How far back in an environment's history to look for candidates.
const HISTORY_LOOKBACK = 100;

/**
 * The readiness checks installed in this backend.
 *
 * @internal
 */
export class CheckRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(check: ReadinessCheck): void {
    if (this.checks.has(check.id)) {
      throw new Error(
        `Rollback Guard check "${check.id}" is installed twice; each check id must be unique`,
      );
    }
    this.checks.set(check.id, check);
  }

  /** Removes checks by id; an unknown id is a configuration mistake. */
  disable(ids: string[]): void {
    for (const id of ids) {
      if (!this.checks.delete(id)) {
        throw new Error(
          `rollbackGuard.readiness.disabledChecks names "${id}", which is not installed; installed checks: ${[
            ...this.checks.keys(),
          ].join(', ')}`,
        );
      }
    }
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  weights(): Map<string, number> {
    return new Map(this.all().map(check => [check.id, check.weight ?? 1]));
  }
}

/**
 * Computes the readiness of an entity: per environment, the candidates to go
 * back to, every applicable check on each of them in parallel (each within
 * its own time budget), the risk they add up to and a recommendation.
 *
 * @internal
 */
export class ReadinessEngine {
  constructor(
    private readonly options: {
      rollouts: RolloutService;
      checks: CheckRegistry;
      evidence: EvidenceReader;
      candidates: number;
      checkTimeoutMs: number;
      logger: LoggerService;
      now?: () => Date;
      /** Reads how the current deployment behaves; none: health not shown. */
      health?: HealthReader;
    },
  ) {}

  async compute(entity: Entity, entityRef: string): Promise<ReadinessSnapshot> {
    const status = await this.options.rollouts.rolloutStatusOf(
      entity,
      entityRef,
    );
    const environments = await Promise.all(
      status.environments.map(({ environment, current, stable }) =>
        this.environmentReadiness(
          entity,
          entityRef,
          environment,
          current,
          stable,
        ),
      ),
    );
    return {
      entityRef,
      computedAt: (this.options.now?.() ?? new Date()).toISOString(),
      environments,
    };
  }

  private async environmentReadiness(
    entity: Entity,
    entityRef: string,
    environment: string,
    current?: Deployment,
    stable?: Deployment,
  ): Promise<EnvironmentReadiness> {
    if (!current) {
      return {
        environment,
        candidates: [],
        risk: 'blocked',
        reasons: [`Nothing is deployed to ${environment} yet`],
        recommendation: recommend({ environment }),
      };
    }
    const [candidates, health] = await Promise.all([
      this.findCandidates(entity, entityRef, current).then(found =>
        Promise.all(
          found.map(candidate =>
            this.candidateReadiness(entity, entityRef, current, candidate),
          ),
        ),
      ),
      this.options.health?.read({
        entity,
        entityRef,
        environment,
        current,
        stable,
      }),
    ]);
    const best = bestCandidate(candidates);
    return {
      environment,
      current,
      candidates,
      risk: best?.risk ?? 'blocked',
      reasons: best?.reasons ?? [
        `No earlier successful deployment in ${environment}: nothing to go back to`,
      ],
      recommendation: recommendWithHealth({
        environment,
        current,
        stable,
        best,
        health,
      }),
      ...(health ? { health } : {}),
    };
  }

  /** The last N successful deployments before the current one, one per version. */
  private async findCandidates(
    entity: Entity,
    entityRef: string,
    current: Deployment,
  ): Promise<Deployment[]> {
    const history = await this.options.rollouts.historyOf(entity, entityRef, {
      environment: current.environment,
      limit: HISTORY_LOOKBACK,
      before: { startedAt: current.startedAt, id: current.id },
    });
    const seen = new Set([current.version]);
    const candidates: Deployment[] = [];
    for (const deployment of history.items) {
      if (deployment.state !== 'succeeded' || seen.has(deployment.version)) {
        continue;
      }
      seen.add(deployment.version);
      candidates.push(deployment);
      if (candidates.length === this.options.candidates) break;
    }
    return candidates;
  }

  private async candidateReadiness(
    entity: Entity,
    entityRef: string,
    current: Deployment,
    candidate: Deployment,
  ): Promise<CandidateReadiness> {
    const context: Omit<ReadinessCheckContext, 'signal'> = {
      entity,
      entityRef,
      environment: current.environment,
      current,
      candidate,
      evidence: this.options.evidence,
    };
    const applicable = this.options.checks
      .all()
      .filter(check => check.appliesTo?.(context) ?? true);
    const checks = await Promise.all(
      applicable.map(check => this.runCheck(check, context)),
    );
    return {
      candidate,
      ...assessCandidate(checks, this.options.checks.weights()),
      checks,
    };
  }

  private async runCheck(
    check: ReadinessCheck,
    context: Omit<ReadinessCheckContext, 'signal'>,
  ): Promise<CheckResult> {
    const answer = await withinBudget(this.options.checkTimeoutMs, signal =>
      check.run({ ...context, signal }),
    );
    const base = {
      checkId: check.id,
      title: check.title,
      durationMs: answer.durationMs,
    };
    if (!answer.ok) {
      this.options.logger.warn(
        `Rollback Guard check ${check.id} on ${context.entityRef} ${context.candidate.version}: ${answer.error}`,
      );
      return {
        ...base,
        status: 'unknown',
        summary: `The check ${answer.error}`,
        facts: [],
        remediation:
          'Re-run the checks; if it persists, look at the backend logs for this check.',
      };
    }
    const outcome = answer.value;
    return {
      ...base,
      status: outcome.status,
      summary: outcome.summary,
      ...(outcome.details ? { details: outcome.details } : {}),
      facts: outcome.facts ?? outcome.evidence ?? [],
      ...(outcome.remediation ? { remediation: outcome.remediation } : {}),
      ...(outcome.blocking && outcome.status === 'fail'
        ? { blocking: true }
        : {}),
      ...(outcome.findings?.length ? { findings: outcome.findings } : {}),
    };
  }
}
