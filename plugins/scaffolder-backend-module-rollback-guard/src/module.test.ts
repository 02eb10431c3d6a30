import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  BackstageUserPrincipal,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
// The actions are tested against the real Rollback Guard backend they call.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  recordDeployments,
  userHeader as user,
  versionCheck,
  authWithActors,
  catalogComponent,
  catalogEntitiesModule,
  untilProcessed,
  testModule,
} from '@internal/rollback-guard-test-harness';
import scaffolderModuleRollbackGuard from './index';

// One backend for the file: the real scaffolder (dry-run endpoint and task
// worker) with this module, the real Rollback Guard backend it calls, a
// real catalog and a real permission backend whose policy refuses Mallory
// the request permission.

const ENTITY = 'component:default/payments-api';
const TEAM = 'group:default/team-payments';

class MalloryMayNotRequestPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    asker?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      query.permission.name === 'rollback-guard.action.request' &&
      asker?.info.userEntityRef === 'user:default/mallory'
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new MalloryMayNotRequestPolicy());
      },
    });
  },
});

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials) {
    const ref = (credentials.principal as BackstageUserPrincipal).userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: [ref, TEAM] };
  },
});

const CATALOG_INFO = `# The service's catalog entry
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: new-service
  annotations:
    backstage.io/techdocs-ref: dir:. # kept as written
spec:
  type: service
  lifecycle: experimental
  owner: ${TEAM}
`;

const REQUEST_STEPS = [
  {
    id: 'readiness',
    action: 'rollback-guard:readiness',
    input: {
      entityRef: '${{ parameters.entity }}',
      environment: 'production',
      candidate: '${{ parameters.candidate }}',
    },
  },
  {
    id: 'request',
    action: 'rollback-guard:request-action',
    input: {
      entityRef: '${{ parameters.entity }}',
      environment: 'production',
      kind: 'roll-back',
      targetVersion: '${{ parameters.candidate }}',
      reason: '${{ parameters.reason }}',
    },
  },
];

function template(
  name: string,
  steps: object[],
  output: object = {},
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: TEAM,
      parameters: [
        {
          type: 'object',
          properties: {
            entity: { type: 'string' },
            candidate: { type: 'string' },
            reason: { type: 'string' },
          },
        },
      ],
      steps,
      output,
    },
  } as Entity;
}

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

