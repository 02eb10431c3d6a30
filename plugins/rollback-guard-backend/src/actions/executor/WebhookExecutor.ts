import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ActionKind,
  ActionRequest,
  ANNOTATION_ACTION_WEBHOOK,
  Risk,
  validateRollbackGuardAnnotations,
} from '@rollback-guard/plugin-rollback-guard-common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  AddressGuard,
  exchange,
  ExchangeError,
  ResolveAddresses,
} from '@rollback-guard/plugin-rollback-guard-node';

const CONFIG_KEY = 'rollbackGuard.actions.webhooks';
const FORMATS = ['generic', 'github-workflow-dispatch'] as const;
const DEFAULT_TIMEOUT_MS = 10_000;
// setTimeout fires at once for delays past 2^31 - 1 ms; ten minutes is far
// beyond what a webhook that only starts a job should need.
const MAX_TIMEOUT_MS = 600_000;
// Enough to show 200 characters of an error body; the rest is never read.
const MAX_RESPONSE_BYTES = 4096;
const MAX_BODY_IN_REASON = 200;
// The endpoint of GitHub's "create a workflow dispatch event", on github.com
// (api.github.com) or GitHub Enterprise Server (/api/v3).
const GITHUB_DISPATCH_PATH =
  /\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/;

// How a webhook wants the action: Rollback Guard's own JSON (`generic`), or
// the body of GitHub's POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches.
type WebhookFormat = (typeof FORMATS)[number];

// One configured webhook, without its secret and token, which only the
// executor's private fields hold.
type WebhookEntry = {
  name: string;
  url: URL;
  format: WebhookFormat;
  /** The branch or tag GitHub runs the workflow from (github-workflow-dispatch). */
  ref: string;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  insecure: boolean;
};

/**
 * What a `generic` webhook receives, as JSON. The `github-workflow-dispatch`
 * format sends the same fields as strings, in `inputs`.
 *
 * @internal
 */
export type WebhookPayload = {
  actionId: string;
  /** 1 for the first execution; each retry is a new, audited attempt. */
  attempt: number;
  entityRef: string;
  environment: string;
  kind: ActionKind;
  /** The version to go to; null for pause, resume and abort. */
  targetVersion: string | null;
  reason: string;
  requestedBy: string;
  approvedBy: string[];
  risk: Risk;
  readinessComputedAt: string;
};

/**
 * How one execution went. A failure says why, in words for the audit trail,
 * and whether the request may have reached the target: when it may have
 * (`reachedTarget`), the action may have run although no success came back,
 * so a person must look before deciding on another attempt.
 *
 * @internal
 */
export type ExecutionResult =
  | { ok: true; status: number; webhook: string }
  | {
      ok: false;
      reason: string;
      /** Absent when no webhook could be chosen for the entity. */
      webhook?: string;
      /** The HTTP status, when the webhook answered. */
      status?: number;
      reachedTarget: boolean;
    };

// sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
function signWebhookBody(
  secret: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  return `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest('hex')}`;
}

/**
 * For receivers: whether `signature` (the `X-Rollback-Guard-Signature`
 * header) was made with `secret` over `timestamp` (the
 * `X-Rollback-Guard-Timestamp` header) and the raw request `body`, and the
 * timestamp is within `toleranceSeconds` of `now`. A stale timestamp is
 * refused so that a captured request cannot be replayed later.
 *
 * @internal
 */
