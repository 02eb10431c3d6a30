import { createHash } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import {
  exchange,
  ExchangeError,
} from '@rollback-guard/plugin-rollback-guard-node';
import { digestProblem } from './imageReference';
import {
  HostDecision,
  RegistryEntry,
  RegistryHostPolicy,
} from './RegistryHostPolicy';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST]);
const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(
  ', ',
);
// The distribution spec caps manifests at 4 MiB; nothing else we read is
// anywhere near that.
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_OTHER_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;
const CONFIG_KEY = 'rollbackGuard.registries';

/**
 * Which authentication step a registry refused:
 * `anonymous` (it wants credentials and none are configured, or it refused
 * outright), `basic` (the registry refused the configured user and
 * password), `token-service` (the token service refused them), `bearer`
 * (the registry refused the token it was given).
 *
 * @internal
 */
export type AuthStep = 'anonymous' | 'basic' | 'token-service' | 'bearer';

/**
 * Why a registry question got no answer.
 *
 * @internal
 */
export type RegistryFailure =
  | { kind: 'not-allowed'; reason: string }
  | { kind: 'unreachable'; reason: string }
  | {
      kind: 'refused';
      step: AuthStep;
      status: number;
      credentialsConfigured: boolean;
      reason: string;
    }
  | { kind: 'unexpected'; status?: number; reason: string };

/**
 * What the registry said about one manifest.
 *
 * @internal
 */
export type ManifestResult =
  | {
      kind: 'present';
      digest: string;
      mediaType: string;
      isIndex: boolean;
      /** For an index: `os/arch[/variant]` of each image, when it was read. */
      platforms?: string[];
    }
  | { kind: 'missing'; code?: string; reason: string }
  | RegistryFailure;

/**
 * Whether the configured credentials can pull from a repository now.
 *
 * @internal
 */
export type CredentialsResult =
  | {
      kind: 'ok';
      /** How the registry let us in. */
      auth: 'anonymous' | 'basic' | 'bearer';
      username?: string;
      /** The token service that issued the token, in the bearer flow. */
      tokenService?: string;
      /** False when the credentials work but the repository does not exist. */
      repositoryFound: boolean;
    }
  | RegistryFailure;

/**
 * The manifest to ask about.
 *
 * @internal
 */
export type ManifestTarget = {
  host: string;
  repository: string;
  /** A tag or a digest. */
  reference: string;
};

type Response = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
};

class Failure extends Error {
  constructor(readonly result: RegistryFailure) {
    super(result.reason);
  }
}

type Challenge = { scheme: string; params: Record<string, string> };

// WWW-Authenticate: Bearer realm="https://auth.example.com/token",service="x"
// Values may be quoted and hold commas, so a split on "," is not enough.
function parseChallenges(header: string | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (!header) return challenges;
  const token = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)/y;
  const param =
    /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  let at = 0;
  while (at < header.length) {
    token.lastIndex = at;
    const scheme = token.exec(header);
    if (!scheme) break;
    at = token.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      param.lastIndex = at;
      const match = param.exec(header);
      // A bare token after a comma starts the next challenge.
      if (!match || /^\s*[^=\s,]+\s+[^=\s]/.test(header.slice(at))) break;
      params[match[1].toLowerCase()] =
        match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
      at = param.lastIndex;
    }
    challenges.push({ scheme: scheme[1].toLowerCase(), params });
    while (at < header.length && /[\s,]/.test(header[at])) at++;
  }
  return challenges;
}

function errorCodes(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    return Array.isArray(parsed?.errors)
      ? parsed.errors.map((e: { code?: unknown }) => String(e?.code))
      : [];
  } catch {
    return [];
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string) {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function platformsOf(body: Buffer | undefined): string[] | undefined {
  if (!body) return undefined;
  try {
    const index = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(index?.manifests)) return undefined;
    return (
      index.manifests
        .map(
          (m: {
            platform?: { os?: string; architecture?: string; variant?: string };
          }) =>
            m.platform
              ? [m.platform.os, m.platform.architecture, m.platform.variant]
                  .filter(Boolean)
                  .join('/')
              : undefined,
        )
        // Build attestations are listed as unknown/unknown; they are not
        // something a node can run.
        .filter(
          (p: string | undefined): p is string =>
            !!p && p !== 'unknown/unknown',
        )
    );
  } catch {
    return undefined;
  }
}

