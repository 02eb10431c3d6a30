import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JsonObject } from '@backstage/types';
import { writeOciLayout } from './ociLayout';
import { startTokenService, TestTokenService } from './tokenService';

const run = promisify(execFile);

// Which Debian package brings each binary, so a skip message says what to
// install rather than what is missing.
const BINARIES = [
  { path: '/usr/bin/docker-registry', pkg: 'docker-registry' },
  { path: '/usr/bin/skopeo', pkg: 'skopeo' },
  { path: '/usr/bin/htpasswd', pkg: 'apache2-utils' },
  { path: '/usr/bin/openssl', pkg: 'openssl' },
];

/**
 * Whether the programs the test registry needs are installed, and the Debian
 * packages to install when they are not.
 *
 * @internal
 */
export function registryAvailable(): {
  available: boolean;
  missingPackages: string[];
} {
  const missingPackages = BINARIES.filter(({ path }) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  }).map(({ pkg }) => pkg);
  return { available: missingPackages.length === 0, missingPackages };
}

/**
 * The `describe` for suites that need the real registry: `describe.skip`,
 * with a message naming the packages to install, when they are missing on a
 * developer machine; but in CI (`CI` set), where the registry tests are
 * mandatory, it throws, failing the test file.
 *
 * @internal
 */
export function registryDescribe(): jest.Describe {
  const { available, missingPackages } = registryAvailable();
  if (available) return describe;
  const missing = `missing packages ${missingPackages.join(
    ', ',
  )} (apt-get install ${missingPackages.join(' ')})`;
  if (process.env.CI) {
    throw new Error(`The real-registry tests are mandatory in CI; ${missing}`);
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-registry tests: ${missing}`);
  return describe.skip;
}

/**
 * @internal
 */
export type TestRegistryOptions = {
  /**
   * `htpasswd`: the registry answers 401 with a `Basic` challenge.
   * `token`: it answers with a `Bearer` challenge whose realm is a token
   * service of the test's own, on another port.
   * `none`: anyone may pull and push.
   */
  auth?: 'htpasswd' | 'token' | 'none';
  username?: string;
  password?: string;
  /** A fixed port, for a registry that configuration names in advance. */
  port?: number;
};

/**
 * A running `docker-registry` on 127.0.0.1.
 *
 * @internal
 */
export type TestRegistry = {
  /** `127.0.0.1:<port>`, as it appears in image references. */
  host: string;
  username: string;
  password: string;
  /** Present in `token` mode. */
  tokenService?: TestTokenService;
  /** Pushes a fresh image (an index with `platforms`) and returns its digest. */
  pushImage(
    repository: string,
    tag: string,
    options?: { platforms?: string[] },
  ): Promise<string>;
  deleteManifest(repository: string, digest: string): Promise<void>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function httpStatus(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(
        `docker-registry exited with ${child.exitCode}:\n${log.slice(-2000)}`,
      );
    }
    try {
      await httpStatus(url, 'GET');
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`docker-registry did not answer at ${url}: ${error}`);
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
}

async function startProcess(configPath: string, logPath: string) {
  // The log goes to a file so that a failed start can say why, and the
  // registry's chatter stays out of the test output.
  const fd = openSync(logPath, 'a');
  try {
    return spawn('/usr/bin/docker-registry', ['serve', configPath], {
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts a real OCI distribution registry (`docker-registry serve`) on
 * 127.0.0.1 at a free port, with filesystem storage in a temporary
 * directory, deletes enabled, and authentication.
 *
 * @internal
 */
export async function startTestRegistry(
  options: TestRegistryOptions = {},
): Promise<TestRegistry> {
  const username = options.username ?? 'ci-puller';
  const password = options.password ?? 's3cret-pass';
  const mode = options.auth ?? 'htpasswd';
  const dir = await mkdtemp(join(tmpdir(), 'rollback-guard-registry-'));
  const logPath = join(dir, 'registry.log');

  let tokenService: TestTokenService | undefined;
  let auth: Record<string, unknown> | undefined;
  if (mode === 'token') {
    tokenService = await startTokenService({ dir, username, password });
    auth = {
      token: {
        realm: tokenService.realm,
        service: tokenService.service,
        issuer: tokenService.issuer,
        rootcertbundle: tokenService.certificatePath,
      },
    };
  } else if (mode === 'htpasswd') {
    const { stdout } = await run('/usr/bin/htpasswd', [
      '-Bbn',
      username,
      password,
    ]);
    const htpasswdPath = join(dir, 'htpasswd');
    await writeFile(htpasswdPath, stdout);
    auth = { htpasswd: { realm: 'rollback-guard-test', path: htpasswdPath } };
  }

  let child: ChildProcess | undefined;
  let port = 0;
  // Another process may take the port between probing and binding; a
  // second or third port almost always works.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = options.port ?? (await freePort());
    const configPath = join(dir, 'config.yml');
    // JSON is YAML, so no YAML writer is needed.
    await writeFile(
      configPath,
      JSON.stringify({
        version: 0.1,
        log: { level: 'warn', accesslog: { disabled: true } },
        storage: {
          filesystem: { rootdirectory: join(dir, 'storage') },
          delete: { enabled: true },
        },
        http: { addr: `127.0.0.1:${port}` },
        auth,
      }),
    );
    const candidate = await startProcess(configPath, logPath);
    try {
      await waitUntilAnswering(
        `http://127.0.0.1:${port}/v2/`,
        candidate,
        logPath,
      );
      child = candidate;
    } catch (error) {
      candidate.kill('SIGKILL');
      if (attempt === 2) {
        await tokenService?.stop();
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const registryProcess = child!;
  const host = `127.0.0.1:${port}`;

  const authorization = (
    repository: string,
    actions: string[],
  ): Record<string, string> => {
    if (tokenService) {
      const token = tokenService.mint(username, [
        { type: 'repository', name: repository, actions },
      ]);
      return { Authorization: `Bearer ${token}` };
    }
    return auth
      ? {
          Authorization: `Basic ${Buffer.from(
            `${username}:${password}`,
          ).toString('base64')}`,
        }
      : {};
  };

  let pushes = 0;
  return {
    host,
    username,
    password,
    tokenService,
    async pushImage(repository, tag, pushOptions = {}) {
      const layoutDir = join(dir, `layout-${++pushes}`);
      const digestFile = join(dir, `digest-${pushes}`);
      await writeOciLayout(layoutDir, {
        tag,
        label: `${repository}:${tag}`,
        platforms: pushOptions.platforms,
      });
      await run(
        '/usr/bin/skopeo',
        [
          // The default policy may demand signatures; a test image has none.
          '--insecure-policy',
          'copy',
          '--all',
          '--dest-tls-verify=false',
          ...(auth ? ['--dest-creds', `${username}:${password}`] : []),
          '--digestfile',
          digestFile,
          `oci:${layoutDir}:${tag}`,
          `docker://${host}/${repository}:${tag}`,
        ],
        {
          env: {
            ...process.env,
            // Keeps skopeo away from the developer's own registry logins.
            REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
          },
        },
      );
      return (await readFile(digestFile, 'utf8')).trim();
    },
    async deleteManifest(repository, digest) {
      const status = await httpStatus(
        `http://${host}/v2/${repository}/manifests/${digest}`,
        'DELETE',
        authorization(repository, ['pull', 'delete']),
      );
      if (status !== 202) {
        throw new Error(
          `Deleting ${repository}@${digest} answered ${status}, not 202`,
        );
      }
    },
    async stop() {
      if (registryProcess.exitCode === null) {
        const exited = new Promise(resolve =>
          registryProcess.once('exit', resolve),
        );
        registryProcess.kill('SIGTERM');
        await exited;
      }
      await tokenService?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The `rollbackGuard.registries` entry that lets the backend reach a test
 * registry: plain HTTP on loopback, its credentials, and in token mode its
 * token service as auth host.
 *
 * @internal
 */
export function registryConfig(
  registry: TestRegistry,
  overrides: JsonObject = {},
): JsonObject {
  return {
    host: registry.host,
    username: registry.username,
    password: registry.password,
    ...(registry.tokenService
      ? { authHosts: [registry.tokenService.host] }
      : {}),
    insecure: true,
    allowPrivateAddresses: true,
    ...overrides,
  };
}
