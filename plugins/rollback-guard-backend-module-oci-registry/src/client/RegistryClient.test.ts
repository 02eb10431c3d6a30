import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  registryConfig,
  registryDescribe,
  startTestRegistry,
  TestRegistry,
  closedPort,
  CountingServer,
  startCountingServer,
} from '@internal/rollback-guard-test-harness';
import { RegistryClient } from './RegistryClient';
import { ResolveAddresses } from '@rollback-guard/plugin-rollback-guard-node';
import { RegistryHostPolicy } from './RegistryHostPolicy';

const describeWithRegistry = registryDescribe();

function client(
  registries: JsonObject[],
  options: { timeoutMs?: number; resolve?: ResolveAddresses } = {},
) {
  const policy = RegistryHostPolicy.fromConfig(
    new ConfigReader({ rollbackGuard: { registries } }),
    { resolve: options.resolve },
  );
  return new RegistryClient({ policy, timeoutMs: options.timeoutMs });
}

// How the tests reach their local registries: plain HTTP on loopback.
const local = { insecure: true, allowPrivateAddresses: true };

describeWithRegistry('RegistryClient against a real registry (Basic)', () => {
  let registry: TestRegistry;
  let digest: string;
  let indexDigest: string;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth: 'htpasswd' });
    digest = await registry.pushImage('team/app', '1.0.0');
    indexDigest = await registry.pushImage('team/multi', '2.0.0', {
      platforms: ['linux/amd64', 'linux/arm64/v8'],
    });
  }, 30_000);
  afterAll(() => registry?.stop());

  const withCredentials = () => client([registryConfig(registry)]);

  it('finds a manifest by tag and by digest', async () => {
    const byTag = await withCredentials().headManifest({
      host: registry.host,
      repository: 'team/app',
      reference: '1.0.0',
    });
    expect(byTag).toEqual({
      kind: 'present',
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      isIndex: false,
      platforms: undefined,
    });
    const byDigest = await withCredentials().headManifest({
      host: registry.host,
      repository: 'team/app',
      reference: digest,
    });
    expect(byDigest).toMatchObject({ kind: 'present', digest });
  });

  it('reports a multi-platform image as an index with its platforms', async () => {
    await expect(
      withCredentials().headManifest({
        host: registry.host,
        repository: 'team/multi',
        reference: '2.0.0',
      }),
    ).resolves.toEqual({
      kind: 'present',
      digest: indexDigest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      isIndex: true,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
    });
  });

  it('says a deleted manifest is missing', async () => {
    const gone = await registry.pushImage('team/app', 'doomed');
    await registry.deleteManifest('team/app', gone);
    await expect(
      withCredentials().headManifest({
        host: registry.host,
        repository: 'team/app',
        reference: gone,
      }),
    ).resolves.toMatchObject({ kind: 'missing', code: 'MANIFEST_UNKNOWN' });
    await expect(
      withCredentials().headManifest({
        host: registry.host,
        repository: 'team/never-pushed',
        reference: '1.0.0',
      }),
    ).resolves.toMatchObject({ kind: 'missing' });
  });

  it('says which step refused a wrong password, without the password', async () => {
    const wrong = client([
      registryConfig(registry, { password: 'expired-password' }),
    ]);
    const result = await wrong.headManifest({
      host: registry.host,
      repository: 'team/app',
      reference: '1.0.0',
    });
    expect(result).toMatchObject({
      kind: 'refused',
      step: 'basic',
      status: 401,
      credentialsConfigured: true,
    });
    expect(JSON.stringify(result)).not.toContain('expired-password');
    await expect(
      wrong.checkCredentials({ host: registry.host, repository: 'team/app' }),
    ).resolves.toMatchObject({ kind: 'refused', step: 'basic' });
  });

  it('says when credentials are needed and none are configured', async () => {
    await expect(
      client([{ host: registry.host, ...local }]).headManifest({
        host: registry.host,
        repository: 'team/app',
        reference: '1.0.0',
      }),
    ).resolves.toMatchObject({
      kind: 'refused',
      step: 'anonymous',
      credentialsConfigured: false,
    });
  });

  it('proves working credentials', async () => {
    await expect(
      withCredentials().checkCredentials({
        host: registry.host,
        repository: 'team/app',
      }),
    ).resolves.toEqual({
      kind: 'ok',
      auth: 'basic',
      username: registry.username,
      tokenService: undefined,
      repositoryFound: true,
    });
    await expect(
      withCredentials().checkCredentials({
        host: registry.host,
        repository: 'team/not-there',
      }),
    ).resolves.toMatchObject({ kind: 'ok', repositoryFound: false });
  });
});