// The requests of one question to one registry: authentication found on the
// first challenge is reused for the follow-up requests.
class Session {
  private authorization?: string;
  scheme: 'anonymous' | 'basic' | 'bearer' = 'anonymous';
  tokenService?: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly policy: RegistryHostPolicy,
    private readonly registry: RegistryEntry,
    private readonly repository: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async request(method: string, path: string, maxBytes: number) {
    const first = await this.send(method, path, maxBytes);
    if (first.status !== 401 || this.authorization) {
      return this.refuseIfDenied(first);
    }
    await this.authenticate(headerValue(first.headers, 'www-authenticate'));
    return this.refuseIfDenied(await this.send(method, path, maxBytes));
  }

  private send(method: string, path: string, maxBytes: number) {
    const url = new URL(
      path,
      `${this.registry.insecure ? 'http' : 'https'}://${this.registry.host}`,
    );
    return this.client.send(url, {
      method,
      headers: {
        Accept: ACCEPT,
        ...(this.authorization ? { Authorization: this.authorization } : {}),
      },
      rule: host => this.policy.registryFor(host),
      signal: this.signal,
      maxBytes,
    });
  }

  private refuseIfDenied(response: Response): Response {
    if (response.status !== 401 && response.status !== 403) return response;
    const { host, username, hasCredentials } = this.registry;
    const status = response.status;
    if (this.scheme === 'basic') {
      throw this.refused(
        'basic',
        status,
        `${host} refused the credentials of user "${username}" (HTTP ${status})`,
      );
    }
    if (this.scheme === 'bearer') {
      throw this.refused(
        hasCredentials ? 'bearer' : 'anonymous',
        status,
        hasCredentials
          ? `${host} refused the token issued to "${username}" by ${this.tokenService} for pulling ${this.repository} (HTTP ${status})`
          : `${host} does not allow anonymous pulls of ${this.repository} (HTTP ${status}), and ${CONFIG_KEY} has no credentials for it`,
      );
    }
    throw this.refused(
      'anonymous',
      status,
      `${host} refused an anonymous request (HTTP ${status}) without asking for credentials`,
    );
  }

  private refused(step: AuthStep, status: number, reason: string) {
    return new Failure({
      kind: 'refused',
      step,
      status,
      credentialsConfigured: this.registry.hasCredentials,
      reason,
    });
  }

  private async authenticate(header: string | undefined) {
    const challenges = parseChallenges(header);
    const bearer = challenges.find(c => c.scheme === 'bearer');
    const basic = challenges.find(c => c.scheme === 'basic');
    const { host } = this.registry;
    if (bearer) {
      await this.fetchToken(bearer.params);
      return;
    }
    if (basic) {
      const authorization = this.policy.basicAuthorization(this.registry);
      if (!authorization) {
        throw this.refused(
          'anonymous',
          401,
          `${host} requires credentials and ${CONFIG_KEY} has none for it`,
        );
      }
      this.authorization = authorization;
      this.scheme = 'basic';
      return;
    }
    throw new Failure({
      kind: 'unexpected',
      status: 401,
      reason: `${host} answered 401 without a Basic or Bearer challenge`,
    });
  }

  private async fetchToken(params: Record<string, string>) {
    const { host } = this.registry;
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new Failure({
        kind: 'unexpected',
        status: 401,
        reason: `${host} sent a Bearer challenge without a valid realm URL`,
      });
    }
    const tokenUrl = new URL(realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    // Ask only for pull, whatever scope the challenge names: the checks
    // never need more, and a token that can push is a token that can harm.
    tokenUrl.searchParams.set('scope', `repository:${this.repository}:pull`);
    const basic = this.policy.basicAuthorization(this.registry);
    const response = await this.client.send(tokenUrl, {
      method: 'GET',
      headers: basic ? { Authorization: basic } : {},
      rule: authHost => this.policy.authHostFor(this.registry, authHost),
      signal: this.signal,
      maxBytes: MAX_OTHER_BYTES,
    });
    this.tokenService = realm.host;
    if (response.status === 401 || response.status === 403) {
      throw this.refused(
        basic ? 'token-service' : 'anonymous',
        response.status,
        basic
          ? `the token service ${realm.host} refused the credentials of user "${this.registry.username}" (HTTP ${response.status})`
          : `the token service ${realm.host} refused an anonymous token (HTTP ${response.status}), and ${CONFIG_KEY} has no credentials for ${host}`,
      );
    }
    let token: unknown;
    try {
      const parsed = JSON.parse(response.body.toString('utf8'));
      token = parsed?.token ?? parsed?.access_token;
    } catch {
      token = undefined;
    }
    if (response.status !== 200 || typeof token !== 'string' || !token) {
      throw new Failure({
        kind: 'unexpected',
        status: response.status,
        reason: `the token service ${realm.host} answered HTTP ${response.status} without a token`,
      });
    }
    this.authorization = `Bearer ${token}`;
    this.scheme = 'bearer';
  }
}