export function verifyWebhookSignature(options: {
  secret: string;
  timestamp: string | number;
  /** The body exactly as received, before any JSON parsing. */
  body: string | Buffer;
  signature: string;
  toleranceSeconds?: number;
  now?: Date;
}): boolean {
  const { secret, body, signature, toleranceSeconds = 300 } = options;
  const timestamp = String(options.timestamp).trim();
  if (!secret || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    return false;
  }
  const given = signature.trim().toLowerCase();
  if (!/^sha256=[0-9a-f]{64}$/.test(given)) return false;
  // Over the header's text as received: the same bytes the sender signed.
  const expected = signWebhookBody(secret, timestamp, body);
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function payloadOf(action: ActionRequest, attempt: number): WebhookPayload {
  return {
    actionId: action.id,
    attempt,
    entityRef: action.entityRef,
    environment: action.environment,
    kind: action.kind,
    targetVersion: action.targetVersion ?? null,
    reason: action.reason,
    requestedBy: action.requestedBy,
    approvedBy: action.approvals.map(approval => approval.by),
    risk: action.risk,
    readinessComputedAt: action.readinessComputedAt,
  };
}

function bodyFor(webhook: WebhookEntry, payload: WebhookPayload): string {
  if (webhook.format === 'generic') return JSON.stringify(payload);
  // workflow_dispatch inputs are strings, whatever type the workflow
  // declares them with.
  const inputs = Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.join(',') : String(value ?? ''),
    ]),
  );
  return JSON.stringify({ ref: webhook.ref, inputs });
}

function quoted(value: string, max = 100): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

// Whether the webhook name is one the annotation can hold; the rule lives
// with the annotation, in one place.
function isAnnotationName(name: string): boolean {
  const [status] = validateRollbackGuardAnnotations({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'config',
      annotations: { [ANNOTATION_ACTION_WEBHOOK]: name },
    },
  });
  return status.valid && name === name.trim();
}

function readEntry(
  item: Config,
  where: string,
): { entry: WebhookEntry; secret: string; token?: string } {
  const name = item.getString('name');
  if (!isAnnotationName(name)) {
    throw new InputError(
      `${where}.name ${quoted(
        name,
      )} must be lowercase letters, digits and dashes, at most 63 characters, so that the ${ANNOTATION_ACTION_WEBHOOK} annotation can name it`,
    );
  }
  const at = `${CONFIG_KEY} "${name}"`;
  const insecure = item.getOptionalBoolean('insecure') ?? false;
  // The URL is never echoed: webhook URLs often carry a secret in their path.
  const rawUrl = item.getOptionalString('url');
  if (!rawUrl) throw new InputError(`${at}: url is missing`);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InputError(`${at}: url is not a valid absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `${at}: url must use https, got ${url.protocol.replace(/:$/, '')}`,
    );
  }
  if (url.protocol === 'http:' && !insecure) {
    throw new InputError(
      `${at}: url must use https; plain http is allowed only with insecure: true, for test targets`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      `${at}: url must not carry credentials (user:password@); set token for a bearer token`,
    );
  }
  const secret = item.getOptionalString('secret');
  if (!secret?.trim()) {
    throw new InputError(
      `${at}: secret is missing; it is the HMAC key the receiver checks X-Rollback-Guard-Signature with, e.g. from \`openssl rand -hex 32\``,
    );
  }
  const token = item.getOptionalString('token');
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new InputError(
      `${at}: token must be non-empty printable ASCII without spaces, as an Authorization header value needs`,
    );
  }
  const format = (item.getOptionalString('format') ??
    'generic') as WebhookFormat;
  if (!FORMATS.includes(format)) {
    throw new InputError(
      `${at}: format must be one of ${FORMATS.join(', ')}, got ${quoted(
        format,
      )}`,
    );
  }
  const ref = item.getOptionalString('ref');
  if (format === 'github-workflow-dispatch') {
    if (!GITHUB_DISPATCH_PATH.test(url.pathname)) {
      throw new InputError(
        `${at}: format github-workflow-dispatch needs the url of GitHub's workflow dispatch endpoint, https://api.github.com/repos/<owner>/<repo>/actions/workflows/<workflow file or id>/dispatches`,
      );
    }
    if (!token) {
      throw new InputError(
        `${at}: format github-workflow-dispatch needs token, a GitHub token allowed to dispatch the workflow (Actions: write)`,
      );
    }
  } else if (ref !== undefined) {
    throw new InputError(
      `${at}: ref applies only to format github-workflow-dispatch`,
    );
  }
  if (ref !== undefined && !ref.trim()) {
    throw new InputError(`${at}: ref must name a branch or tag`);
  }
  const timeoutMs = item.getOptionalNumber('timeoutMs') ?? DEFAULT_TIMEOUT_MS;
  if (
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 1 ||
    timeoutMs > MAX_TIMEOUT_MS
  ) {
    throw new InputError(
      `${at}: timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`,
    );
  }
  return {
    entry: {
      name,
      url,
      format,
      ref: ref ?? 'main',
      timeoutMs,
      allowPrivateAddresses:
        item.getOptionalBoolean('allowPrivateAddresses') ?? false,
      insecure,
    },
    secret,
    token,
  };
}