describeWithRegistry('RegistryClient against a real registry (Bearer)', () => {
  let registry: TestRegistry;
  let digest: string;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth: 'token' });
    digest = await registry.pushImage('team/app', '1.0.0');
  }, 30_000);
  afterAll(() => registry?.stop());

  const entry = (overrides: JsonObject = {}) =>
    registryConfig(registry, overrides);

  it('gets a pull-only token from the realm and uses it', async () => {
    const requests = registry.tokenService!.requests;
    const before = requests.length;
    await expect(
      client([entry()]).headManifest({
        host: registry.host,
        repository: 'team/app',
        reference: '1.0.0',
      }),
    ).resolves.toMatchObject({ kind: 'present', digest });
    expect(requests.slice(before)).toEqual([
      {
        user: registry.username,
        service: registry.tokenService!.service,
        scopes: ['repository:team/app:pull'],
        status: 200,
      },
    ]);
  });

  it('says the token service refused a wrong password', async () => {
    const result = await client([
      entry({ password: 'expired-password' }),
    ]).headManifest({
      host: registry.host,
      repository: 'team/app',
      reference: '1.0.0',
    });
    expect(result).toMatchObject({
      kind: 'refused',
      step: 'token-service',
      status: 401,
    });
    expect(JSON.stringify(result)).not.toContain('expired-password');
  });

  it('says anonymous pulls are refused when no credentials are configured', async () => {
    await expect(
      client([
        {
          host: registry.host,
          authHosts: [registry.tokenService!.host],
          ...local,
        },
      ]).checkCredentials({ host: registry.host, repository: 'team/app' }),
    ).resolves.toMatchObject({
      kind: 'refused',
      step: 'anonymous',
      credentialsConfigured: false,
    });
  });

  it('never asks a token service that is not in authHosts', async () => {
    const requests = registry.tokenService!.requests;
    const before = requests.length;
    const result = await client([entry({ authHosts: [] })]).headManifest({
      host: registry.host,
      repository: 'team/app',
      reference: '1.0.0',
    });
    expect(result).toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('authHosts'),
    });
    expect(requests.length).toBe(before);
  });

  it('proves working credentials through the token exchange', async () => {
    await expect(
      client([entry()]).checkCredentials({
        host: registry.host,
        repository: 'team/app',
      }),
    ).resolves.toEqual({
      kind: 'ok',
      auth: 'bearer',
      username: registry.username,
      tokenService: registry.tokenService!.host,
      repositoryFound: true,
    });
    await expect(
      client([entry({ password: 'nope' })]).checkCredentials({
        host: registry.host,
        repository: 'team/app',
      }),
    ).resolves.toMatchObject({ kind: 'refused', step: 'token-service' });
  });
});