/**
 * A client for the OCI distribution API that asks about manifests and
 * credentials, and never contacts a host the {@link RegistryHostPolicy}
 * refuses: not for the registry, not for its token service, not for a
 * redirect. It answers with typed results and does not throw for anything
 * a registry or the network can do.
 *
 * @internal
 */
export class RegistryClient {
  private readonly policy: RegistryHostPolicy;
  private readonly timeoutMs: number;

  constructor(options: { policy: RegistryHostPolicy; timeoutMs?: number }) {
    this.policy = options.policy;
    // Below the engine's check budget, so that a silent registry gives a
    // reason rather than a generic "check timed out".
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * `HEAD /v2/<name>/manifests/<reference>`, authenticating as the registry
   * asks, and for an index a GET to list its platforms.
   */
  async headManifest(
    target: ManifestTarget,
    options: { signal?: AbortSignal } = {},
  ): Promise<ManifestResult> {
    const decision = this.policy.registryFor(target.host);
    if (!decision.allowed) {
      return { kind: 'not-allowed', reason: decision.reason };
    }
    const session = new Session(
      this,
      this.policy,
      decision.registry,
      target.repository,
      options.signal,
    );
    const path = `/v2/${target.repository}/manifests/${target.reference}`;
    try {
      let response = await session.request('HEAD', path, MAX_MANIFEST_BYTES);
      // Some registries do not implement HEAD; GET answers the same question.
      if (response.status === 405 || response.status === 501) {
        response = await session.request('GET', path, MAX_MANIFEST_BYTES);
      }
      if (response.status === 404) {
        // HEAD has no body; the error code on a GET tells a registry's "no
        // such manifest" from a proxy's 404 for a path it does not know.
        const get = await session.request('GET', path, MAX_MANIFEST_BYTES);
        if (get.status === 404) return this.notFound(get, target);
        response = get;
      }
      if (response.status !== 200) {
        return {
          kind: 'unexpected',
          status: response.status,
          reason: `${decision.registry.host} answered HTTP ${response.status} for ${target.repository}:${target.reference}`,
        };
      }
      const mediaType = (headerValue(response.headers, 'content-type') ?? '')
        .split(';')[0]
        .trim();
      const isIndex = INDEX_TYPES.has(mediaType);
      let body: Buffer | undefined;
      const read = async () => {
        body ??=
          response.body.length > 0
            ? response.body
            : (await session.request('GET', path, MAX_MANIFEST_BYTES)).body;
        return body;
      };
      let digest = headerValue(response.headers, 'docker-content-digest');
      if (!digest || digestProblem(digest)) {
        digest = `sha256:${createHash('sha256')
          .update(await read())
          .digest('hex')}`;
      }
      if (!digestProblem(target.reference) && digest !== target.reference) {
        return {
          kind: 'unexpected',
          status: response.status,
          reason: `${decision.registry.host} answered with ${digest} when asked for ${target.reference}`,
        };
      }
      return {
        kind: 'present',
        digest,
        mediaType,
        isIndex,
        platforms: isIndex
          ? platformsOf(await read().catch(() => undefined))
          : undefined,
      };
    } catch (error) {
      if (error instanceof Failure) return error.result;
      throw error;
    }
  }

  /**
   * Proves that the configured credentials (or anonymous access, when none
   * are configured) can pull from `repository` now: `GET /v2/`, the
   * authentication it asks for (for bearer, a token for
   * `repository:<name>:pull`), then a pull-scoped `GET` of one tag.
   */
  async checkCredentials(
    target: { host: string; repository: string },
    options: { signal?: AbortSignal } = {},
  ): Promise<CredentialsResult> {
    const decision = this.policy.registryFor(target.host);
    if (!decision.allowed) {
      return { kind: 'not-allowed', reason: decision.reason };
    }
    const registry = decision.registry;
    const session = new Session(
      this,
      this.policy,
      registry,
      target.repository,
      options.signal,
    );
    try {
      const base = await session.request('GET', '/v2/', MAX_OTHER_BYTES);
      if (base.status !== 200) {
        return {
          kind: 'unexpected',
          status: base.status,
          reason: `${registry.host} answered HTTP ${base.status} to GET /v2/; is it an OCI registry?`,
        };
      }
      // Listing tags needs pull access, so a 200 (or a registry 404 for a
      // repository that does not exist) proves the credentials can pull.
      const tags = await session.request(
        'GET',
        `/v2/${target.repository}/tags/list?n=1`,
        MAX_OTHER_BYTES,
      );
      const notFound =
        tags.status === 404 &&
        errorCodes(tags.body).some(code => code === 'NAME_UNKNOWN');
      if (tags.status !== 200 && !notFound) {
        return {
          kind: 'unexpected',
          status: tags.status,
          reason: `${registry.host} answered HTTP ${tags.status} when listing tags of ${target.repository}`,
        };
      }
      return {
        kind: 'ok',
        auth: session.scheme,
        username:
          session.scheme === 'anonymous' ? undefined : registry.username,
        tokenService: session.tokenService,
        repositoryFound: !notFound,
      };
    } catch (error) {
      if (error instanceof Failure) return error.result;
      throw error;
    }
  }

  private notFound(response: Response, target: ManifestTarget): ManifestResult {
    const codes = errorCodes(response.body);
    const code = codes.find(
      c => c === 'MANIFEST_UNKNOWN' || c === 'NAME_UNKNOWN',
    );
    if (
      code ||
      headerValue(response.headers, 'docker-distribution-api-version')
    ) {
      return {
        kind: 'missing',
        code,
        reason: `${target.host} has no manifest ${target.reference} in ${
          target.repository
        }${code ? ` (${code})` : ''}`,
      };
    }
    return {
      kind: 'unexpected',
      status: 404,
      reason: `${target.host} answered 404 without a registry error code; check that it is an OCI registry`,
    };
  }

  /**
   * One request, following at most three redirects, each to a host that
   * `rule` allows; credentials are dropped when a redirect changes host.
   * @internal
   */
  async send(
    url: URL,
    init: {
      method: string;
      headers: Record<string, string>;
      rule: (host: string) => HostDecision;
      signal?: AbortSignal;
      maxBytes: number;
    },
  ): Promise<Response> {
    let current = url;
    let headers = init.headers;
    let method = init.method;
    for (let hop = 0; ; hop++) {
      const decision = init.rule(current.host);
      if (!decision.allowed) {
        throw new Failure({
          kind: 'not-allowed',
          reason:
            hop === 0
              ? decision.reason
              : `refused to follow a redirect to ${current.host}: ${decision.reason}`,
        });
      }
      if (
        current.protocol !== 'https:' &&
        !(current.protocol === 'http:' && decision.registry.insecure)
      ) {
        throw new Failure({
          kind: 'not-allowed',
          reason: `refused ${current.protocol}//${current.host}: only HTTPS is allowed unless its ${CONFIG_KEY} entry sets insecure: true`,
        });
      }
      const response = await this.exchange(current, {
        method,
        headers,
        allowPrivateAddresses: decision.registry.allowPrivateAddresses,
        signal: init.signal,
        maxBytes: init.maxBytes,
      });
      const location = headerValue(response.headers, 'location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) {
        return response;
      }
      if (hop === MAX_REDIRECTS) {
        throw new Failure({
          kind: 'not-allowed',
          reason: `refused to follow more than ${MAX_REDIRECTS} redirects from ${url.host}`,
        });
      }
      const next = new URL(location, current);
      if (next.host !== current.host) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(
            ([name]) => name.toLowerCase() !== 'authorization',
          ),
        );
      }
      if (response.status === 303 && method !== 'HEAD') method = 'GET';
      current = next;
    }
  }

  private async exchange(
    url: URL,
    init: {
      method: string;
      headers: Record<string, string>;
      allowPrivateAddresses: boolean;
      signal?: AbortSignal;
      maxBytes: number;
    },
  ): Promise<Response> {
    let response: Response & { truncated: boolean };
    try {
      response = await exchange(url, {
        ...init,
        guard: this.policy.guard,
        timeoutMs: this.timeoutMs,
        names: {
          peer: url.host,
          host: url.hostname,
          aborted: `the request to ${url.host} was aborted: the check ran out of time`,
        },
      });
    } catch (error) {
      if (error instanceof ExchangeError) {
        throw new Failure({ kind: error.kind, reason: error.message });
      }
      throw error;
    }
    if (response.truncated) {
      throw new Failure({
        kind: 'unexpected',
        status: response.status,
        reason: `${url.host} answered with more than ${init.maxBytes} bytes`,
      });
    }
    return response;
  }
}
