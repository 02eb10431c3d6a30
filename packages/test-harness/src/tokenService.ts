import { execFile } from 'node:child_process';
import {
  X509Certificate,
  createPrivateKey,
  randomUUID,
  sign,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * One request the token service answered, as the tests inspect it.
 *
 * @internal
 */
export type TokenRequest = {
  /** The user that authenticated, or undefined for an anonymous request. */
  user?: string;
  service?: string;
  scopes: string[];
  status: number;
};

type Access = { type: string; name: string; actions: string[] };

/**
 * A token service the way the distribution spec's token authentication
 * describes it, with a signing key whose self-signed certificate the test
 * registry trusts through `rootcertbundle`.
 *
 * @internal
 */
export type TestTokenService = {
  /** `127.0.0.1:<port>`, which the registry's challenge names as realm. */
  host: string;
  realm: string;
  service: string;
  issuer: string;
  certificatePath: string;
  requests: TokenRequest[];
  /** Mints a token directly, e.g. for the test helpers' own API calls. */
  mint(user: string, access: Access[]): string;
  stop(): Promise<void>;
};

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

// scope = "repository:team/app:pull,push"; the resource name may itself hold
// colons (a registry host with a port), so the actions are after the last one.
function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

function basicUser(
  req: IncomingMessage,
): { user: string; password: string } | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Starts the token service on 127.0.0.1 with a fresh RS256 key and
 * certificate made by `openssl` in `dir`.
 *
 * @internal
 */
export async function startTokenService(options: {
  dir: string;
  username: string;
  password: string;
}): Promise<TestTokenService> {
  const keyPath = join(options.dir, 'token-key.pem');
  const certificatePath = join(options.dir, 'token-cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
    '-days',
    '1',
    '-subj',
    '/CN=rollback-guard-test-token-service',
  ]);
  const privateKey = createPrivateKey(await readFile(keyPath));
  const certificate = new X509Certificate(await readFile(certificatePath));
  const service = 'rollback-guard-test-registry';
  const issuer = 'rollback-guard-test-token-service';
  const requests: TokenRequest[] = [];

  const mint = (user: string, access: Access[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      // The registry checks this chain against its rootcertbundle.
      x5c: [certificate.raw.toString('base64')],
    };
    const claims = {
      iss: issuer,
      sub: user,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(
      JSON.stringify(claims),
    )}`;
    const signature = sign('sha256', Buffer.from(input), privateKey);
    return `${input}.${base64url(signature)}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const scopes = url.searchParams.getAll('scope');
    const credentials = basicUser(req);
    const record = (status: number) =>
      requests.push({
        user: credentials?.user,
        service: url.searchParams.get('service') ?? undefined,
        scopes,
        status,
      });
    if (url.pathname !== '/token') {
      record(404);
      res.writeHead(404).end();
      return;
    }
    if (
      credentials &&
      (credentials.user !== options.username ||
        credentials.password !== options.password)
    ) {
      record(401);
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }],
        }),
      );
      return;
    }
    // Like public registries: an anonymous caller gets a token that grants
    // nothing, and the registry then refuses it.
    const access = credentials
      ? scopes.map(parseScope).filter((a): a is Access => Boolean(a))
      : [];
    const token = mint(credentials?.user ?? '', access);
    record(200);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    realm: `http://${host}/token`,
    service,
    issuer,
    certificatePath,
    requests,
    mint,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
