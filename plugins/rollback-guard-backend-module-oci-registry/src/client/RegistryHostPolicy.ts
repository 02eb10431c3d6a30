import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { LookupFunction } from 'node:net';
import {
  AddressGuard,
  ResolveAddresses,
} from '@rollback-guard/plugin-rollback-guard-node';

const CONFIG_KEY = 'rollbackGuard.registries';

/**
 * One configured registry, as the client needs it. The password is not part
 * of it: only {@link RegistryHostPolicy.basicAuthorization} reads it, so it
 * cannot end up in a result, a log line or an error.
 *
 * @internal
 */
export type RegistryEntry = {
  /** Lowercase `host[:port]`, as in image references. */
  host: string;
  username?: string;
  hasCredentials: boolean;
  insecure: boolean;
  allowPrivateAddresses: boolean;
  /** Lowercase `host[:port]` of the token services it may send us to. */
  authHosts: string[];
};

/**
 * Whether the backend may contact a host, and under which registry's rules.
 *
 * @internal
 */
export type HostDecision =
  | { allowed: true; registry: RegistryEntry }
  | { allowed: false; reason: string };

// A host as it appears in an image reference: a DNS name or IPv4 address, or
// a bracketed IPv6 address, with an optional port.
const HOST_PATTERN =
  /^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?))*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;

// Lowercases a `host[:port]` and checks its shape; undefined when it is not a
// host (a URL, a path, an empty string), so that config typos fail loudly.
function normalizeHost(host: string): string | undefined {
  const lower = host.trim().toLowerCase();
  if (!HOST_PATTERN.test(lower)) return undefined;
  const port = /:([0-9]{1,5})$/.exec(lower.replace(/^\[[^\]]*\]/, ''));
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) {
    return undefined;
  }
  return lower;
}

/**
 * Decides whether the backend may contact a registry host: only hosts in
 * `rollbackGuard.registries`, and only on public addresses unless the entry
 * says otherwise. The address check runs again when the connection is made
 * ({@link RegistryHostPolicy.lookupFor}), so a name that re-resolves to an
 * internal address between check and connect is still refused.
 *
 * @internal
 */
export class RegistryHostPolicy {
  private readonly entries: Map<string, RegistryEntry>;
  // An ES private field: invisible to JSON.stringify and util.inspect, so
  // logging the policy cannot leak a password.
  readonly #passwords: Map<string, string>;
  /** The address rule, under which every registry connection is made. */
  readonly guard: AddressGuard;

  static fromConfig(
    config: Config,
    options: { resolve?: ResolveAddresses } = {},
  ): RegistryHostPolicy {
    const entries = new Map<string, RegistryEntry>();
    const passwords = new Map<string, string>();
    const list = config.getOptionalConfigArray(CONFIG_KEY) ?? [];
    list.forEach((item, index) => {
      const where = `${CONFIG_KEY}[${index}]`;
      const rawHost = item.getString('host');
      const host = normalizeHost(rawHost);
      if (!host) {
        throw new InputError(
          `${where}.host must be a registry host with an optional port, e.g. "registry.example.com" or "127.0.0.1:5000", without scheme or path; got "${rawHost}"`,
        );
      }
      if (entries.has(host)) {
        throw new InputError(`${where}.host "${host}" is configured twice`);
      }
      const username = item.getOptionalString('username');
      const password = item.getOptionalString('password');
      if (Boolean(username) !== Boolean(password)) {
        throw new InputError(
          `${where} must set both username and password, or neither`,
        );
      }
      const authHosts = (item.getOptionalStringArray('authHosts') ?? []).map(
        (authHost, i) => {
          const normalized = normalizeHost(authHost);
          if (!normalized) {
            throw new InputError(
              `${where}.authHosts[${i}] must be a host with an optional port, got "${authHost}"`,
            );
          }
          return normalized;
        },
      );
      entries.set(host, {
        host,
        username,
        hasCredentials: Boolean(username && password),
        insecure: item.getOptionalBoolean('insecure') ?? false,
        allowPrivateAddresses:
          item.getOptionalBoolean('allowPrivateAddresses') ?? false,
        authHosts,
      });
      if (password) passwords.set(host, password);
    });
    return new RegistryHostPolicy(
      entries,
      passwords,
      new AddressGuard({
        allowHint: `set allowPrivateAddresses: true on its ${CONFIG_KEY} entry if the registry is meant to be internal`,
        resolve: options.resolve,
      }),
    );
  }

  private constructor(
    entries: Map<string, RegistryEntry>,
    passwords: Map<string, string>,
    guard: AddressGuard,
  ) {
    this.entries = entries;
    this.#passwords = passwords;
    this.guard = guard;
  }

  /** The configured registry for `host[:port]`, compared case-insensitively. */
  registryFor(host: string): HostDecision {
    const normalized = normalizeHost(host);
    const registry = normalized ? this.entries.get(normalized) : undefined;
    if (!registry) {
      return {
        allowed: false,
        reason: `${host} is not in ${CONFIG_KEY}; the backend contacts only the registries listed there`,
      };
    }
    return { allowed: true, registry };
  }

  /**
   * Whether a registry's `WWW-Authenticate` challenge may send us to `host`
   * for a token: the registry itself or one of its `authHosts`, under that
   * registry's address rule.
   */
  authHostFor(registry: RegistryEntry, host: string): HostDecision {
    const normalized = normalizeHost(host);
    if (
      normalized &&
      (normalized === registry.host || registry.authHosts.includes(normalized))
    ) {
      return { allowed: true, registry };
    }
    return {
      allowed: false,
      reason: `${registry.host} sent us to the token service ${host}, which is not in its authHosts in ${CONFIG_KEY}`,
    };
  }

  /** {@link AddressGuard.resolve} under the registries' rule. */
  resolve(hostname: string, allowPrivateAddresses: boolean) {
    return this.guard.resolve(hostname, allowPrivateAddresses);
  }

  /** {@link AddressGuard.lookupFor} under the registries' rule. */
  lookupFor(allowPrivateAddresses: boolean): LookupFunction {
    return this.guard.lookupFor(allowPrivateAddresses);
  }

  /** The `Authorization: Basic` value for a registry's credentials. */
  basicAuthorization(registry: RegistryEntry): string | undefined {
    const password = this.#passwords.get(registry.host);
    if (!registry.username || !password) return undefined;
    return `Basic ${Buffer.from(`${registry.username}:${password}`).toString(
      'base64',
    )}`;
  }
}
