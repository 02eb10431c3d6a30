import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ActionKind,
  ActionPolicyView,
  ActionRequest,
  ReadinessSnapshot,
} from '@rollback-guard/plugin-rollback-guard-common';

/** What the request-action step sends: the body of `POST /actions`. */
export type ActionRequestInput = {
  entityRef: string;
  environment: string;
  kind: ActionKind;
  targetVersion?: string;
  reason: string;
  idempotencyKey: string;
  override?: { justification: string };
};

/**
 * The Rollback Guard backend's HTTP API as the person running the template:
 * every call carries a token the auth service issues on behalf of the
 * task's initiator, so the backend applies that person's permissions and
 * catalog visibility, and records them as the requester.
 */
export class RollbackGuardApi {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  /**
   * The initiator's credentials, refused unless they are a person's: a task
   * started by a service (or retried without a user) must not act.
   */
  userCredentials(
    credentials: BackstageCredentials,
    actionId: string,
  ): BackstageCredentials<BackstageUserPrincipal> {
    if (!this.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        `${actionId} acts on behalf of the person running the template, and this task was not started by a signed-in user`,
      );
    }
    return credentials;
  }

  getReadiness(credentials: BackstageCredentials, entityRef: string) {
    return this.call<ReadinessSnapshot>(credentials, 'GET', '/readiness', {
      entityRef,
    });
  }

  refreshReadiness(credentials: BackstageCredentials, entityRef: string) {
    return this.call<ReadinessSnapshot>(
      credentials,
      'POST',
      '/readiness/refresh',
      undefined,
      { entityRef },
    );
  }

  getPolicy(credentials: BackstageCredentials, entityRef: string) {
    return this.call<ActionPolicyView>(credentials, 'GET', '/actions/policy', {
      entityRef,
    });
  }

  requestAction(credentials: BackstageCredentials, body: ActionRequestInput) {
    return this.call<ActionRequest>(
      credentials,
      'POST',
      '/actions',
      undefined,
      body,
    );
  }

  private async call<T>(
    credentials: BackstageCredentials,
    method: 'GET' | 'POST',
    path: string,
    query?: Record<string, string>,
    body?: object,
  ): Promise<T> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'rollback-guard',
    });
    const baseUrl = await this.discovery.getBaseUrl('rollback-guard');
    const search = query ? `?${new URLSearchParams(query)}` : '';
    const response = await fetch(`${baseUrl}${path}${search}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    // Parsed here rather than by response.json(), so that arrays belong to
    // this realm (the scaffolder refuses outputs with a foreign prototype).
    const text = await response.text();
    if (!response.ok) {
      throw backendError(response.status, method, path, text);
    }
    return JSON.parse(text) as T;
  }
}

const ERRORS: Record<number, new (message: string) => Error> = {
  400: InputError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
};

/** The backend's own error, with its message, as the step's error. */
function backendError(
  status: number,
  method: string,
  path: string,
  text: string,
): Error {
  let message: string | undefined;
  try {
    message = JSON.parse(text)?.error?.message;
  } catch {
    // not Backstage's error body
  }
  const ErrorClass = ERRORS[status] ?? Error;
  return new ErrorClass(
    `Rollback Guard answered ${status} to ${method} ${path}: ${
      message ?? (text.slice(0, 300) || 'no message')
    }`,
  );
}