/**
 * Executes approved actions by calling the webhook that the entity's
 * `rollback-guard/action-webhook` annotation names, from
 * `rollbackGuard.actions.webhooks`: one signed POST, no redirect followed, no
 * retry. A retry is a new attempt that the action workflow decides on and
 * audits, never a second call made silently here. It answers with a result
 * for anything the webhook or the network can do, and never shows a secret
 * or token.
 *
 * @internal
 */
export class WebhookExecutor {
  private readonly webhooks: Map<string, WebhookEntry>;
  // ES private fields: invisible to JSON.stringify and util.inspect, so
  // logging the executor cannot leak a key or a token.
  readonly #secrets: Map<string, string>;
  readonly #tokens: Map<string, string>;
  private readonly guard: AddressGuard;

  static fromConfig(
    config: Config,
    options: { resolve?: ResolveAddresses } = {},
  ): WebhookExecutor {
    const webhooks = new Map<string, WebhookEntry>();
    const secrets = new Map<string, string>();
    const tokens = new Map<string, string>();
    const list = config.getOptionalConfigArray(CONFIG_KEY) ?? [];
    list.forEach((item, index) => {
      const { entry, secret, token } = readEntry(
        item,
        `${CONFIG_KEY}[${index}]`,
      );
      if (webhooks.has(entry.name)) {
        throw new InputError(
          `${CONFIG_KEY}[${index}].name "${entry.name}" is configured twice`,
        );
      }
      webhooks.set(entry.name, entry);
      secrets.set(entry.name, secret);
      if (token) tokens.set(entry.name, token);
    });
    return new WebhookExecutor(
      webhooks,
      secrets,
      tokens,
      new AddressGuard({
        allowHint: `set allowPrivateAddresses: true on its ${CONFIG_KEY} entry if the webhook is meant to be internal`,
        resolve: options.resolve,
      }),
    );
  }

  private constructor(
    webhooks: Map<string, WebhookEntry>,
    secrets: Map<string, string>,
    tokens: Map<string, string>,
    guard: AddressGuard,
  ) {
    this.webhooks = webhooks;
    this.#secrets = secrets;
    this.#tokens = tokens;
    this.guard = guard;
  }

  /** The configured webhook names, in configuration order. */
  webhookNames(): string[] {
    return [...this.webhooks.keys()];
  }

  /**
   * The webhook the entity's annotation names, or why there is none; the
   * action workflow can ask this before anyone approves.
   */
  webhookFor(
    entity: Entity,
  ): { ok: true; webhook: string } | { ok: false; reason: string } {
    const value = entity.metadata.annotations?.[ANNOTATION_ACTION_WEBHOOK];
    const names = this.webhookNames();
    const configured =
      names.length > 0
        ? `the webhooks in ${CONFIG_KEY} are ${names.join(', ')}`
        : `${CONFIG_KEY} has no webhooks`;
    const ref = stringifyEntityRef(entity);
    if (!value?.trim()) {
      return {
        ok: false,
        reason: `${ref} has no ${ANNOTATION_ACTION_WEBHOOK} annotation, so there is nowhere to send its actions; ${configured}`,
      };
    }
    const name = value.trim();
    if (!this.webhooks.has(name)) {
      return {
        ok: false,
        reason: `${ANNOTATION_ACTION_WEBHOOK} of ${ref} names ${quoted(
          name,
        )}, which is not configured; ${configured}`,
      };
    }
    return { ok: true, webhook: name };
  }

