import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { InputError } from '@backstage/errors';
import { request } from 'node:http';
import { inspect } from 'node:util';
import {
  CountingServer,
  startCountingServer,
} from '@internal/rollback-guard-test-harness';
import {
  AddressRefusedError,
  classifyAddress,
  ResolveAddresses,
} from '@rollback-guard/plugin-rollback-guard-node';
import { RegistryHostPolicy } from './RegistryHostPolicy';

function policy(registries: JsonObject[], resolve?: ResolveAddresses) {
  return RegistryHostPolicy.fromConfig(
    new ConfigReader({ rollbackGuard: { registries } }),
    { resolve },
  );
}

describe('RegistryHostPolicy', () => {
  describe('which hosts are configured', () => {
    const subject = policy([
      { host: 'Registry.Example.com' },
      { host: 'registry.example.com:5000', insecure: true },
    ]);

    it('matches host and port case-insensitively', () => {
      expect(subject.registryFor('REGISTRY.example.COM')).toMatchObject({
        allowed: true,
        registry: { host: 'registry.example.com', insecure: false },
      });
      expect(subject.registryFor('registry.example.com:5000')).toMatchObject({
        allowed: true,
        registry: { insecure: true },
      });
    });

    it('refuses other hosts and ports, naming the setting', () => {
      for (const host of [
        'registry.example.org',
        'registry.example.com:5001',
        'evil.registry.example.com',
      ]) {
        const decision = subject.registryFor(host);
        expect(decision.allowed).toBe(false);
        expect(!decision.allowed && decision.reason).toContain(
          'rollbackGuard.registries',
        );
      }
    });

    it('refuses an empty configuration', () => {
      expect(
        RegistryHostPolicy.fromConfig(new ConfigReader({})).registryFor(
          'registry.example.com',
        ).allowed,
      ).toBe(false);
    });

    it('rejects configuration it could misread', () => {
      expect(() => policy([{ host: 'https://registry.example.com' }])).toThrow(
        InputError,
      );
      expect(() => policy([{ host: 'registry.example.com/team' }])).toThrow(
        /rollbackGuard\.registries\[0\]\.host/,
      );
      expect(() =>
        policy([{ host: 'a.example.com' }, { host: 'A.example.com' }]),
      ).toThrow(/configured twice/);
      expect(() =>
        policy([{ host: 'a.example.com', username: 'only-user' }]),
      ).toThrow(/both username and password/);
      expect(() =>
        policy([{ host: 'a.example.com', authHosts: ['https://auth'] }]),
      ).toThrow(/authHosts\[0\]/);
    });

    it('allows token services only from the registry and its authHosts', () => {
      const withAuth = policy([
        { host: 'registry.example.com', authHosts: ['Auth.Example.com'] },
      ]);
      const decision = withAuth.registryFor('registry.example.com');
      if (!decision.allowed) throw new Error('expected allowed');
      expect(
        withAuth.authHostFor(decision.registry, 'auth.example.com').allowed,
      ).toBe(true);
      expect(
        withAuth.authHostFor(decision.registry, 'registry.example.com').allowed,
      ).toBe(true);
      expect(
        withAuth.authHostFor(decision.registry, 'auth.example.org'),
      ).toMatchObject({
        allowed: false,
        reason: expect.stringMatching(/authHosts/),
      });
    });
  });

  describe('classifyAddress', () => {
    it.each([
      ['127.0.0.1', 'loopback'],
      ['127.255.1.2', 'loopback'],
      ['::1', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['febf::1', 'link-local'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
      ['100.127.255.255', 'shared (carrier-grade NAT)'],
      ['fc00::1', 'private (unique local)'],
      ['fd12:3456::1', 'private (unique local)'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
      ['::ffff:7f00:1', 'IPv4-mapped loopback'],
      ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
      ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local'],
      ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped private'],
      ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
      ['::10.0.0.1', 'IPv4-compatible private'],
      ['64:ff9b::192.168.0.1', 'NAT64 private'],
      ['not-an-address', 'not an IP address'],
    ])('refuses %s as %s', (address, kind) => {
      expect(classifyAddress(address)).toBe(kind);
    });

    it.each([
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '169.253.255.255',
      '2606:2800:220:1:248:1893:25c8:1946',
      '::ffff:93.184.216.34',
      '64:ff9b::8.8.8.8',
    ])('allows the public address %s', address => {
      expect(classifyAddress(address)).toBeUndefined();
    });
  });

  describe('resolving', () => {
    const addresses: Record<string, string[]> = {
      'public.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
      'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
    };
    const resolve = jest.fn<ReturnType<ResolveAddresses>, [string]>(
      async hostname =>
        (addresses[hostname] ?? []).map(address => ({
          address,
          family: address.includes(':') ? 6 : 4,
        })),
    );
    const subject = policy([], resolve);

    it('allows a host whose addresses are all public', async () => {
      await expect(
        subject.resolve('public.example.com', false),
      ).resolves.toMatchObject({ allowed: true });
    });

    it('refuses a host with one private address among public ones', async () => {
      await expect(
        subject.resolve('mixed.example.com', false),
      ).resolves.toEqual({
        allowed: false,
        reason: expect.stringContaining(
          'mixed.example.com (10.0.0.5) is a private address',
        ),
      });
      await expect(
        subject.resolve('mixed.example.com', true),
      ).resolves.toMatchObject({ allowed: true });
    });

    it('checks literal addresses without DNS', async () => {
      resolve.mockClear();
      await expect(subject.resolve('169.254.169.254', false)).resolves.toEqual({
        allowed: false,
        reason: expect.stringContaining('link-local'),
      });
      await expect(subject.resolve('[::1]', false)).resolves.toMatchObject({
        allowed: false,
      });
      expect(resolve).not.toHaveBeenCalled();
    });

    it('refuses a host without addresses', async () => {
      await expect(
        subject.resolve('nowhere.example.com', false),
      ).resolves.toMatchObject({ allowed: false });
    });
  });

  describe('the connection-time lookup', () => {
    let server: CountingServer;
    beforeAll(async () => {
      server = await startCountingServer();
    });
    afterAll(() => server.stop());

    function get(allowPrivateAddresses: boolean, resolve: ResolveAddresses) {
      const lookup = policy([], resolve).lookupFor(allowPrivateAddresses);
      return new Promise<number>((resolvePromise, reject) => {
        const req = request(
          `http://registry.rebind.test:${server.port}/v2/`,
          { agent: false, lookup },
          res => {
            res.resume();
            resolvePromise(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    it('never connects to a name that now resolves to a refused address', async () => {
      // As in DNS rebinding: public when checked, loopback when connecting.
      const answers = ['93.184.216.34', '127.0.0.1'];
      const resolve: ResolveAddresses = async () => [
        { address: answers.shift() ?? '127.0.0.1', family: 4 },
      ];
      const subject = policy([], resolve);
      await expect(
        subject.resolve('registry.rebind.test', false),
      ).resolves.toMatchObject({ allowed: true });

      const before = server.connections();
      const error = await get(false, resolve).catch(e => e);
      expect(error).toBeInstanceOf(AddressRefusedError);
      expect(error.message).toContain('loopback');
      expect(server.connections()).toBe(before);
    });

    it('connects when the registry allows private addresses', async () => {
      const before = server.connections();
      await expect(
        get(true, async () => [{ address: '127.0.0.1', family: 4 }]),
      ).resolves.toBe(200);
      expect(server.connections()).toBe(before + 1);
    });
  });

  it('keeps the password out of everything it shows', () => {
    const subject = policy([
      {
        host: 'registry.example.com',
        username: 'ci',
        password: 'hunter2-very-secret',
      },
    ]);
    const decision = subject.registryFor('registry.example.com');
    const shown = [
      JSON.stringify(subject),
      inspect(subject, { depth: 10, showHidden: true }),
      JSON.stringify(decision),
      inspect(decision, { depth: 10 }),
    ].join('\n');
    expect(shown).not.toContain('hunter2-very-secret');
    if (!decision.allowed) throw new Error('expected allowed');
    expect(subject.basicAuthorization(decision.registry)).toBe(
      `Basic ${Buffer.from('ci:hunter2-very-secret').toString('base64')}`,
    );
  });
});
