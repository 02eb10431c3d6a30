import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { ActionRequest } from '@rollback-guard/plugin-rollback-guard-common';
import {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import {
  closedPort,
  CountingServer,
  startCountingServer,
} from '@internal/rollback-guard-test-harness';
import { ResolveAddresses } from '@rollback-guard/plugin-rollback-guard-node';
import { verifyWebhookSignature } from '@rollback-guard/plugin-rollback-guard-node';
import { githubWorkflowDispatchFormat } from '@rollback-guard/plugin-rollback-guard-backend-module-github-actions';
import { WebhookExecutor } from './WebhookExecutor';

const SECRET = 'hmac-key-7c1d9e52b0a84f3e';
const TOKEN = 'ghp_TestToken0123456789abcdefXYZ';

const ACTION: ActionRequest = {
  id: '3f0c7d1e-9a51-4c1b-8f0e-2b6f4f7c9d10',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  kind: 'roll-back',
  targetVersion: '1.4.2',
  reason: 'Refunds fail since 1.5.0',
  requestedBy: 'user:default/alice',
  requestedAt: '2026-11-23T10:00:00.000Z',
  risk: 'high',
  readinessComputedAt: '2026-11-23T09:58:00.000Z',
  requiredApprovals: 2,
  approvals: [
    { by: 'user:default/bob', at: '2026-11-23T10:02:00.000Z' },
    { by: 'user:default/carol', at: '2026-11-23T10:03:00.000Z' },
  ],
  status: 'approved',
  expiresAt: '2026-11-23T11:00:00.000Z',
  attempts: 0,
};

function entity(webhook?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      annotations: webhook ? { 'rollback-guard/action-webhook': webhook } : {},
    },
  };
}

function executor(webhooks: JsonObject[], resolve?: ResolveAddresses) {
  return WebhookExecutor.fromConfig(
    new ConfigReader({ rollbackGuard: { actions: { webhooks } } }),
    // The GitHub format, as its module adds it.
    { resolve, formats: [githubWorkflowDispatchFormat] },
  );
}

type Received = { url: string; headers: IncomingHttpHeaders; body: string };

// A local receiver that keeps each request's raw body, which the signature
// is computed over.
async function receiver(
  respond: (req: IncomingMessage, res: ServerResponse) => void = (_, res) => {
    res.statusCode = 202;
    res.end();
  },
): Promise<CountingServer & { received: Received[] }> {
  const received: Received[] = [];
  const server = await startCountingServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      respond(req, res);
    });
  });
  return Object.assign(server, { received });
}

function local(server: { host: string }, extra: JsonObject = {}): JsonObject {
  return {
    name: 'deploy',
    url: `http://${server.host}/hooks/rollback`,
    secret: SECRET,
    insecure: true,
    allowPrivateAddresses: true,
    ...extra,
  };
}

function execute(
  subject: WebhookExecutor,
  options: { webhook?: string; attempt?: number; signal?: AbortSignal } = {},
) {
  return subject.execute(
    {
      action: ACTION,
      attempt: options.attempt ?? 1,
      entity: entity(options.webhook ?? 'deploy'),
    },
    { signal: options.signal },
  );
}

// Every result and error the tests produce, to prove at the end that no
// secret is in any.
const shown: string[] = [];
function show<T>(value: T): T {
  shown.push(
    value instanceof Error
      ? `${value.name}: ${value.message}\n${value.stack}`
      : JSON.stringify(value),
  );
  return value;
}
function shownIfThrown<T>(promise: Promise<T>): Promise<T> {
  return promise.catch(error => {
    throw show(error);
  });
}

