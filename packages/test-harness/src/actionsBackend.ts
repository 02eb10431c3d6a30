import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ReadinessCheck } from '@rollback-guard/plugin-rollback-guard-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
// The harness starts the backend plugin it tests.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import { fakeCatalog, testEntities } from './fakeCatalog';
import { testModule } from './modules';

export const ENTITY = 'component:default/payments-api';

export const userHeader = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** Who may do what: anyone named approver-* may approve. */
const GRANTS: Record<string, string[]> = {
  'user:default/ana': ['rollback-guard.action.request'],
  'user:default/bob': ['rollback-guard.action.approve'],
  'user:default/dana': ['rollback-guard.action.approve'],
  'user:default/olga': [
    'rollback-guard.action.request',
    'rollback-guard.action.override',
    'rollback-guard.action.approve',
  ],
};

function granted(user: string | undefined, permission: string): boolean {
  if (user?.startsWith('user:default/approver-')) {
    return permission === 'rollback-guard.action.approve';
  }
  return GRANTS[user ?? '']?.includes(permission) ?? false;
}

/** Set `worse` to make 2.0.0 high risk too, as if something changed. */
export const readinessMode = { worse: false };

/** The candidates' readiness: 2.0.0 low, 1.5.0 high, 1.0.0 blocked. */
export const versionCheck: ReadinessCheck = {
  id: 'by-version',
  title: 'By version',
  async run({ candidate }) {
    if (readinessMode.worse && candidate.version === '2.0.0') {
      return {
        status: 'fail',
        summary: 'A migration since 2.0.0 dropped a column',
      };
    }
    if (candidate.version === '1.0.0') {
      return { status: 'fail', blocking: true, summary: 'Its image is gone' };
    }
    if (candidate.version === '1.5.0') {
      return { status: 'fail', summary: 'Schema moved on' };
    }
    return { status: 'pass', summary: 'Fine' };
  },
};

/** A CI endpoint of the test's own that counts what it receives. */
export async function startWebhookReceiver(
  answer: (req: http.IncomingMessage) => number = () => 204,
) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> =
    [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answer(req);
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/**
 * A backend with the plugin, a catalog whose payments-api sends its actions
 * to the `ci` webhook, the by-version check, and permissions as above; with
 * payments-api's deployments recorded unless `record` is false.
 */
export async function startActionsBackend(options: {
  webhookUrl: string;
  /** Merged into `rollbackGuard.actions`. */
  actions?: object;
  database?: object;
  auditorEvents?: Array<Record<string, unknown>>;
  /** Collects each auditor event with how it ended. */
  auditorResults?: Array<{
    meta: Record<string, unknown>;
    result: 'success' | 'failure';
  }>;
  /** More `rollbackGuard` settings (ledger, readiness...). */
  rollbackGuard?: Record<string, unknown>;
  /** Collects what would go to the notifications and signals services. */
  sent?: { notifications: unknown[]; signals: unknown[] };
  record?: boolean;
  /** Everyone may do everything (no jest mocks: usable in benchmarks). */
  allowAll?: boolean;
  /** More annotations on payments-api. */
  annotations?: Record<string, string>;
  /** payments-api names no action webhook: its provider acts. */
  withoutWebhook?: boolean;
  /** Entity names the catalog hides from a user, by user entity ref. */
  hiddenFrom?: Record<string, string[]>;
  /** Collects the scheduled tasks instead of running them. */
  tasks?: SchedulerServiceTaskInvocationDefinition[];
  /** More backend features, e.g. a module with another provider. */
  features?: BackendFeature[];
}) {
  const sent = options.sent;
  const entities = testEntities.map(entity =>
    entity.metadata.name === 'payments-api'
      ? {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              ...entity.metadata.annotations,
              ...(options.withoutWebhook
                ? {}
                : { 'rollback-guard/action-webhook': 'ci' }),
              ...options.annotations,
            },
          },
        }
      : entity,
  );
  const backend = await startTestBackend({
    features: [
      rollbackGuardPlugin,
      fakeCatalog({ entities, hiddenFrom: options.hiddenFrom }),
      ...(options.features ?? []),
      ...(options.tasks
        ? [
            mockServices.scheduler.mock({
              scheduleTask: async task => {
                options.tasks!.push(task);
              },
            }).factory,
          ]
        : []),
      testModule('by-version', { checks: [versionCheck] }),
      options.allowAll
        ? mockServices.permissions.factory({ result: AuthorizeResult.ALLOW })
        : mockServices.permissions.mock({
            authorize: async (requests, authorizeOptions) =>
              requests.map(r => {
                const principal = authorizeOptions?.credentials.principal as {
                  type?: string;
                  userEntityRef?: string;
                };
                // As the real permission client: a service without access
                // restrictions may do anything.
                if (principal.type === 'service') {
                  return { result: AuthorizeResult.ALLOW };
                }
                return {
                  result: granted(principal.userEntityRef, r.permission.name)
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
                };
              }),
          }).factory,
      ...(sent
        ? [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({
                send: async (notification: unknown) => {
                  sent.notifications.push(notification);
                },
              }),
            }),
            createServiceFactory({
              service: signalsServiceRef,
              deps: {},
              factory: () => ({
                publish: async (signal: unknown) => {
                  sent.signals.push(signal);
                },
              }),
            }),
          ]
        : []),
      ...(options.auditorEvents || options.auditorResults
        ? [
            mockServices.auditor.mock({
              createEvent: async eventOptions => {
                const meta = eventOptions.meta ?? {};
                options.auditorEvents?.push(meta);
                const end = (result: 'success' | 'failure') => async () => {
                  options.auditorResults?.push({ meta, result });
                };
                return { success: end('success'), fail: end('failure') };
              },
            }).factory,
          ]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ...(options.database
            ? { backend: { database: options.database } }
            : {}),
          permission: { enabled: true },
          rollbackGuard: {
            ...options.rollbackGuard,
            actions: {
              ...options.actions,
              webhooks: [
                {
                  name: 'ci',
                  url: options.webhookUrl,
                  secret: 'test-webhook-secret',
                  insecure: true,
                  allowPrivateAddresses: true,
                  timeoutMs: 500,
                },
              ],
            },
          },
        },
      }),
    ],
  });
  if (options.record !== false) {
    await recordDeployments(backend.server);
  }
  return backend;
}

export async function recordDeployments(server: http.Server) {
  const ci = mockCredentials.service.header();
  const deployments = [
    ['1.0.0', 'succeeded', 1],
    ['1.5.0', 'succeeded', 2],
    ['2.0.0', 'succeeded', 3],
    ['3.0.0', 'failed', 4],
  ] as const;
  for (const [version, state, day] of deployments) {
    await request(server)
      .post('/api/rollback-guard/ledger/deployments')
      .set('Authorization', ci)
      .send({
        id: `d-${version}`,
        entityRef: ENTITY,
        environment: 'production',
        version,
        strategy: 'rolling',
        state,
        startedAt: `2026-11-0${day}T00:00:00Z`,
      })
      .expect(res => {
        if (res.status !== 201 && res.status !== 200) {
          throw new Error(`recording ${version}: ${res.status} ${res.text}`);
        }
      });
  }
}

export function requestBody(overrides: Record<string, unknown> = {}) {
  return {
    entityRef: ENTITY,
    environment: 'production',
    kind: 'roll-back',
    targetVersion: '2.0.0',
    reason: '3.0.0 fails half its health checks',
    idempotencyKey: `key-${Math.random()}`,
    ...overrides,
  };
}