describe('RegistryClient with local stand-in servers', () => {
  const manifest = 'application/vnd.oci.image.manifest.v1+json';
  const digest = `sha256:${'a'.repeat(64)}`;
  let servers: CountingServer[] = [];
  const serve = async (handler?: http.RequestListener) => {
    const server = await startCountingServer(handler);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.map(s => s.stop()));
    servers = [];
    jest.restoreAllMocks();
  });
  const present: http.RequestListener = (_req, res) => {
    res.writeHead(200, {
      'Content-Type': manifest,
      'Docker-Content-Digest': digest,
    });
    res.end();
  };
  const redirectTo =
    (target: string): http.RequestListener =>
    (req, res) => {
      res.writeHead(307, { Location: `${target}${req.url}` });
      res.end();
    };
  const ask = (c: RegistryClient, host: string) =>
    c.headManifest({ host, repository: 'team/app', reference: '1.0.0' });

  it('follows a redirect to another configured registry', async () => {
    const target = await serve(present);
    const origin = await serve(redirectTo(`http://${target.host}`));
    await expect(
      ask(
        client([
          { host: origin.host, ...local },
          { host: target.host, ...local },
        ]),
        origin.host,
      ),
    ).resolves.toMatchObject({ kind: 'present', digest });
    expect(target.connections()).toBe(1);
  });

  it('does not follow a redirect to a host that is not configured', async () => {
    const elsewhere = await serve(present);
    const origin = await serve(redirectTo(`http://${elsewhere.host}`));
    const result = await ask(
      client([{ host: origin.host, ...local }]),
      origin.host,
    );
    expect(result).toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining(
        `refused to follow a redirect to ${elsewhere.host}`,
      ),
    });
    expect(elsewhere.connections()).toBe(0);
  });

  it('does not follow a redirect to plain HTTP on a host that is not insecure', async () => {
    const target = await serve(present);
    const origin = await serve(redirectTo(`http://${target.host}`));
    const result = await ask(
      client([
        { host: origin.host, ...local },
        { host: target.host, allowPrivateAddresses: true },
      ]),
      origin.host,
    );
    expect(result).toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('only HTTPS'),
    });
    expect(target.connections()).toBe(0);
  });

  it('stops after three redirects', async () => {
    const loop = await serve((req, res) => {
      res.writeHead(302, { Location: req.url });
      res.end();
    });
    await expect(
      ask(client([{ host: loop.host, ...local }]), loop.host),
    ).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('more than 3 redirects'),
    });
    expect(loop.requests).toHaveLength(4);
  });

  it('drops credentials when a redirect changes host', async () => {
    const target = await serve(present);
    const origin = await serve((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' });
        res.end();
        return;
      }
      redirectTo(`http://${target.host}`)(req, res);
    });
    await expect(
      ask(
        client([
          { host: origin.host, username: 'u', password: 'p', ...local },
          { host: target.host, ...local },
        ]),
        origin.host,
      ),
    ).resolves.toMatchObject({ kind: 'present' });
    expect(origin.requests[1].headers.authorization).toBeDefined();
    expect(target.requests[0].headers.authorization).toBeUndefined();
  });

  it('never contacts a host that is not configured', async () => {
    const server = await serve(present);
    await expect(ask(client([]), server.host)).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('is not in rollbackGuard.registries'),
    });
    expect(server.connections()).toBe(0);
  });

  it('never contacts a configured loopback host without allowPrivateAddresses', async () => {
    const server = await serve(present);
    await expect(
      ask(client([{ host: server.host, insecure: true }]), server.host),
    ).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('loopback'),
    });
    const byName = `localhost:${server.port}`;
    await expect(
      ask(client([{ host: byName, insecure: true }]), byName),
    ).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringMatching(/^localhost \(.*\) is a loopback address/),
    });
    expect(server.connections()).toBe(0);
  });

  it('refuses the metadata address before any request', async () => {
    const spy = jest.spyOn(http, 'request');
    await expect(
      ask(
        client([{ host: '169.254.169.254', insecure: true }]),
        '169.254.169.254',
      ),
    ).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('link-local'),
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it('checks the address it connects to, not an earlier answer', async () => {
    const server = await serve(present);
    const host = `registry.rebind.test:${server.port}`;
    const answers = ['93.184.216.34', '127.0.0.1'];
    const resolve: ResolveAddresses = async () => [
      { address: answers.shift() ?? '127.0.0.1', family: 4 },
    ];
    const subject = client([{ host, insecure: true }], { resolve });
    await resolve('registry.rebind.test');
    await expect(ask(subject, host)).resolves.toMatchObject({
      kind: 'not-allowed',
      reason: expect.stringContaining('127.0.0.1) is a loopback address'),
    });
    expect(server.connections()).toBe(0);
  });

  it('says a closed port is unreachable', async () => {
    // Also shows that the spy above would see a request if one were made.
    const spy = jest.spyOn(http, 'request');
    const host = `127.0.0.1:${await closedPort()}`;
    await expect(ask(client([{ host, ...local }]), host)).resolves.toEqual({
      kind: 'unreachable',
      reason: `${host} refused the connection: nothing listens there`,
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('gives up on a registry that does not answer', async () => {
    const silent = await serve(() => {});
    await expect(
      ask(
        client([{ host: silent.host, ...local }], { timeoutMs: 200 }),
        silent.host,
      ),
    ).resolves.toEqual({
      kind: 'unreachable',
      reason: `${silent.host} did not answer within 200 ms`,
    });
  });

  it('stops when the check is aborted', async () => {
    const silent = await serve(() => {});
    const controller = new AbortController();
    const pending = client([{ host: silent.host, ...local }]).headManifest(
      { host: silent.host, repository: 'team/app', reference: '1.0.0' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).resolves.toMatchObject({
      kind: 'unreachable',
      reason: expect.stringContaining('aborted'),
    });
  });

  it('does not take a 404 from something that is not a registry for a missing manifest', async () => {
    const proxy = await serve((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    await expect(
      ask(client([{ host: proxy.host, ...local }]), proxy.host),
    ).resolves.toMatchObject({ kind: 'unexpected', status: 404 });
  });

  it('tells a registry whose HEAD is not allowed to answer with GET', async () => {
    const server = await serve((req, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(405);
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': manifest });
      res.end('{"schemaVersion":2}');
    });
    await expect(
      ask(client([{ host: server.host, ...local }]), server.host),
    ).resolves.toMatchObject({
      kind: 'present',
      // Without Docker-Content-Digest the digest is that of the body.
      digest: `sha256:${createHash('sha256')
        .update('{"schemaVersion":2}')
        .digest('hex')}`,
    });
  });
});

describeWithRegistry('RegistryClient over HTTPS', () => {
  it('talks HTTPS by default and verifies the certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rollback-guard-tls-'));
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    let requests = 0;
    const server = https.createServer(
      {
        key: await readFile(join(dir, 'key.pem')),
        cert: await readFile(join(dir, 'cert.pem')),
      },
      (_req, res) => {
        requests++;
        res.end();
      },
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(
        client([{ host, allowPrivateAddresses: true }]).headManifest({
          host,
          repository: 'team/app',
          reference: '1.0.0',
        }),
      ).resolves.toMatchObject({
        kind: 'unreachable',
        reason: expect.stringContaining(`TLS with ${host} failed`),
      });
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