  /**
   * Sends one approved action to the entity's webhook, once.
   */
  async execute(
    input: { action: ActionRequest; attempt: number; entity: Entity },
    options: { signal?: AbortSignal } = {},
  ): Promise<ExecutionResult> {
    const { action, attempt, entity } = input;
    if (!Number.isInteger(attempt) || attempt < 1) {
      throw new InputError(
        `attempt must be a positive whole number, got ${attempt}`,
      );
    }
    const ref = stringifyEntityRef(entity);
    if (ref.toLowerCase() !== action.entityRef.toLowerCase()) {
      throw new InputError(
        `Action ${action.id} is for ${action.entityRef}, not ${ref}`,
      );
    }
    // The workflow approves and claims the execution; this refuses what was
    // plainly not approved, so a slip there cannot turn into an unsupervised
    // execution. The status alone is not enough: the copy handed over may
    // predate the approval that completed it, so the approvals count.
    if (
      action.status === 'rejected' ||
      action.status === 'expired' ||
      action.approvals.length < action.requiredApprovals
    ) {
      throw new ConflictError(
        `Action ${action.id} is ${action.status} with ${action.approvals.length} of ${action.requiredApprovals} approvals; only approved actions are executed`,
      );
    }

    const chosen = this.webhookFor(entity);
    if (!chosen.ok) return { ...chosen, reachedTarget: false };
    const webhook = this.webhooks.get(chosen.webhook)!;
    const secret = this.#secrets.get(webhook.name)!;
    const token = this.#tokens.get(webhook.name);
    const redact = (text: string) =>
      [secret, token].reduce<string>(
        (shown, hidden) => (hidden ? shown.split(hidden).join('***') : shown),
        text,
      );
    const failed = (
      reason: string,
      reachedTarget: boolean,
      status?: number,
    ): ExecutionResult => ({
      ok: false,
      reason: redact(reason),
      webhook: webhook.name,
      ...(status === undefined ? {} : { status }),
      reachedTarget,
    });

    const body = bodyFor(webhook, payloadOf(action, attempt));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Rollback-Guard-Timestamp': String(timestamp),
      'X-Rollback-Guard-Signature': signWebhookBody(secret, timestamp, body),
      'X-Rollback-Guard-Action': action.id,
      'X-Rollback-Guard-Attempt': String(attempt),
      ...(webhook.format === 'github-workflow-dispatch'
        ? {
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': '2022-11-28',
          }
        : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    };

    try {
      const response = await exchange(webhook.url, {
        method: 'POST',
        headers,
        body,
        guard: this.guard,
        allowPrivateAddresses: webhook.allowPrivateAddresses,
        signal: options.signal,
        timeoutMs: webhook.timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
        // A 2xx means the target took the action: what follows cannot undo
        // that, and must not turn it into a failure someone then retries.
        readBody: status => !isSuccess(status),
        names: {
          peer: webhook.name,
          host: `${webhook.url.hostname} (webhook ${webhook.name})`,
          aborted: `the call to ${webhook.name} was cancelled before it answered`,
        },
      });
      const { status } = response;
      if (isSuccess(status)) {
        return { ok: true, status, webhook: webhook.name };
      }
      const text = redact(response.body.toString('utf8'))
        .replace(/\s+/g, ' ')
        .trim();
      const excerpt =
        text.length > MAX_BODY_IN_REASON
          ? `${text.slice(0, MAX_BODY_IN_REASON)}…`
          : text;
      const redirect =
        status >= 300 && status < 400
          ? `; redirects are not followed, so set its url in ${CONFIG_KEY} to where it points`
          : '';
      return failed(
        `${webhook.name} answered ${status} ${response.statusText}`.trim() +
          redirect +
          (excerpt ? `: ${excerpt}` : ''),
        true,
        status,
      );
    } catch (error) {
      if (error instanceof ExchangeError) {
        return failed(
          error.kind === 'not-allowed'
            ? `refused to call ${webhook.name}: ${error.message}`
            : error.message,
          error.connected,
        );
      }
      // Nothing the network does lands here; whatever does is reported
      // without its secrets, and as possibly sent, so a person looks first.
      return failed(
        `calling ${webhook.name} failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
        true,
      );
    }
  }
}
