import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ActionRequest,
  ANNOTATION_ACTION_WEBHOOK,
  validateRollbackGuardAnnotations,
  WebhookPayload,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ActionExecutionResult,
  AddressGuard,
  exchange,
  ExchangeError,
  ResolveAddresses,
  signWebhookBody,
  WebhookFormat,
} from '@rollback-guard/plugin-rollback-guard-node';

const CONFIG_KEY = 'rollbackGuard.actions.webhooks';
const DEFAULT_TIMEOUT_MS = 10_000;
// setTimeout fires at once for delays past 2^31 - 1 ms; ten minutes is far
// beyond what a webhook that only starts a job should need.
const MAX_TIMEOUT_MS = 600_000;
// Enough to show 200 characters of an error body; the rest is never read.
const MAX_RESPONSE_BYTES = 4096;
const MAX_BODY_IN_REASON = 200;
// The keys every webhook entry may have; a format may read more.
const COMMON_KEYS = [
  'name',
  'url',
  'secret',
  'token',
  'format',
  'timeoutMs',
  'allowPrivateAddresses',
  'insecure',
];

/** Rollback Guard's own format: the payload as JSON. */
const GENERIC: WebhookFormat<undefined> = {
  id: 'generic',
  readSettings: () => undefined,
  body: payload => JSON.stringify(payload),
};

// One configured webhook, without its secret and token, which only the
// executor's private fields hold.
type WebhookEntry = {
  name: string;
  url: URL;
  format: WebhookFormat<unknown>;
  settings: unknown;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  insecure: boolean;
};

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
  formats: ReadonlyMap<string, WebhookFormat<unknown>>,
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
  const formatId = item.getOptionalString('format') ?? GENERIC.id;
  const format = formats.get(formatId);
  if (!format) {
    throw new InputError(
      `${at}: format must be one of ${[...formats.keys()].join(
        ', ',
      )}, got ${quoted(formatId)}; a module adds formats`,
    );
  }
  const known = new Set([...COMMON_KEYS, ...(format.settingKeys ?? [])]);
  const unknown = item.keys().filter(key => !known.has(key));
  if (unknown.length > 0) {
    const owner = [...formats.values()].find(f =>
      f.settingKeys?.includes(unknown[0]),
    );
    throw new InputError(
      `${at}: ${unknown[0]} is not a setting of format ${format.id}${
        owner ? `; it belongs to format ${owner.id}` : ''
      }`,
    );
  }
  let settings: unknown;
  try {
    settings = format.readSettings({
      at,
      name,
      url,
      hasToken: token !== undefined,
      config: item,
    });
  } catch (error) {
    throw new InputError((error as Error).message);
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
      settings,
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
    options: {
      resolve?: ResolveAddresses;
      /** Formats added by modules, beside the built-in `generic`. */
      formats?: WebhookFormat<any>[];
    } = {},
  ): WebhookExecutor {
    const formats = new Map<string, WebhookFormat<unknown>>([
      [GENERIC.id, GENERIC],
    ]);
    for (const format of options.formats ?? []) {
      if (formats.has(format.id)) {
        throw new Error(`Webhook format ${format.id} is added twice`);
      }
      formats.set(format.id, format);
    }
    const webhooks = new Map<string, WebhookEntry>();
    const secrets = new Map<string, string>();
    const tokens = new Map<string, string>();
    const list = config.getOptionalConfigArray(CONFIG_KEY) ?? [];
    list.forEach((item, index) => {
      const { entry, secret, token } = readEntry(
        item,
        `${CONFIG_KEY}[${index}]`,
        formats,
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
  ): Promise<ActionExecutionResult> {
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
    ): ActionExecutionResult => ({
      ok: false,
      reason: redact(reason),
      target: webhook.name,
      ...(status === undefined ? {} : { status }),
      reachedTarget,
    });

    const body = webhook.format.body(
      payloadOf(action, attempt),
      webhook.settings,
    );
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Rollback-Guard-Timestamp': String(timestamp),
      'X-Rollback-Guard-Signature': signWebhookBody(secret, timestamp, body),
      'X-Rollback-Guard-Action': action.id,
      'X-Rollback-Guard-Attempt': String(attempt),
      ...webhook.format.headers,
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
        return { ok: true, status, target: webhook.name };
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