describe('WebhookExecutor', () => {
  describe('a generic webhook', () => {
    let server: Awaited<ReturnType<typeof receiver>>;
    beforeAll(async () => {
      server = await receiver();
    });
    afterAll(() => server.stop());

    it('POSTs the approved action as JSON, signed, once', async () => {
      const before = server.received.length;
      const result = show(
        await execute(executor([local(server)]), { attempt: 2 }),
      );
      expect(result).toEqual({ ok: true, status: 202, target: 'deploy' });
      expect(server.received).toHaveLength(before + 1);

      const { url, headers, body } = server.received[before];
      expect(url).toBe('/hooks/rollback');
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-rollback-guard-action']).toBe(ACTION.id);
      expect(headers['x-rollback-guard-attempt']).toBe('2');
      expect(headers.authorization).toBeUndefined();
      expect(JSON.parse(body)).toEqual({
        actionId: ACTION.id,
        attempt: 2,
        entityRef: 'component:default/payments-api',
        environment: 'production',
        kind: 'roll-back',
        targetVersion: '1.4.2',
        reason: 'Refunds fail since 1.5.0',
        requestedBy: 'user:default/alice',
        approvedBy: ['user:default/bob', 'user:default/carol'],
        risk: 'high',
        readinessComputedAt: '2026-11-23T09:58:00.000Z',
      });
    });

    it('signs so that a receiver can verify, and only with the secret and in time', async () => {
      const before = server.received.length;
      await execute(executor([local(server)]));
      const { headers, body } = server.received[before];
      const timestamp = String(headers['x-rollback-guard-timestamp']);
      const signature = String(headers['x-rollback-guard-signature']);
      // The documented construction, computed here independently of the
      // executor, as a receiver in another language would.
      expect(signature).toBe(
        `sha256=${createHmac('sha256', SECRET)
          .update(`${timestamp}.${body}`)
          .digest('hex')}`,
      );
      const sentAt = Number(timestamp);
      expect(Math.abs(sentAt - Date.now() / 1000)).toBeLessThan(5);

      const verify = (overrides: {
        secret?: string;
        body?: string | Buffer;
        now?: Date;
        timestamp?: string;
      }) =>
        verifyWebhookSignature({
          secret: SECRET,
          timestamp,
          body,
          signature,
          ...overrides,
        });
      expect(verify({})).toBe(true);
      expect(verify({ body: Buffer.from(body) })).toBe(true);
      expect(verify({ now: new Date((sentAt + 299) * 1000) })).toBe(true);

      expect(verify({ secret: 'another-key' })).toBe(false);
      expect(verify({ body: body.replace('1.4.2', '1.3.0') })).toBe(false);
      expect(verify({ timestamp: String(sentAt + 1) })).toBe(false);
      // Stale, or from the future: a replayed or forged request.
      expect(verify({ now: new Date((sentAt + 301) * 1000) })).toBe(false);
      expect(verify({ now: new Date((sentAt - 301) * 1000) })).toBe(false);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          timestamp,
          body,
          signature,
          toleranceSeconds: 10,
          now: new Date((sentAt + 11) * 1000),
        }),
      ).toBe(false);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          timestamp,
          body,
          signature: signature.slice(0, -2),
        }),
      ).toBe(false);
    });

    it('sends null for an action without a target version', async () => {
      const before = server.received.length;
      await executor([local(server)]).execute({
        action: { ...ACTION, kind: 'pause', targetVersion: undefined },
        attempt: 1,
        entity: entity('deploy'),
      });
      expect(JSON.parse(server.received[before].body)).toMatchObject({
        kind: 'pause',
        targetVersion: null,
      });
    });
  });

  describe('a GitHub workflow dispatch', () => {
    let server: Awaited<ReturnType<typeof receiver>>;
    beforeAll(async () => {
      // What GitHub answers to a dispatch it accepted.
      server = await receiver((_, res) => {
        res.statusCode = 204;
        res.end();
      });
    });
    afterAll(() => server.stop());

    const github = (extra: JsonObject = {}) =>
      local(server, {
        name: 'gh-rollback',
        url: `http://${server.host}/repos/acme/payments/actions/workflows/rollback.yml/dispatches`,
        format: 'github-workflow-dispatch',
        token: TOKEN,
        ...extra,
      });

    it('sends the ref and every field as a string input, with the token', async () => {
      const before = server.received.length;
      const result = show(
        await execute(executor([github({ ref: 'release' })]), {
          webhook: 'gh-rollback',
          attempt: 3,
        }),
      );
      expect(result).toEqual({ ok: true, status: 204, target: 'gh-rollback' });

      const { url, headers, body } = server.received[before];
      expect(url).toBe(
        '/repos/acme/payments/actions/workflows/rollback.yml/dispatches',
      );
      expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(headers.accept).toBe('application/vnd.github+json');
      expect(headers['user-agent']).toBeTruthy();
      const sent = JSON.parse(body);
      expect(sent).toEqual({
        ref: 'release',
        inputs: {
          actionId: ACTION.id,
          attempt: '3',
          entityRef: 'component:default/payments-api',
          environment: 'production',
          kind: 'roll-back',
          targetVersion: '1.4.2',
          reason: 'Refunds fail since 1.5.0',
          requestedBy: 'user:default/alice',
          approvedBy: 'user:default/bob,user:default/carol',
          risk: 'high',
          readinessComputedAt: '2026-11-23T09:58:00.000Z',
        },
      });
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          timestamp: String(headers['x-rollback-guard-timestamp']),
          body,
          signature: String(headers['x-rollback-guard-signature']),
        }),
      ).toBe(true);
    });

    it('dispatches on main unless a ref is configured', async () => {
      const before = server.received.length;
      await execute(executor([github()]), { webhook: 'gh-rollback' });
      expect(JSON.parse(server.received[before].body).ref).toBe('main');
    });
  });

  describe('failures', () => {
    it('reports an error answer with its status and the start of its body, without retrying', async () => {
      const server = await receiver((_, res) => {
        res.statusCode = 500;
        res.end(`boom: the deploy job crashed ${'x'.repeat(500)}`);
      });
      try {
        const result = show(await execute(executor([local(server)])));
        expect(result).toEqual({
          ok: false,
          target: 'deploy',
          status: 500,
          reason: expect.stringMatching(
            /^deploy answered 500 Internal Server Error: boom: the deploy job crashed x+…$/,
          ),
          reachedTarget: true,
        });
        const reason = (result as { reason: string }).reason;
        const excerpt = reason.slice(reason.indexOf(': ') + 2, -1);
        expect(excerpt).toHaveLength(200);
        expect(server.received).toHaveLength(1);
      } finally {
        await server.stop();
      }
    });

    it('does not follow a redirect', async () => {
      const elsewhere = await receiver();
      const server = await receiver((_, res) => {
        res.writeHead(307, { Location: `http://${elsewhere.host}/steal` });
        res.end();
      });
      try {
        const result = show(await execute(executor([local(server)])));
        expect(result).toMatchObject({
          ok: false,
          status: 307,
          reason: expect.stringContaining(
            'deploy answered 307 Temporary Redirect; redirects are not followed',
          ),
        });
        expect(elsewhere.connections()).toBe(0);
      } finally {
        await Promise.all([server.stop(), elsewhere.stop()]);
      }
    });

    it('gives up on a webhook that never answers, after timeoutMs', async () => {
      const server = await receiver(() => {});
      try {
        const started = Date.now();
        const result = show(
          await execute(executor([local(server, { timeoutMs: 200 })])),
        );
        expect(result).toEqual({
          ok: false,
          target: 'deploy',
          reason: 'deploy did not answer within 200 ms',
          // It got the request: whether it acted is unknown.
          reachedTarget: true,
        });
        expect(Date.now() - started).toBeLessThan(2000);
        expect(server.received).toHaveLength(1);
      } finally {
        await server.stop();
      }
    });

    it('takes a 2xx as done, however slowly the body follows', async () => {
      const server = await receiver((_, res) => {
        res.writeHead(202);
        res.write('{"queued": ');
      });
      try {
        const result = show(
          await execute(executor([local(server, { timeoutMs: 200 })])),
        );
        expect(result).toEqual({ ok: true, status: 202, target: 'deploy' });
      } finally {
        await server.stop();
      }
    });

    it('stops when the caller cancels', async () => {
      const server = await receiver(() => {});
      try {
        const controller = new AbortController();
        const pending = execute(executor([local(server)]), {
          signal: controller.signal,
        });
        setTimeout(() => controller.abort(), 50);
        expect(show(await pending)).toMatchObject({
          ok: false,
          reason: 'the call to deploy was cancelled before it answered',
        });
      } finally {
        await server.stop();
      }
    });

    it('reports a refused connection', async () => {
      const port = await closedPort();
      const result = show(
        await execute(executor([local({ host: `127.0.0.1:${port}` })])),
      );
      expect(result).toEqual({
        ok: false,
        target: 'deploy',
        reason: 'deploy refused the connection: nothing listens there',
        reachedTarget: false,
      });
    });

    it('reports a host DNS does not know', async () => {
      const resolve: ResolveAddresses = async hostname => {
        const error: NodeJS.ErrnoException = new Error(
          `getaddrinfo ENOTFOUND ${hostname}`,
        );
        error.code = 'ENOTFOUND';
        throw error;
      };
      const result = show(
        await execute(
          executor([local({ host: 'hooks.example.invalid:8443' })], resolve),
        ),
      );
      expect(result).toMatchObject({
        ok: false,
        reason:
          'hooks.example.invalid (webhook deploy) could not be resolved (DNS ENOTFOUND)',
        reachedTarget: false,
      });
    });
  });

  describe('choosing the webhook', () => {
    let server: Awaited<ReturnType<typeof receiver>>;
    let subject: WebhookExecutor;
    beforeAll(async () => {
      server = await receiver();
      subject = executor([
        local(server),
        local(server, { name: 'deploy-staging' }),
      ]);
    });
    afterAll(() => server.stop());

    it('refuses an entity without the annotation, naming it and the webhooks', async () => {
      const result = show(
        await subject.execute({ action: ACTION, attempt: 1, entity: entity() }),
      );
      expect(result).toEqual({
        ok: false,
        reason:
          'component:default/payments-api has no rollback-guard/action-webhook annotation, so there is nowhere to send its actions; the webhooks in rollbackGuard.actions.webhooks are deploy, deploy-staging',
        reachedTarget: false,
      });
      expect(server.connections()).toBe(0);
    });

    it('refuses a name that is not configured, and a URL in its place', async () => {
      for (const value of ['deploy-prod', `http://${server.host}/hooks`]) {
        const result = show(await execute(subject, { webhook: value }));
        expect(result).toEqual({
          ok: false,
          reason: expect.stringContaining(
            `rollback-guard/action-webhook of component:default/payments-api names "${value}", which is not configured; the webhooks in rollbackGuard.actions.webhooks are deploy, deploy-staging`,
          ),
          reachedTarget: false,
        });
      }
      expect(
        show(await execute(executor([]), { webhook: 'deploy' })),
      ).toMatchObject({
        reason: expect.stringContaining(
          'rollbackGuard.actions.webhooks has no webhooks',
        ),
      });
      expect(server.connections()).toBe(0);
    });

    it('calls the one the annotation names', async () => {
      expect(subject.webhookFor(entity(' deploy-staging '))).toEqual({
        ok: true,
        webhook: 'deploy-staging',
      });
      await expect(
        execute(subject, { webhook: 'deploy-staging' }),
      ).resolves.toMatchObject({ ok: true, target: 'deploy-staging' });
    });

    it('executes only approved actions, for their own entity', async () => {
      const before = server.connections();
      for (const action of [
        { ...ACTION, status: 'expired' as const },
        { ...ACTION, status: 'rejected' as const },
        { ...ACTION, approvals: ACTION.approvals.slice(1) },
      ]) {
        await expect(
          shownIfThrown(
            subject.execute({ action, attempt: 1, entity: entity('deploy') }),
          ),
        ).rejects.toBeInstanceOf(ConflictError);
      }
      await expect(
        shownIfThrown(
          subject.execute({
            action: { ...ACTION, entityRef: 'component:default/orders-api' },
            attempt: 1,
            entity: entity('deploy'),
          }),
        ),
      ).rejects.toBeInstanceOf(InputError);
      for (const attempt of [0, -1, 1.5]) {
        await expect(
          shownIfThrown(execute(subject, { attempt })),
        ).rejects.toThrow('attempt must be a positive whole number');
      }
      expect(server.connections()).toBe(before);

      // The copy the workflow hands over may predate the approval that
      // completed it: the approvals decide.
      await expect(
        subject.execute({
          action: { ...ACTION, status: 'requested' },
          attempt: 1,
          entity: entity('deploy'),
        }),
      ).resolves.toMatchObject({ ok: true });
    });
  });

  describe('the address rule', () => {
    let server: CountingServer;
    beforeAll(async () => {
      server = await startCountingServer();
    });
    afterAll(() => server.stop());

    it('refuses a private address before connecting, unless allowed', async () => {
      const before = server.connections();
      const result = show(
        await execute(
          executor([local(server, { allowPrivateAddresses: false })]),
        ),
      );
      expect(result).toEqual({
        ok: false,
        target: 'deploy',
        reason:
          'refused to call deploy: 127.0.0.1 is a loopback address; set allowPrivateAddresses: true on its rollbackGuard.actions.webhooks entry if the webhook is meant to be internal',
        reachedTarget: false,
      });
      expect(server.connections()).toBe(before);
    });

    it('applies to what a name resolves to when connecting', async () => {
      const resolve: ResolveAddresses = async () => [
        { address: '127.0.0.1', family: 4 },
      ];
      const named = (allowPrivateAddresses: boolean) =>
        executor(
          [
            local(
              { host: `hooks.internal.test:${server.port}` },
              { allowPrivateAddresses },
            ),
          ],
          resolve,
        );
      const before = server.connections();
      expect(show(await execute(named(false)))).toMatchObject({
        ok: false,
        reason: expect.stringContaining(
          'hooks.internal.test (127.0.0.1) is a loopback address',
        ),
        reachedTarget: false,
      });
      expect(server.connections()).toBe(before);

      await expect(execute(named(true))).resolves.toMatchObject({ ok: true });
      expect(server.connections()).toBe(before + 1);
    });
  });

  describe('configuration', () => {
    const base = {
      name: 'deploy',
      url: 'https://hooks.example.com/rollback',
      secret: SECRET,
    };

    it.each<[string, JsonObject[], string | RegExp]>([
      [
        'a duplicate name',
        [base, { ...base, url: 'https://other.example.com/x' }],
        'rollbackGuard.actions.webhooks[1].name "deploy" is configured twice',
      ],
      [
        'a name an annotation cannot hold',
        [{ ...base, name: 'Deploy Prod' }],
        /webhooks\[0\]\.name "Deploy Prod" must be lowercase letters/,
      ],
      [
        'a URL that is not one',
        [{ ...base, url: 'hooks.example.com/rollback' }],
        'rollbackGuard.actions.webhooks "deploy": url is not a valid absolute URL',
      ],
      [
        'no URL',
        [{ name: 'deploy', secret: SECRET }],
        'rollbackGuard.actions.webhooks "deploy": url is missing',
      ],
      [
        'plain http without insecure',
        [{ ...base, url: 'http://hooks.example.com/rollback' }],
        /url must use https; plain http is allowed only with insecure: true/,
      ],
      [
        'another scheme',
        [{ ...base, url: 'ftp://hooks.example.com/rollback', insecure: true }],
        'url must use https, got ftp',
      ],
      [
        'credentials in the URL',
        [{ ...base, url: `https://ci:${TOKEN}@hooks.example.com/rollback` }],
        'url must not carry credentials',
      ],
      [
        'no secret',
        [{ name: 'deploy', url: base.url }],
        'rollbackGuard.actions.webhooks "deploy": secret is missing',
      ],
      ['an empty secret', [{ ...base, secret: '  ' }], 'secret is missing'],
      [
        'an unknown format',
        [{ ...base, format: 'gitlab' }],
        'format must be one of generic, github-workflow-dispatch, got "gitlab"; a module adds formats',
      ],
      [
        'a ref on a generic webhook',
        [{ ...base, ref: 'main' }],
        'ref is not a setting of format generic; it belongs to format github-workflow-dispatch',
      ],
      [
        'a GitHub URL that is not a dispatch endpoint',
        [
          {
            ...base,
            format: 'github-workflow-dispatch',
            token: TOKEN,
            url: 'https://api.github.com/repos/acme/payments/dispatches',
          },
        ],
        /needs the url of GitHub's workflow dispatch endpoint/,
      ],
      [
        'a GitHub dispatch without a token',
        [
          {
            ...base,
            format: 'github-workflow-dispatch',
            url: 'https://api.github.com/repos/acme/payments/actions/workflows/rollback.yml/dispatches',
          },
        ],
        /needs token/,
      ],
      [
        'a token that cannot be a header',
        [{ ...base, token: `${TOKEN}\nX-Evil: 1` }],
        'token must be non-empty printable ASCII',
      ],
      [
        'a timeout of zero',
        [{ ...base, timeoutMs: 0 }],
        'timeoutMs must be a whole number of milliseconds from 1 to 600000, got 0',
      ],
    ])('rejects %s, naming the setting', (_, webhooks, message) => {
      let error: unknown;
      try {
        executor(webhooks);
      } catch (e) {
        error = show(e);
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    });

    it('accepts a GitHub Enterprise Server dispatch endpoint', () => {
      expect(
        executor([
          {
            ...base,
            format: 'github-workflow-dispatch',
            token: TOKEN,
            url: 'https://github.example.com/api/v3/repos/acme/payments/actions/workflows/42/dispatches',
          },
        ]).webhookNames(),
      ).toEqual(['deploy']);
    });

    it('keeps the secret and token out of everything it shows', () => {
      const subject = executor([{ ...base, token: TOKEN }]);
      const text = show(
        [
          JSON.stringify(subject),
          inspect(subject, { depth: 10, showHidden: true }),
        ].join('\n'),
      );
      expect(text).toContain('deploy');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
    });
  });

  describe('what it shows', () => {
    it('never repeats the secret or token a webhook echoes back', async () => {
      const server = await receiver((req, res) => {
        const echoed = `${req.headers.authorization} key=${SECRET}`;
        res.writeHead(401, `Refused ${TOKEN}`);
        res.end(`${echoed} ${echoed}`);
      });
      try {
        const result = show(
          await execute(executor([local(server, { token: TOKEN })])),
        );
        expect(result).toMatchObject({
          ok: false,
          status: 401,
          reason:
            'deploy answered 401 Refused ***: Bearer *** key=*** Bearer *** key=***',
        });
      } finally {
        await server.stop();
      }
    });

    // Runs last: Jest runs a file's tests in order.
    it('never showed the secret or token in any result or error above', () => {
      expect(shown.length).toBeGreaterThan(30);
      const all = shown.join('\n');
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain(TOKEN);
    });
  });
});
