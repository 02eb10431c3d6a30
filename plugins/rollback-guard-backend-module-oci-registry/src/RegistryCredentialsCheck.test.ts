import { ConfigReader } from '@backstage/config';
import {
  checkContext,
  factsOf,
  registryCheck,
} from './__testUtils__/checkContext';
import {
  registryConfig,
  registryDescribe,
  startTestRegistry,
  TestRegistry,
  closedPort,
  startCountingServer,
} from '@internal/rollback-guard-test-harness';
import { createOciRegistryChecks } from './createOciRegistryChecks';

const describeWithRegistry = registryDescribe();

describe('createOciRegistryChecks', () => {
  it('creates both registry checks with their ids, titles and weights', () => {
    const checks = createOciRegistryChecks({ config: new ConfigReader({}) });
    expect(
      checks.map(({ id, title, weight }) => ({ id, title, weight })),
    ).toEqual([
      {
        id: 'artifact-availability',
        title: 'Artifact availability',
        weight: 10,
      },
      { id: 'registry-credentials', title: 'Registry credentials', weight: 8 },
    ]);
  });
});

describeWithRegistry('registry credentials against a real registry', () => {
  let basic: TestRegistry;
  let bearer: TestRegistry;
  let open: TestRegistry;

  beforeAll(async () => {
    [basic, bearer, open] = await Promise.all([
      startTestRegistry({ auth: 'htpasswd' }),
      startTestRegistry({ auth: 'token' }),
      startTestRegistry({ auth: 'none' }),
    ]);
    await Promise.all(
      [basic, bearer, open].map(r => r.pushImage('payments/api', '1.0.0')),
    );
  }, 30_000);
  afterAll(() => Promise.all([basic, bearer, open].map(r => r?.stop())));

  const run = (registry: TestRegistry, overrides = {}) =>
    registryCheck('registry-credentials', [
      registryConfig(registry, overrides),
    ]).run(checkContext({ reference: `${registry.host}/payments/api:1.0.0` }));

  it('passes when the configured credentials can pull (Basic)', async () => {
    const outcome = await run(basic);
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: `The credentials for ${basic.host} can pull payments/api`,
    });
    expect(factsOf(outcome)).toMatchObject({
      Authentication: `basic, user ${basic.username}`,
      'Repository found': 'yes',
    });
  });

  it('fails, without blocking, when the password no longer works (Basic)', async () => {
    const outcome = await run(basic, { password: 'expired-password' });
    expect(outcome).toMatchObject({
      status: 'fail',
      blocking: false,
      summary: expect.stringContaining('refuses the configured credentials'),
      remediation: expect.stringContaining('Renew or rotate'),
    });
    expect(factsOf(outcome)['Refused at']).toBe('basic');
    expect(JSON.stringify(outcome)).not.toContain('expired-password');
  });

  it('is unknown when the registry wants credentials and none are configured', async () => {
    const outcome = await registryCheck('registry-credentials', [
      { host: basic.host, insecure: true, allowPrivateAddresses: true },
    ]).run(checkContext({ reference: `${basic.host}/payments/api:1.0.0` }));
    expect(outcome).toMatchObject({
      status: 'unknown',
      remediation: expect.stringContaining('Add a username and password'),
    });
  });

  it('passes when the token service issues a pull token that works (Bearer)', async () => {
    const outcome = await registryCheck('registry-credentials', [
      registryConfig(bearer),
    ]).run(
      checkContext({
        annotations: {
          'rollback-guard/artifact': `${bearer.host}/payments/api`,
        },
      }),
    );
    expect(outcome.status).toBe('pass');
    expect(factsOf(outcome).Authentication).toBe(
      `bearer, user ${bearer.username}, token from ${
        bearer.tokenService!.host
      }`,
    );
  });

  it('fails when the token service refuses the credentials (Bearer)', async () => {
    const outcome = await run(bearer, { password: 'expired-password' });
    expect(outcome).toMatchObject({ status: 'fail', blocking: false });
    expect(factsOf(outcome)['Refused at']).toBe('token-service');
  });

  it('passes when anonymous pulls work and no credentials are configured', async () => {
    const outcome = await registryCheck('registry-credentials', [
      { host: open.host, insecure: true, allowPrivateAddresses: true },
    ]).run(checkContext({ reference: `${open.host}/payments/api:1.0.0` }));
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: `Anonymous pulls from ${open.host}/payments/api work`,
    });
  });
});

describe('registry credentials without a registry', () => {
  it('is unknown when the registry is unreachable', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const outcome = await registryCheck('registry-credentials', [
      { host, insecure: true, allowPrivateAddresses: true },
    ]).run(checkContext({ reference: `${host}/payments/api:1.0.0` }));
    expect(outcome).toMatchObject({
      status: 'unknown',
      details: `${host} refused the connection: nothing listens there`,
    });
  });

  it('is unknown, contacting nothing, when the host is not allowed', async () => {
    const server = await startCountingServer();
    try {
      const outcome = await registryCheck('registry-credentials', [
        { host: server.host, insecure: true },
      ]).run(checkContext({ reference: `${server.host}/payments/api:1.0.0` }));
      expect(outcome).toMatchObject({
        status: 'unknown',
        details: expect.stringContaining('loopback'),
      });
      expect(server.connections()).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('is unknown, not fail, when the registry refuses before asking for credentials', async () => {
    const server = await startCountingServer((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    try {
      const outcome = await registryCheck('registry-credentials', [
        {
          host: server.host,
          username: 'ci',
          password: 'still-valid',
          insecure: true,
          allowPrivateAddresses: true,
        },
      ]).run(checkContext({ reference: `${server.host}/payments/api:1.0.0` }));
      expect(outcome).toMatchObject({
        status: 'unknown',
        details: expect.stringContaining('without asking for credentials'),
        remediation: expect.stringContaining('access rules'),
      });
      expect(server.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('is unknown when nothing names an artifact', async () => {
    await expect(
      registryCheck('registry-credentials', []).run(checkContext()),
    ).resolves.toMatchObject({ status: 'unknown' });
  });
});