describe('the Rollback Guard scaffolder actions', () => {
  let server: Server;
  let templateDir: string;

  beforeAll(async () => {
    templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-template-'));
    fs.mkdirSync(path.join(templateDir, 'skeleton'));
    fs.writeFileSync(
      path.join(templateDir, 'skeleton', 'catalog-info.yaml'),
      CATALOG_INFO,
    );
    const location = `file:${path.join(templateDir, 'template.yaml')}`;
    const withLocation = (entity: Entity): Entity => ({
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'backstage.io/managed-by-location': location,
          'backstage.io/managed-by-origin-location': location,
        },
      },
    });
    const entities = [
      catalogComponent('payments-api', TEAM, {
        'rollback-guard/environments': 'production',
      }),
      withLocation(
        template(
          'request-a-rollback',
          [
            {
              id: 'fetch',
              action: 'fetch:plain',
              input: { url: './skeleton' },
            },
            {
              id: 'annotate',
              action: 'rollback-guard:annotate',
              input: { environments: ['staging', 'production'] },
            },
            ...REQUEST_STEPS,
          ],
          {
            requestId: '${{ steps.request.output.id }}',
            status: '${{ steps.request.output.status }}',
            risk: '${{ steps.readiness.output.risk }}',
            annotations: '${{ steps.annotate.output.annotations }}',
          },
        ),
      ),
    ];
    ({ server } = await startTestBackend({
      features: [
        scaffolderBackend,
        scaffolderModuleRollbackGuard,
        rollbackGuardPlugin,
        testModule('by-version', { checks: [versionCheck] }),
        catalogBackend,
        catalogScaffolderEntityModel,
        catalogEntitiesModule(entities),
        permissionBackend,
        policyModule,
        userInfo.factory,
        ...authWithActors,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component', 'Template', 'Location'] }],
            },
            rollbackGuard: {},
          },
        }),
      ],
    }));
    await untilProcessed(server, 'payments-api', user('alice'));
    // 1.0.0 blocked, 1.5.0 high, 2.0.0 low; 3.0.0 failed and runs now.
    await recordDeployments(server);
  }, 60_000);

  afterAll(() => {
    fs.rmSync(templateDir, { recursive: true, force: true });
  });

  const dryRun = (
    who: string,
    steps: object[],
    values: object,
    files: Record<string, string> = {},
  ) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', user(who))
      .send({
        template: template(
          'dry-run',
          [
            // The contents sent are the template's directory; the steps
            // work on the workspace they are fetched into.
            ...(Object.keys(files).length
              ? [
                  {
                    id: 'fetch',
                    action: 'fetch:plain',
                    input: { url: './skeleton' },
                  },
                ]
              : []),
            ...steps,
          ],
          { text: [{ title: 'Steps', content: 'done' }] },
        ),
        values,
        directoryContents: Object.entries(files).map(([p, content]) => ({
          path: `skeleton/${p}`,
          base64Content: Buffer.from(content).toString('base64'),
        })),
      });

  const fileOf = (body: any, name: string) =>
    Buffer.from(
      body.directoryContents.find((f: { path: string }) => f.path === name)
        .base64Content,
      'base64',
    ).toString('utf8');

  const logOf = (body: any) =>
    body.log.map((entry: any) => entry.body.message).join('\n');

  /** A dry run whose step failed answers with the step's error. */
  const errorOf = (res: request.Response, status = 400) => {
    expect(res.status).toBe(status);
    return res.body.error.message as string;
  };

  const listActions = async () =>
    (
      await request(server)
        .get('/api/rollback-guard/actions')
        .query({ entityRef: ENTITY })
        .set('Authorization', user('alice'))
    ).body.items as Array<Record<string, unknown>>;

  async function runTask(who: string, values: object) {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', user(who))
      .send({ templateRef: 'template:default/request-a-rollback', values });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const task = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set('Authorization', user(who));
      if (['completed', 'failed'].includes(task.body.status)) {
        const events = await request(server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
          .set('Authorization', user(who));
        const completion = events.body.find(
          (e: any) => e.type === 'completion',
        );
        return {
          status: task.body.status as string,
          output: completion?.body.output ?? {},
          log: events.body.map((e: any) => e.body.message).join('\n'),
        };
      }
      if (Date.now() > deadline) throw new Error('the task never finished');
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  describe('rollback-guard:annotate', () => {
    const annotate = (input: object) => [
      { id: 'annotate', action: 'rollback-guard:annotate', input },
    ];

    it('adds the annotations in a dry run, keeping the rest of the file as written', async () => {
      const res = await dryRun(
        'alice',
        annotate({
          environments: ['staging', 'production'],
          artifact: 'registry.example.com/team/new-service',
          actionWebhook: 'deploy-production',
          databaseDialect: 'mysql',
        }),
        {},
        { 'catalog-info.yaml': CATALOG_INFO },
      );
      expect(res.status).toBe(200);
      const written = fileOf(res.body, 'catalog-info.yaml');
      expect(written).toContain("# The service's catalog entry");
      expect(written).toContain('dir:. # kept as written');
      expect(YAML.parse(written).metadata.annotations).toEqual({
        'backstage.io/techdocs-ref': 'dir:.',
        'rollback-guard/environments': 'staging, production',
        'rollback-guard/artifact': 'registry.example.com/team/new-service',
        'rollback-guard/action-webhook': 'deploy-production',
        'rollback-guard/database-dialect': 'mysql',
      });
    });

    it("refuses invalid values with the backend's messages and writes nothing", async () => {
      const res = await dryRun(
        'alice',
        annotate({
          environments: 'Production',
          actionWebhook: 'https://ci.example.com/hook',
        }),
        {},
        { 'catalog-info.yaml': CATALOG_INFO },
      );
      const log = errorOf(res);
      expect(log).toContain(
        'rollback-guard/action-webhook must name a webhook configured in rollbackGuard.actions.webhooks, not hold a URL',
      );
      expect(log).toContain(
        'rollback-guard/environments has invalid environment name "Production"',
      );
      expect(log).toContain('catalog-info.yaml was left unchanged');
    });

    it('checks a file that is already annotated, and fails on one that is not', async () => {
      const annotated = CATALOG_INFO.replace(
        'annotations:\n',
        'annotations:\n    rollback-guard/environments: production\n    rollback-guard/provder: ledger\n',
      );
      const bad = await dryRun(
        'alice',
        annotate({ check: true }),
        {},
        { 'catalog-info.yaml': annotated },
      );
      expect(errorOf(bad)).toContain(
        'rollback-guard/provder is not a Rollback Guard annotation',
      );

      const none = await dryRun(
        'alice',
        annotate({ check: true }),
        {},
        { 'catalog-info.yaml': CATALOG_INFO },
      );
      expect(errorOf(none)).toContain(
        'component:default/new-service in catalog-info.yaml has no Rollback Guard annotations',
      );

      const good = await dryRun(
        'alice',
        annotate({ check: true }),
        {},
        {
          'catalog-info.yaml': annotated.replace(
            '    rollback-guard/provder: ledger\n',
            '',
          ),
        },
      );
      expect(good.body.steps).toBeDefined();
      expect(logOf(good.body)).toContain(
        'component:default/new-service in catalog-info.yaml: 1 Rollback Guard annotations, all valid',
      );
    });
  });

  describe('rollback-guard:readiness', () => {
    const readiness = (input: object) => [
      { id: 'readiness', action: 'rollback-guard:readiness', input },
    ];

    it('outputs the risk, the recommendation and the reasons as the user sees them', async () => {
      const res = await dryRun(
        'alice',
        readiness({ entityRef: ENTITY, environment: 'production' }),
        {},
      );
      expect(res.status).toBe(200);
      expect(logOf(res.body)).toContain(
        'Going back in production to 2.0.0: low risk',
      );

      const high = await dryRun(
        'alice',
        readiness({
          entityRef: ENTITY,
          environment: 'production',
          candidate: '1.5.0',
        }),
        {},
      );
      expect(logOf(high.body)).toContain(
        'Going back in production to 1.5.0: high risk. By version: Schema moved on',
      );
    });

    it('fails the step at failOn, and names the candidates for an unknown version', async () => {
      const gated = await dryRun(
        'alice',
        readiness({
          entityRef: ENTITY,
          environment: 'production',
          candidate: '1.0.0',
          failOn: 'high',
        }),
        {},
      );
      expect(errorOf(gated, 403)).toContain(
        'Going back in production to 1.0.0 is blocked risk (failOn: high): By version: Its image is gone',
      );

      const unknown = await dryRun(
        'alice',
        readiness({
          entityRef: ENTITY,
          environment: 'production',
          candidate: '0.9.0',
        }),
        {},
      );
      expect(errorOf(unknown)).toContain(
        '0.9.0 is not a candidate in production; the candidates are 2.0.0, 1.5.0, 1.0.0',
      );

      const noEnv = await dryRun(
        'alice',
        readiness({ entityRef: ENTITY, environment: 'staging' }),
        {},
      );
      expect(errorOf(noEnv)).toContain(
        `${ENTITY} has no deployment in "staging"; its environments with deployments are production`,
      );
    });
  });

  describe('rollback-guard:request-action', () => {
    const values = {
      entity: ENTITY,
      candidate: '2.0.0',
      reason: '3.0.0 fails half its health checks',
    };

    it('files nothing in a dry run, and says who would have to approve', async () => {
      const before = (await listActions()).length;
      const res = await dryRun('alice', REQUEST_STEPS, values);
      expect(logOf(res.body)).toContain(
        'Dry run: would request roll-back to 2.0.0 in production as user:default/alice (low risk, 1 approval needed); nothing was requested',
      );
      expect((await listActions()).length).toBe(before);
    });

    it('refuses, in a dry run, a user without the request permission', async () => {
      const res = await dryRun('mallory', REQUEST_STEPS, values);
      expect(errorOf(res, 403)).toContain(
        `user:default/mallory may not request actions on ${ENTITY}`,
      );
    });

    it('files the request as the user in a real task; it waits for approval', async () => {
      const task = await runTask('alice', values);
      expect(task.log).not.toContain('Error');
      expect(task.status).toBe('completed');
      expect(task.output).toMatchObject({
        status: 'requested',
        risk: 'low',
        annotations: {
          'rollback-guard/environments': 'staging, production',
        },
      });
      const filed = (await listActions()).find(
        a => a.id === task.output.requestId,
      );
      expect(filed).toMatchObject({
        kind: 'roll-back',
        targetVersion: '2.0.0',
        reason: '3.0.0 fails half its health checks',
        requestedBy: 'user:default/alice',
        status: 'requested',
        requiredApprovals: 1,
      });
    });

    it('is refused by the backend for a user without the request permission in a real task', async () => {
      const before = (await listActions()).length;
      const task = await runTask('mallory', values);
      expect(task.status).toBe('failed');
      expect(task.log).toContain(
        `user:default/mallory may not request actions on ${ENTITY}`,
      );
      expect((await listActions()).length).toBe(before);
    });
  });

  describe('the example templates', () => {
    const TEMPLATES = path.resolve(__dirname, '../../../examples/templates');

    /** Every file of a template's directory, as the dry-run endpoint takes them. */
    function contentsOf(dir: string, prefix = ''): object[] {
      return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const relative = `${prefix}${entry.name}`;
        const full = path.join(dir, entry.name);
        return entry.isDirectory()
          ? contentsOf(full, `${relative}/`)
          : [
              {
                path: relative,
                base64Content: fs.readFileSync(full).toString('base64'),
              },
            ];
      });
    }

    const dryRunExample = (who: string, name: string, values: object) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', user(who))
        .send({
          template: YAML.parse(
            fs.readFileSync(
              path.join(TEMPLATES, name, 'template.yaml'),
              'utf8',
            ),
          ),
          values,
          directoryContents: contentsOf(path.join(TEMPLATES, name)),
        });

    it('"Service with Rollback Guard" makes a skeleton with valid annotations and a CI workflow using the command', async () => {
      const res = await dryRunExample('alice', 'service-with-rollback-guard', {
        name: 'ledger-api',
        description: 'Keeps the books',
        owner: 'group:default/team-payments',
        environments: ['staging', 'production'],
        registry: 'registry.example.com/payments',
        databaseDialect: 'postgresql',
        actionWebhook: '',
        backstageUrl: 'https://backstage.example.com',
      });
      expect(res.body.error?.message).toBeUndefined();
      expect(res.status).toBe(200);
      const file = (name: string) =>
        Buffer.from(
          res.body.directoryContents.find((f: any) => f.path === name)
            .base64Content,
          'base64',
        ).toString('utf8');
      const [component, api] = YAML.parseAllDocuments(
        file('catalog-info.yaml'),
      ).map(doc => doc.toJS());
      expect(component.metadata.annotations).toEqual({
        'rollback-guard/environments': 'staging, production',
        'rollback-guard/artifact': 'registry.example.com/payments/ledger-api',
        'rollback-guard/database-dialect': 'postgresql',
        'rollback-guard/migrator': 'flyway',
      });
      expect(api).toMatchObject({
        kind: 'API',
        metadata: { name: 'ledger-api' },
      });

      const workflow = YAML.parse(file('.github/workflows/deploy.yml'));
      expect(workflow.env).toMatchObject({
        ROLLBACK_GUARD_URL: 'https://backstage.example.com/api/rollback-guard',
        ENTITY: 'component:default/ledger-api',
        IMAGE: 'registry.example.com/payments/ledger-api',
      });
      const steps = [
        ...workflow.jobs['can-i-roll-back'].steps,
        ...workflow.jobs.deploy.steps,
      ].map((s: any) => s.run ?? '');
      expect(steps.join('\n')).toContain(
        '$RG can-i-roll-back --entity "$ENTITY" --environment production',
      );
      expect(steps.join('\n')).toContain('$RG record --id "$DEPLOYMENT_ID"');
      // GitHub's own expressions pass through the scaffolder untouched.
      expect(workflow.jobs.deploy.env.ROLLBACK_GUARD_TOKEN).toBe(
        '${{ secrets.ROLLBACK_GUARD_CI_TOKEN }}',
      );
    });

    it('"Request a rollback" reads the readiness and, in a dry run, files nothing', async () => {
      const res = await dryRunExample('alice', 'request-a-rollback', {
        entity: ENTITY,
        environment: 'production',
        candidate: '1.5.0',
        reason: '3.0.0 fails half its health checks',
      });
      expect(res.status).toBe(200);
      const log = res.body.log.map((e: any) => e.body.message).join('\n');
      expect(log).toContain('Going back in production to 1.5.0: high risk');
      expect(log).toContain(
        'Dry run: would request roll-back to 1.5.0 in production as user:default/alice (high risk, 2 approvals needed); nothing was requested',
      );
      expect(res.body.output.text[0].content).toContain(
        'Going back is **high** risk: By version: Schema moved on',
      );
    });
  });
});
