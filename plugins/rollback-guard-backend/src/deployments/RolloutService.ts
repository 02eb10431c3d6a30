import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_ENVIRONMENTS,
  Deployment,
  DeploymentHistoryPage,
  DeploymentState,
  parseAnnotationList,
  ProviderPart,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  DeploymentCursor,
  DeploymentProvider,
  DeploymentProviderRequest,
} from '@rollback-guard/plugin-rollback-guard-node';
import { providedDeployment } from './providedDeployment';
import { ProviderRegistry } from './ProviderRegistry';
import { withinBudget } from '../lib/budget';
import { EntityReader } from '../entities/EntityReader';

type Answer<T> = { part: ProviderPart; value?: T };

const ROLLING_OUT: DeploymentState[] = ['pending', 'progressing', 'paused'];
// States in which a deployment no longer serves: the one before it does.
const GONE_BACK: DeploymentState[] = ['aborted', 'rolled-back'];
// How far back to look for the version the rest of the traffic is on.
const STABLE_LOOKBACK = 20;

function newestFirst(a: Deployment, b: Deployment): number {
  if (a.startedAt !== b.startedAt) {
    return Date.parse(b.startedAt) - Date.parse(a.startedAt);
  }
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

export function encodeCursor(deployment: Deployment): string {
  const cursor: DeploymentCursor = {
    startedAt: deployment.startedAt,
    id: deployment.id,
  };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string): DeploymentCursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      typeof value.id === 'string' &&
      typeof value.startedAt === 'string' &&
      !Number.isNaN(Date.parse(value.startedAt))
    ) {
      return { id: value.id, startedAt: value.startedAt };
    }
  } catch {
    // reported below
  }
  throw new InputError(
    'Invalid query: query.cursor: not a cursor from a previous page; pass the nextCursor of the last answer',
  );
}

/**
 * The read side: asks every provider an entity uses, each within its time
 * budget, and merges their answers. A provider that fails, times out or
 * answers nonsense makes its part `unknown` with the reason; the rest stands.
 *
 * @internal
 */
export class RolloutService {
  constructor(
    private readonly options: {
      entities: EntityReader;
      providers: ProviderRegistry;
      timeoutMs: number;
      logger: LoggerService;
    },
  ) {}

