import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ACTION_WEBHOOK,
  ANNOTATION_PROVIDER,
  parseAnnotationList,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ActionExecutionRequest,
  ActionExecutionResult,
  ActionExecutor,
} from '@rollback-guard/plugin-rollback-guard-node';
import { WebhookExecutor } from './WebhookExecutor';

/**
 * Where an entity's approved actions go: the webhook it names, if any;
 * otherwise the executor of its provider (the provider that reads its
 * deployments carries out its actions); otherwise nowhere, with why.
 *
 * @internal
 */
export class ExecutorRouter {
  private readonly byProvider = new Map<string, ActionExecutor>();

  constructor(
    private readonly options: {
      webhooks: WebhookExecutor;
      /** Used when the entity names no provider. */
      defaultProvider: string;
    },
  ) {}

  add(executor: ActionExecutor) {
    if (this.byProvider.has(executor.providerId)) {
      throw new Error(
        `Rollback Guard already has an action executor for provider ${executor.providerId}`,
      );
    }
    this.byProvider.set(executor.providerId, executor);
  }

  /** The executor that acts for an entity, or undefined for the webhook. */
  private providerExecutor(entity: Entity): ActionExecutor | undefined {
    const annotations = entity.metadata.annotations ?? {};
    if (annotations[ANNOTATION_ACTION_WEBHOOK]?.trim()) return undefined;
    const providers = annotations[ANNOTATION_PROVIDER]
      ? parseAnnotationList(annotations[ANNOTATION_PROVIDER])
      : [this.options.defaultProvider];
    for (const provider of providers) {
      const executor = this.byProvider.get(provider);
      if (executor) return executor;
    }
    return undefined;
  }

  async execute(
    request: ActionExecutionRequest,
    options: { signal?: AbortSignal },
  ): Promise<ActionExecutionResult> {
    const executor =
      this.providerExecutor(request.entity) ?? this.options.webhooks;
    return executor.execute(request, options);
  }
}
