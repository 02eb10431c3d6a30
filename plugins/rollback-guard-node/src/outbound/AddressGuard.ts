import { promises as dns, LookupAddress } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';

/**
 * Resolves a host name to all its addresses, like
 * `dns.promises.lookup(name, { all: true })`.
 *
 * @public
 */
export type ResolveAddresses = (hostname: string) => Promise<LookupAddress[]>;

/**
 * Thrown from the connection-time lookup when a host resolves to an address
 * the guard refuses; callers turn it into a "not allowed" result.
 *
 * @public
 */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ROLLBACK_GUARD_ADDRESS_REFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'AddressRefusedError';
  }
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
 * @public
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
 * The address rule every outbound call of the backend follows (registries,
 * action webhooks): loopback, link-local, private and other non-public
 * addresses are refused unless the configured target allows them. The rule
 * runs again when the connection is made ({@link AddressGuard.lookupFor}), so
 * a name that re-resolves to an internal address between check and connect
 * is still refused.
 *
 * @public
 */
export class AddressGuard {
  private readonly resolveAddresses: ResolveAddresses;
  private readonly allowHint: string;

  constructor(options: {
    /** Ends every refusal: how to allow the address, naming the setting. */
    allowHint: string;
    resolve?: ResolveAddresses;
  }) {
    this.allowHint = options.allowHint;
    this.resolveAddresses = options.resolve ?? defaultResolve;
  }

  /**
   * Why `address` may not be connected to, or undefined when it may.
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
    return `${shown} is a ${kind} address; ${this.allowHint}`;
  }

  /**
   * Why a URL's host, when it is a literal address, may not be connected to.
   * A literal address never goes through `lookup`, so callers check it here
   * before sending.
   */
  refuseLiteral(
    urlHostname: string,
    allowPrivateAddresses: boolean,
  ): string | undefined {
    const hostname = urlHostname.replace(/^\[|\]$/g, '');
    return isIP(hostname)
      ? this.refuseAddress(hostname, hostname, allowPrivateAddresses)
      : undefined;
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
}
