import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import http from 'node:http';
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
  CountingServer,
  startCountingServer,
} from '@internal/rollback-guard-test-harness';

const describeWithRegistry = registryDescribe();

const artifactCheck = (registries: Parameters<typeof registryCheck>[1]) =>
  registryCheck('artifact-availability', registries);
const facts = factsOf;
const local = { insecure: true, allowPrivateAddresses: true };

describeWithRegistry('artifact availability against a real registry', () => {
  let registry: TestRegistry;
  let digest: string;
  let check: ReadinessCheck;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth: 'htpasswd' });
    digest = await registry.pushImage('payments/api', '1.0.0');
    check = artifactCheck([registryConfig(registry)]);
  }, 30_000);
  afterAll(() => registry?.stop());

  it('passes by digest, with the digest among the facts', async () => {
    const outcome = await check.run(
      checkContext({ reference: `${registry.host}/payments/api@${digest}` }),
    );
    expect(outcome).toMatchObject({ status: 'pass' });
    expect(outcome.summary).toContain(digest.slice(0, 19));
    expect(facts(outcome)).toMatchObject({
      Registry: registry.host,
      Repository: 'payments/api',
      'Asked for': digest,
      Digest: digest,
      'Media type': 'application/vnd.oci.image.manifest.v1+json',
      Index: 'no',
    });
  });

  it('passes by tag when no digest was recorded, and says it cannot tell more', async () => {
    const outcome = await check.run(
      checkContext({ reference: `${registry.host}/payments/api:1.0.0` }),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.details).toContain('No digest was recorded');
    expect(facts(outcome)).toMatchObject({
      'Asked for': 'tag 1.0.0',
      Digest: digest,
    });
  });

  it('passes from the annotation with the version as tag', async () => {
    const outcome = await check.run(
      checkContext({
        annotations: {
          'rollback-guard/artifact': `${registry.host}/payments/api`,
        },
        version: '1.0.0',
        digest,
      }),
    );
    expect(outcome.status).toBe('pass');
    expect(facts(outcome).Source).toContain('rollback-guard/artifact');
  });

  it('warns when the tag was moved to another image', async () => {
    const first = await registry.pushImage('payments/moving', '3.1.0');
    const second = await registry.pushImage('payments/moving', '3.1.0');
    const outcome = await check.run(
      checkContext({
        reference: `${registry.host}/payments/moving:3.1.0`,
        digest: first,
      }),
    );
    expect(outcome).toMatchObject({
      status: 'warn',
      remediation: expect.stringContaining(
        `${registry.host}/payments/moving@${first}`,
      ),
    });
    expect(facts(outcome)['Tag now points to']).toBe(second);
  });

  it('fails, blocking, when the manifest was deleted', async () => {
    const gone = await registry.pushImage('payments/api', '0.9.0');
    await registry.deleteManifest('payments/api', gone);
    const outcome = await check.run(
      checkContext({
        reference: `${registry.host}/payments/api:0.9.0`,
        digest: gone,
        version: '0.9.0',
      }),
    );
    expect(outcome).toMatchObject({
      status: 'fail',
      blocking: true,
      summary: expect.stringContaining('nothing to go back to'),
      remediation: expect.stringMatching(/re-push.*choose another candidate/),
    });
    expect(facts(outcome).Answer).toBe('MANIFEST_UNKNOWN');
  });

  it('is unknown when the registry refuses a wrong password', async () => {
    const outcome = await artifactCheck([
      registryConfig(registry, { password: 'expired-password' }),
    ]).run(checkContext({ reference: `${registry.host}/payments/api:1.0.0` }));
    expect(outcome).toMatchObject({
      status: 'unknown',
      summary: expect.stringContaining('refused'),
    });
    expect(JSON.stringify(outcome)).not.toContain('expired-password');
  });

  it('passes for a multi-platform image and reports it as an index', async () => {
    const index = await registry.pushImage('payments/multi', '1.0.0', {
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    const outcome = await check.run(
      checkContext({
        reference: `${registry.host}/payments/multi:1.0.0`,
        digest: index,
      }),
    );
    expect(outcome.status).toBe('pass');
    expect(facts(outcome)).toMatchObject({
      Digest: index,
      'Media type': 'application/vnd.oci.image.index.v1+json',
      Index: 'yes: linux/amd64, linux/arm64',
    });
  });

  it('says an unreachable registry is unknown, with the reason', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const outcome = await artifactCheck([{ host, ...local }]).run(
      checkContext({ reference: `${host}/payments/api:1.0.0` }),
    );
    expect(outcome).toMatchObject({
      status: 'unknown',
      summary: `The registry ${host} could not be reached`,
      details: `${host} refused the connection: nothing listens there`,
    });
  });
});

