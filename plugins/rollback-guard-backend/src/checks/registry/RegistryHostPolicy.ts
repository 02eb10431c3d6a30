import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { promises as dns, LookupAddress } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';

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

/**
 * Resolves a host name to all its addresses, like
 * `dns.promises.lookup(name, { all: true })`.
 *
 * @internal
 */
export type ResolveAddresses = (hostname: string) => Promise<LookupAddress[]>;

/**
 * Thrown from the connection-time lookup when a host resolves to an address
 * the policy refuses; the client turns it into a "not allowed" result.
 *
 * @internal
 */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ROLLBACK_GUARD_ADDRESS_REFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'AddressRefusedError';
  }
}

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

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function ipv6Bytes(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '');
  const tail: number[] = [];
  // An IPv4 tail (::ffff:127.0.0.1) counts as the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (isIP(dotted[1]) !== 4) return undefined;
    tail.push(...ipv4Bytes(dotted[1]));
    text = text.slice(0, -dotted[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head, rest] = text.split('::');
  const groups = (part: string | undefined) =>
    part ? part.split(':').map(group => parseInt(group, 16)) : [];
  const left = groups(head);
  const right = groups(rest);
  const missing = 8 - tail.length / 2 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  const words = [...left, ...new Array(missing).fill(0), ...right];
  if (words.some(word => Number.isNaN(word) || word > 0xffff)) return undefined;
  return [...words.flatMap(word => [word >> 8, word & 0xff]), ...tail];
}

type Range = { bytes: number[]; bits: number; label: string };

const range = (cidr: string, label: string): Range => {
  const [address, bits] = cidr.split('/');
  const bytes =
    isIP(address) === 4 ? ipv4Bytes(address) : ipv6Bytes(address) ?? [];
  return { bytes, bits: Number(bits), label };
};

const IPV4_REFUSED: Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('10.0.0.0/8', 'private'),
  range('172.16.0.0/12', 'private'),
  range('192.168.0.0/16', 'private'),
  range('100.64.0.0/10', 'shared (carrier-grade NAT)'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_REFUSED: Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private (site-local)'),
  range('fc00::/7', 'private (unique local)'),
  range('ff00::/8', 'multicast'),
];

// IPv6 forms that carry an IPv4 address in their last 32 bits, and reach it:
// IPv4-mapped, the deprecated IPv4-compatible form, and NAT64.
const IPV6_EMBEDDING_IPV4: Range[] = [
  range('::ffff:0:0/96', 'IPv4-mapped'),
  range('::/96', 'IPv4-compatible'),
  range('64:ff9b::/96', 'NAT64'),
];

function inRange(bytes: number[], { bytes: prefix, bits }: Range): boolean {
  for (let i = 0; i < bits; i += 8) {
    const mask = bits - i >= 8 ? 0xff : (0xff << (8 - (bits - i))) & 0xff;
    if ((bytes[i / 8] & mask) !== (prefix[i / 8] & mask)) return false;
  }
  return true;
}

/**
 * What kind of non-public address this is (`loopback`, `link-local`,
 * `private`, ...), or undefined for a public one. Anything that is not an
 * IP address is refused as `not an IP address`.
 *
 * @internal
 */
export function classifyAddress(address: string): string | undefined {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 4) {
    const bytes = ipv4Bytes(address);
    return IPV4_REFUSED.find(r => inRange(bytes, r))?.label;
  }
  const bytes = family === 6 ? ipv6Bytes(address) : undefined;
  if (!bytes) return 'not an IP address';
  const direct = IPV6_REFUSED.find(r => inRange(bytes, r));
  if (direct) return direct.label;
  const embedding = IPV6_EMBEDDING_IPV4.find(r => inRange(bytes, r));
  if (embedding) {
    const inner = classifyAddress(bytes.slice(12).join('.'));
    return inner ? `${embedding.label} ${inner}` : undefined;
  }
  return undefined;
}

const defaultResolve: ResolveAddresses = hostname =>
  dns.lookup(hostname, { all: true, verbatim: true });

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
  private readonly resolveAddresses: ResolveAddresses;

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
      options.resolve ?? defaultResolve,
    );
  }

  private constructor(
    entries: Map<string, RegistryEntry>,
    passwords: Map<string, string>,
    resolveAddresses: ResolveAddresses,
  ) {
    this.entries = entries;
    this.#passwords = passwords;
    this.resolveAddresses = resolveAddresses;
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

  /**
   * Why `address` may not be connected to under this registry's rule, or
   * undefined when it may.
   */
  refuseAddress(
    hostname: string,
    address: string,
    allowPrivateAddresses: boolean,
  ): string | undefined {
    if (allowPrivateAddresses) return undefined;
    const kind = classifyAddress(address);
    if (!kind) return undefined;
    const shown = hostname === address ? address : `${hostname} (${address})`;
    return `${shown} is a ${kind} address; set allowPrivateAddresses: true on its ${CONFIG_KEY} entry if the registry is meant to be internal`;
  }

  /**
   * Resolves `hostname` (or takes it as a literal address) and checks every
   * address it has: one refused address refuses the host.
   */
  async resolve(
    hostname: string,
    allowPrivateAddresses: boolean,
  ): Promise<
    | { allowed: true; addresses: LookupAddress[] }
    | { allowed: false; reason: string }
  > {
    const literal = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(literal);
    const addresses =
      family !== 0
        ? [{ address: literal, family }]
        : await this.resolveAddresses(hostname);
    for (const { address } of addresses) {
      const reason = this.refuseAddress(
        hostname,
        address,
        allowPrivateAddresses,
      );
      if (reason) return { allowed: false, reason };
    }
    if (addresses.length === 0) {
      return { allowed: false, reason: `${hostname} has no addresses` };
    }
    return { allowed: true, addresses };
  }

  /**
   * A `lookup` for `node:http` and `node:https` requests that applies the
   * address rule to what the connection will actually use.
   */
  lookupFor(allowPrivateAddresses: boolean): LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname, allowPrivateAddresses).then(
        result => {
          if (!result.allowed) {
            callback(new AddressRefusedError(result.reason), '', 4);
            return;
          }
          const wanted = result.addresses.filter(
            a => !options.family || a.family === options.family,
          );
          if (wanted.length === 0) {
            const error: NodeJS.ErrnoException = new Error(
              `${hostname} has no IPv${options.family} address`,
            );
            error.code = 'ENOTFOUND';
            callback(error, '', 4);
          } else if (options.all) {
            callback(null, wanted);
          } else {
            callback(null, wanted[0].address, wanted[0].family);
          }
        },
        error => callback(error, '', 4),
      );
    };
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
