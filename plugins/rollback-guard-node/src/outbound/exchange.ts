import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressGuard, AddressRefusedError } from './AddressGuard';

/**
 * What the peer answered. The body stops at `maxBytes`.
 *
 * @public
 */
export type ExchangeResponse = {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer sent more than `maxBytes`; reading stopped there. */
  truncated: boolean;
};

/**
 * Why an exchange got no answer: `not-allowed` when the address rule refused
 * the peer (nothing was sent), `unreachable` when the network failed; the
 * message says how, in words for a person.
 *
 * @public
 */
export class ExchangeError extends Error {
  constructor(
    readonly kind: 'not-allowed' | 'unreachable',
    message: string,
    /**
     * A connection was made, so the peer may have received the request even
     * though it never answered: callers that trigger something must not
     * assume it did not happen.
     */
    readonly connected: boolean,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

/**
 * One HTTP request to a peer configuration allowed.
 *
 * @public
 */
export type ExchangeInit = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  guard: AddressGuard;
  allowPrivateAddresses: boolean;
  signal?: AbortSignal;
  /** For the whole exchange, from lookup to the last byte read. */
  timeoutMs: number;
  maxBytes: number;
  /** Certificate authorities (PEM) to trust for an `https:` peer instead of the defaults. */
  ca?: string;
  /**
   * Whether the body matters for this status; when it does not, the exchange
   * ends at the status line, so a peer that has answered cannot turn its
   * answer into a timeout by trickling the body.
   */
  readBody?: (status: number) => boolean;
  /** How reasons name things. */
  names: {
    /** The peer, e.g. `registry.example.com:5000` or a webhook's name. */
    peer: string;
    /** The host name that DNS could not resolve. */
    host: string;
    /** The reason when `signal` aborts the exchange. */
    aborted: string;
  };
};

function describeNetworkError(
  error: unknown,
  names: ExchangeInit['names'],
  timeoutMs: number,
) {
  const err = error as NodeJS.ErrnoException & { errors?: unknown[] };
  const code =
    err.code ?? (err.errors?.[0] as NodeJS.ErrnoException | undefined)?.code;
  const { peer, host } = names;
  if (err.name === 'AbortError') return names.aborted;
  switch (code) {
    case 'ECONNREFUSED':
      return `${peer} refused the connection: nothing listens there`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `${host} could not be resolved (DNS ${code})`;
    case 'ETIMEDOUT':
    case 'ERR_ROLLBACK_GUARD_TIMEOUT':
      return `${peer} did not answer within ${timeoutMs} ms`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${peer} closed the connection`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${peer} cannot be reached from the backend (${code})`;
    default:
      if (code && /CERT|TLS|SSL/.test(code)) {
        return `TLS with ${peer} failed: ${err.message}`;
      }
      return `${peer} could not be reached: ${err.message ?? String(error)}`;
  }
}

/**
 * Sends one request and reads the answer, under the {@link AddressGuard}'s
 * rule for every address it connects to, within `timeoutMs` overall. It
 * follows no redirect: a 3xx is an answer like any other, so a peer cannot
 * send the backend somewhere configuration did not allow.
 *
 * @public
 */
export function exchange(
  url: URL,
  init: ExchangeInit,
): Promise<ExchangeResponse> {
  const literalRefused = init.guard.refuseLiteral(
    url.hostname,
    init.allowPrivateAddresses,
  );
  if (literalRefused) {
    return Promise.reject(
      new ExchangeError('not-allowed', literalRefused, false),
    );
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    const fail = (error: unknown) =>
      settle(() =>
        reject(
          error instanceof AddressRefusedError
            ? new ExchangeError('not-allowed', error.message, false)
            : new ExchangeError(
                'unreachable',
                describeNetworkError(error, init.names, init.timeoutMs),
                connected,
              ),
        ),
      );
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: init.method,
        headers: {
          ...init.headers,
          ...(init.body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(init.body)) }
            : {}),
          'User-Agent': 'rollback-guard-backend',
        },
        // No shared pool: a pooled socket could have been opened without
        // this request's address check.
        agent: false,
        lookup: init.guard.lookupFor(init.allowPrivateAddresses),
        signal: init.signal,
        ...(init.ca ? { ca: init.ca } : {}),
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (truncated: boolean) =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers,
              body: Buffer.concat(chunks),
              truncated,
            }),
          );
        if (init.readBody && !init.readBody(res.statusCode ?? 0)) {
          answer(false);
          req.destroy();
          return;
        }
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = init.maxBytes - size;
          size += chunk.length;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            answer(true);
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => answer(false));
        res.on('error', fail);
      },
    );
    // A deadline for the whole exchange rather than the socket's idle
    // timeout, so a peer that trickles bytes cannot hold the caller longer.
    const deadline = setTimeout(() => {
      const error: NodeJS.ErrnoException = new Error('timed out');
      error.code = 'ERR_ROLLBACK_GUARD_TIMEOUT';
      req.destroy(error);
    }, init.timeoutMs);
    req.on('socket', socket => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('close', () => clearTimeout(deadline));
    req.on('error', fail);
    req.end(init.body);
  });
}