describeWithRegistry('artifact availability through the Bearer flow', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry({ auth: 'token' });
  }, 30_000);
  afterAll(() => registry?.stop());

  it('passes with a token from the registry’s token service', async () => {
    const digest = await registry.pushImage('payments/api', '1.0.0');
    const before = registry.tokenService!.requests.length;
    const outcome = await artifactCheck([registryConfig(registry)]).run(
      checkContext({ reference: `${registry.host}/payments/api@${digest}` }),
    );
    expect(outcome.status).toBe('pass');
    expect(facts(outcome).Digest).toBe(digest);
    expect(registry.tokenService!.requests.length).toBeGreaterThan(before);
  });
});

describe('artifact availability without a registry', () => {
  let server: CountingServer;
  beforeEach(async () => {
    server = await startCountingServer();
  });
  afterEach(async () => {
    await server.stop();
    jest.restoreAllMocks();
  });

  it('is unknown for a host that is not configured, and contacts nothing', async () => {
    const outcome = await artifactCheck([]).run(
      checkContext({ reference: `${server.host}/payments/api:1.0.0` }),
    );
    expect(outcome).toMatchObject({
      status: 'unknown',
      summary: `Rollback Guard may not contact ${server.host}`,
      details: expect.stringContaining('rollbackGuard.registries'),
    });
    expect(server.connections()).toBe(0);
  });

  it('refuses the cloud metadata address from an annotation before any request', async () => {
    const request = jest.spyOn(http, 'request');
    const outcome = await artifactCheck([
      { host: '169.254.169.254', insecure: true },
    ]).run(
      checkContext({
        annotations: {
          'rollback-guard/artifact': '169.254.169.254/latest/meta-data',
        },
      }),
    );
    expect(outcome).toMatchObject({
      status: 'unknown',
      details: expect.stringContaining(
        '169.254.169.254 is a link-local address',
      ),
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('refuses 127.0.0.1 when its entry lacks allowPrivateAddresses, and contacts nothing', async () => {
    const outcome = await artifactCheck([
      { host: server.host, insecure: true },
    ]).run(checkContext({ reference: `${server.host}/payments/api:1.0.0` }));
    expect(outcome).toMatchObject({
      status: 'unknown',
      details: expect.stringContaining('loopback'),
    });
    expect(server.connections()).toBe(0);
  });

  it('says which field or annotation to set when nothing names an artifact', async () => {
    const outcome = await artifactCheck([]).run(checkContext());
    expect(outcome).toMatchObject({
      status: 'unknown',
      remediation: expect.stringMatching(
        /artifact\.reference.*rollback-guard\/artifact/,
      ),
    });
  });

  const digest = `sha256:${'b'.repeat(64)}`;
  it.each([
    { reference: '', reason: 'it is empty' },
    { reference: 'payments/api:1.0.0', reason: 'names no registry host' },
    {
      reference: 'https://registry.example.com/payments/api:1.0.0',
      reason: 'URL scheme',
    },
    {
      reference: 'registry.example.com/Payments/api:1.0.0',
      reason: 'not a valid repository path',
    },
    {
      reference: 'registry.example.com/payments/api:-bad',
      reason: 'not a valid tag',
    },
    {
      reference: 'registry.example.com/payments/api@sha256:abc',
      reason: 'not a digest',
    },
    {
      reference: `registry.example.com/payments/api@md5:${'a'.repeat(32)}`,
      reason: 'not supported',
    },
    {
      reference: 'registry.example.com/payments/api',
      reason: 'names no tag or digest',
    },
    {
      reference: 'registry.example.com/payments api:1.0.0',
      reason: 'white space',
    },
    {
      reference: 'registry.example.com',
      reason: 'is not "<registry-host>/<path>"',
    },
    {
      reference: 'reg_istry.example.com/payments/api:1',
      reason: 'not a valid registry host',
    },
    {
      reference: `registry.example.com/payments/api@${digest}`,
      recorded: `sha256:${'c'.repeat(64)}`,
      reason: 'but its digest is',
    },
    {
      reference: 'registry.example.com/payments/api:1.0.0',
      recorded: 'sha256:XYZ',
      reason: 'not a digest',
    },
  ])(
    'is unknown for "$reference" (recorded digest: $recorded): $reason',
    async ({ reference, recorded, reason }) => {
      const outcome = await artifactCheck([
        { host: 'registry.example.com' },
      ]).run(checkContext({ reference, digest: recorded }));
      expect(outcome.status).toBe('unknown');
      expect(outcome.summary).toContain(reason);
      expect(outcome.remediation).toBeDefined();
    },
  );

  it.each([
    [
      'registry.example.com/payments/api:1.0.0',
      '1.0.0',
      'names a tag or digest',
    ],
    ['payments/api', '1.0.0', 'names no registry host'],
    ['registry.example.com/payments/api', 'v1.0.0+build.5', 'not a valid tag'],
  ])(
    'is unknown for the annotation "%s" with version %s',
    async (annotation, version, reason) => {
      const outcome = await artifactCheck([
        { host: 'registry.example.com' },
      ]).run(
        checkContext({
          annotations: { 'rollback-guard/artifact': annotation },
          version,
        }),
      );
      expect(outcome.status).toBe('unknown');
      expect(`${outcome.summary} ${outcome.remediation}`).toContain(reason);
    },
  );
});
