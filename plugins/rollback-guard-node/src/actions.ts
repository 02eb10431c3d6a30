import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ActionRequest,
  WebhookPayload,
} from '@rollback-guard/plugin-rollback-guard-common';

/**
 * One approved action to carry out, once: the attempt number counts the
 * executions of this request (a retry is a new, audited attempt).
 *
 * @public
 */
export type ActionExecutionRequest = {
  action: ActionRequest;
  attempt: number;
  entity: Entity;
};

/**
 * How one execution went. A failure says why, in words for the audit trail,
 * and whether the request may have reached the target: when it may have
 * (`reachedTarget`, with no status or a 5xx), the action may have run
 * although no success came back, so a person must look before a retry.
 *
 * @public
 */
export type ActionExecutionResult =
  | {
      ok: true;
      /** Where it went, e.g. a webhook's name or a cluster and object. */
      target: string;
      status?: number;
    }
  | {
      ok: false;
      reason: string;
      target?: string;
      /** The HTTP status, when the target answered. */
      status?: number;
      reachedTarget: boolean;
    };

/**
 * Carries out approved actions where a provider's deployments run, e.g. an
 * Argo Rollouts abort. An entity's `rollback-guard/provider` annotation
 * decides where its deployments are read and where its actions go, unless
 * the entity names a webhook (`rollback-guard/action-webhook`).
 *
 * An executor never retries by itself, and answers with a result for
 * anything its target or the network can do; it throws only for what it
 * was wrongly given.
 *
 * @public
 */
export interface ActionExecutor {
  /** The provider whose entities it acts for, e.g. `argo-rollouts`. */
  readonly providerId: string;
  execute(
    request: ActionExecutionRequest,
    options: { signal?: AbortSignal },
  ): Promise<ActionExecutionResult>;
}

/**
 * A body format for the built-in signed webhook, beside Rollback Guard's own
 * `generic` JSON: e.g. GitHub's workflow_dispatch. A webhook in
 * `rollbackGuard.actions.webhooks` chooses one with `format`.
 *
 * @public
 */
export interface WebhookFormat<TSettings = unknown> {
  /** What `format` says, e.g. `github-workflow-dispatch`. */
  readonly id: string;
  /** The keys of a webhook's entry this format reads besides the common ones. */
  readonly settingKeys?: readonly string[];
  /**
   * Reads and checks this format's settings from the webhook's entry;
   * throws an Error whose message starts with `at` and names the setting.
   */
  readSettings(webhook: {
    at: string;
    name: string;
    url: URL;
    hasToken: boolean;
    config: Config;
  }): TSettings;
  body(payload: WebhookPayload, settings: TSettings): string;
  /** Headers sent besides Rollback Guard's own. */
  headers?: Record<string, string>;
}

/**
 * The extension point through which backend modules add action executors
 * (for their providers) and webhook formats.
 *
 * @public
 */
export interface RollbackGuardActionsExtensionPoint {
  addExecutor(executor: ActionExecutor): void;
  addWebhookFormat(format: WebhookFormat<any>): void;
}

/**
 * @public
 */
export const rollbackGuardActionsExtensionPoint =
  createExtensionPoint<RollbackGuardActionsExtensionPoint>({
    id: 'rollback-guard.actions',
  });