  async getRolloutStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<RolloutStatus> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    return this.rolloutStatusOf(entity, ref);
  }

  /** The rollout status of an entity already read from the catalog. */
  async rolloutStatusOf(entity: Entity, ref: string): Promise<RolloutStatus> {
    const declared = declaredEnvironments(entity);
    const answers = await this.askProviders(entity, ref, (provider, request) =>
      provider.getCurrentDeployments(request),
    );

    const current = new Map<string, Deployment>();
    for (const deployment of answers.flatMap(a => a.value ?? [])) {
      const known = current.get(deployment.environment);
      if (!known || newestFirst(deployment, known) < 0) {
        current.set(deployment.environment, deployment);
      }
    }
    const others = [...current.keys()]
      .filter(name => !declared.includes(name))
      .sort();
    const environments = await Promise.all(
      [...declared, ...others].map(async environment => {
        const deployment = current.get(environment);
        if (!deployment) return { environment };
        const before =
          ROLLING_OUT.includes(deployment.state) ||
          GONE_BACK.includes(deployment.state)
            ? await this.findStable(entity, ref, deployment)
            : undefined;
        if (before && GONE_BACK.includes(deployment.state)) {
          return { environment, current: deployment, runs: before };
        }
        return {
          environment,
          current: deployment,
          ...(before ? { stable: before } : {}),
        };
      }),
    );
    return {
      entityRef: ref,
      environments,
      sources: answers.map(a => a.part),
    };
  }

  /**
   * The newest deployment before `current` in its environment that
   * succeeded, looked up while `current` rolls out (the stable version) or
   * after it went back (the version that runs). Best effort: the card shows
   * "stable" without a version when it cannot be found.
   */
  private async findStable(
    entity: Entity,
    entityRef: string,
    current: Deployment,
  ): Promise<Deployment | undefined> {
    const provider = this.options.providers.get(current.provider ?? '');
    if (!provider) return undefined;
    const answer = await this.withinBudget(provider, signal =>
      provider
        .listDeployments({
          entity,
          entityRef,
          environments: declaredEnvironments(entity),
          signal,
          environment: current.environment,
          limit: STABLE_LOOKBACK,
          before: { startedAt: current.startedAt, id: current.id },
        })
        .then(deployments =>
          checkDeployments(deployments, provider, entityRef),
        ),
    );
    return answer.value?.find(d => d.state === 'succeeded');
  }

  async getHistory(
    entityRef: string,
    options: { environment?: string; limit: number; cursor?: string },
    credentials: BackstageCredentials,
  ): Promise<DeploymentHistoryPage> {
    const before = options.cursor ? decodeCursor(options.cursor) : undefined;
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    return this.historyOf(entity, ref, { ...options, before });
  }

  /** A page of the history of an entity already read from the catalog. */
  async historyOf(
    entity: Entity,
    ref: string,
    options: { environment?: string; limit: number; before?: DeploymentCursor },
  ): Promise<DeploymentHistoryPage> {
    const { before } = options;
    // One more than a page from each provider tells whether another page exists.
    const answers = await this.askProviders(entity, ref, (provider, request) =>
      provider.listDeployments({
        ...request,
        environment: options.environment,
        limit: options.limit + 1,
        before,
      }),
    );
    const merged = answers.flatMap(a => a.value ?? []).sort(newestFirst);
    const items = merged.slice(0, options.limit);
    return {
      entityRef: ref,
      items,
      ...(merged.length > options.limit
        ? { nextCursor: encodeCursor(items[items.length - 1]) }
        : {}),
      sources: answers.map(a => a.part),
    };
  }

  private async askProviders(
    entity: Entity,
    entityRef: string,
    ask: (
      provider: DeploymentProvider,
      request: DeploymentProviderRequest,
    ) => Promise<Deployment[]>,
  ): Promise<Answer<Deployment[]>[]> {
    const { providers } = this.options;
    const environments = declaredEnvironments(entity);
    return Promise.all(
      providers.idsFor(entity).map(id => {
        const provider = providers.get(id);
        const problem = providers.problemFor(id, entity);
        if (!provider || problem) {
          return {
            part: {
              provider: id,
              title: provider?.title ?? id,
              status: 'unknown' as const,
              reason: problem,
              durationMs: 0,
            },
          };
        }
        return this.withinBudget(provider, signal =>
          ask(provider, { entity, entityRef, environments, signal }).then(
            deployments => checkDeployments(deployments, provider, entityRef),
          ),
        );
      }),
    );
  }

  private async withinBudget<T>(
    provider: DeploymentProvider,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<Answer<T>> {
    const answer = await withinBudget(this.options.timeoutMs, work);
    const part: ProviderPart = {
      provider: provider.id,
      title: provider.title,
      status: 'ok',
      durationMs: answer.durationMs,
    };
    if (answer.ok) {
      return { part, value: answer.value };
    }
    const reason = `${provider.title} ${answer.error}`;
    this.options.logger.warn(
      `Rollback Guard provider ${provider.id}: ${reason}`,
    );
    return { part: { ...part, status: 'unknown', reason } };
  }
}

export function declaredEnvironments(entity: Entity): string[] {
  const value = entity.metadata.annotations?.[ANNOTATION_ENVIRONMENTS];
  return value ? parseAnnotationList(value) : [];
}

function checkDeployments(
  deployments: unknown,
  provider: DeploymentProvider,
  entityRef: string,
): Deployment[] {
  if (!Array.isArray(deployments)) {
    throw new Error('answered something other than a list of deployments');
  }
  return deployments.map((deployment, index) => {
    const result = providedDeployment.safeParse(deployment);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `answered a malformed deployment (item ${index}, ${
          issue.path.join('.') || 'value'
        }: ${issue.message})`,
      );
    }
    // Providers answer for the entity asked about, whatever they echo back.
    return { ...(deployment as Deployment), entityRef, provider: provider.id };
  });
}
