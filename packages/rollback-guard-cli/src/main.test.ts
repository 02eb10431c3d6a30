import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import catalogBackend from '@backstage/plugin-catalog-backend';
import rollbackGuardPlugin from '@rollback-guard/plugin-rollback-guard-backend';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  catalogComponent,
  catalogEntitiesModule,
} from '@internal/rollback-guard-test-harness';
import { main } from './main';

// The command against a real backend (the Rollback Guard plugin and a real
// catalog), over real HTTP, as a pipeline runs it: with the real auth
// service and a static CI token limited to the plugin, as in app-config.yaml.

const CI_TOKEN = 'rollback-guard-test-ci-token';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const FULFILMENT = 'component:default/fulfilment-api';

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

let server: Server;
let baseUrl: string;
let work: string;

function env(extra: Record<string, string> = {}) {
  return {
    ROLLBACK_GUARD_URL: baseUrl,
    ROLLBACK_GUARD_TOKEN: CI_TOKEN,
    ROLLBACK_GUARD_RETRY_DELAY_MS: '10',
    ...extra,
  };
}

/** Runs the command in-process; what it printed and its exit code. */
async function run(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? env(),
    cwd: options.cwd ?? work,
  });
  return { code, stdout, stderr };
}

/** A workspace directory with these files. */
function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(work, 'ws-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const example = (...parts: string[]) =>
  fs.readFileSync(path.join(EXAMPLES, ...parts), 'utf8');

async function deployments(entityRef: string) {
  const res = await request(server)
    .get('/api/rollback-guard/deployments')
    .query({ entityRef })
    .set('Authorization', `Bearer ${CI_TOKEN}`);
  return res.body.items as Array<Record<string, any>>;
}

/** Waits until the catalog serves the entity (it ingests in the background). */
async function untilInCatalog(name: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await request(server)
      .get('/api/rollback-guard/summary')
      .query({ entityRef: `component:default/${name}` })
      .set('Authorization', `Bearer ${CI_TOKEN}`);
    if (res.status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} never reached the catalog: ${res.text}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-cli-'));
  ({ server } = await startTestBackend({
    features: [
      authServiceFactory,
      httpAuthServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: CI_TOKEN, subject: 'test-ci' },
                  accessRestrictions: [{ plugin: 'rollback-guard' }],
                },
              ],
            },
          },
        },
      }),
      rollbackGuardPlugin,
      catalogBackend,
      catalogEntitiesModule(
        ['fulfilment-api', 'payments-api', 'orders-api'].map(name =>
          catalogComponent(name, 'group:default/team', {
            'rollback-guard/environments': 'staging, production',
          }),
        ),
      ),
    ],
  }));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/api/rollback-guard`;
  for (const name of ['fulfilment-api', 'payments-api', 'orders-api']) {
    await untilInCatalog(name);
  }
}, 60_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('rollback-guard record', () => {
  const fulfilment = (version: string, dir: string, extra: string[] = []) => [
    'record',
    '--id',
    `fulfilment-${version}`,
    '--entity',
    FULFILMENT,
    '--environment',
    'production',
    '--version',
    version,
    '--strategy',
    'rolling',
    '--migrations',
    path.join(dir, 'migrations'),
    '--migrations-tool',
    'sql',
    ...extra,
  ];

  it('records a deployment with its migrations, sending each content once, and replays idempotently', async () => {
    const v1 = workspace({
      'migrations/001_create_orders.sql': example(
        'migrations/fulfilment-api/001_create_orders.sql',
      ),
    });
    const first = await run(
      fulfilment('1.0.0', v1, [
        '--state',
        'succeeded',
        '--commit',
        '7c3d2e1',
        '--artifact-ref',
        'registry.example.com/shop/fulfilment-api:1.0.0',
        '--artifact-digest',
        `sha256:${'a'.repeat(64)}`,
      ]),
    );
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      `Recorded deployment fulfilment-1.0.0: ${FULFILMENT} 1.0.0 in production, 1 evidence item (1 sent with content, 0 by SHA-256)\n`,
    );

    const replay = await run(
      fulfilment('1.0.0', v1, ['--state', 'succeeded', '--commit', '7c3d2e1']),
    );
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(
      'Deployment fulfilment-1.0.0 was already recorded; nothing changed\n',
    );

    const v2 = workspace({
      'migrations/001_create_orders.sql': example(
        'migrations/fulfilment-api/001_create_orders.sql',
      ),
      'migrations/002_drop_orders_legacy_ref.sql': example(
        'migrations/fulfilment-api/002_drop_orders_legacy_ref.sql',
      ),
    });
    const second = await run(
      fulfilment('1.1.0', v2, ['--state', 'progressing']),
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      '2 evidence items (1 sent with content, 1 by SHA-256)',
    );

    const recorded = await deployments(FULFILMENT);
    expect(recorded.map(d => d.version)).toEqual(['1.1.0', '1.0.0']);
    expect(recorded[1]).toMatchObject({
      state: 'succeeded',
      sourceCommit: '7c3d2e1',
      artifact: { digest: `sha256:${'a'.repeat(64)}` },
    });
    expect(recorded[0].evidence.map((e: any) => e.name)).toEqual([
      '001_create_orders.sql',
      '002_drop_orders_legacy_ref.sql',
    ]);
  });

  it('records state changes, and says which change the ledger refuses', async () => {
    const ws = workspace({
      'openapi.yaml': example('apis/payments-api-1.4.yaml'),
    });
    const recorded = await run(
      [
        'record',
        '--id',
        'payments-1.4.2',
        '--entity',
        'component:default/payments-api',
        '--environment',
        'production',
        '--version',
        '1.4.2',
        '--strategy',
        'canary',
        '--state',
        'progressing',
        '--traffic',
        '5',
        '--api',
        'api:default/payments-api=openapi.yaml',
      ],
      { cwd: ws },
    );
    expect(recorded.code).toBe(0);
    const changed = await run([
      'record',
      '--id',
      'payments-1.4.2',
      '--state',
      'succeeded',
      '--traffic',
      '100',
    ]);
    expect(changed).toMatchObject({
      code: 0,
      stdout: 'Deployment payments-1.4.2 is succeeded\n',
    });
    const [deployment] = await deployments('component:default/payments-api');
    expect(deployment).toMatchObject({
      state: 'succeeded',
      trafficPercent: 100,
    });
    expect(deployment.evidence).toEqual([
      expect.objectContaining({
        kind: 'api-definition',
        name: 'api:default/payments-api',
        mediaType: 'application/vnd.oai.openapi+yaml',
      }),
    ]);

    const back = await run([
      'record',
      '--id',
      'payments-1.4.2',
      '--state',
      'progressing',
    ]);
    expect(back.code).toBe(2);
    expect(back.stderr).toMatch(
      /^rollback-guard: The state change of payments-1.4.2 answered 409: .*succeeded/,
    );
  });

  it('gives bad input a clear error and exit code 2, recording nothing', async () => {
    const before = (await deployments('component:default/orders-api')).length;
    const base = [
      'record',
      '--id',
      'orders-1',
      '--entity',
      'component:default/orders-api',
      '--environment',
      'production',
      '--version',
      '1.0.0',
      '--strategy',
      'rolling',
    ];
    const cases: Array<[string[], string | RegExp, Record<string, string>?]> = [
      [
        [...base, '--traffic', '150'],
        '--traffic must be a whole number from 0 to 100',
      ],
      [[...base, '--strategy', 'big-bang'], /answered 400: .*body\.strategy/],
      [
        [...base.slice(0, 6), 'Production', ...base.slice(7)],
        /answered 400: .*body\.environment/,
      ],
      [
        [...base, '--migrations', 'nowhere'],
        /Cannot read the migrations directory .*nowhere: ENOENT/,
      ],
      [
        [...base, '--api', 'openapi.yaml'],
        '--api openapi.yaml: expected NAME=FILE',
      ],
      [[...base, '--colour'], "Unknown option '--colour'"],
      [
        ['record', '--entity', 'component:default/orders-api'],
        '--id is required',
      ],
      [
        base,
        'No token: set ROLLBACK_GUARD_TOKEN',
        { ROLLBACK_GUARD_URL: baseUrl },
      ],
    ];
    for (const [args, message, environment] of cases) {
      const result = await run(args, environment ? { env: environment } : {});
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect((await deployments('component:default/orders-api')).length).toBe(
      before,
    );
  });

  it('retries when the answer is lost, and the ledger records the deployment once', async () => {
    // A proxy that forwards to the backend and drops the connection instead
    // of returning the first answer to a write, as a flaky network would.
    let dropped = 0;
    const { port } = server.address() as AddressInfo;
    const proxy = http.createServer((req, res) => {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        answer => {
          if (req.method === 'POST' && dropped === 0) {
            dropped++;
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxied = `http://127.0.0.1:${
        (proxy.address() as AddressInfo).port
      }/api/rollback-guard`;
      const result = await run(
        [
          'record',
          '--id',
          'orders-retried',
          '--entity',
          'component:default/orders-api',
          '--environment',
          'staging',
          '--version',
          '2.0.0',
          '--strategy',
          'recreate',
        ],
        { env: env({ ROLLBACK_GUARD_URL: proxied }) },
      );
      expect(dropped).toBe(1);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        /failed \(.*\); retrying in 10 ms \(1\/4\)/,
      );
      const recorded = (
        await deployments('component:default/orders-api')
      ).filter(d => d.id === 'orders-retried');
      expect(recorded).toHaveLength(1);
    } finally {
      await new Promise(resolve => proxy.close(resolve));
    }
  });
});

describe('rollback-guard can-i-roll-back', () => {
  // fulfilment-api: 1.0.0 (001) succeeded in production, recorded above.
  const release = () =>
    workspace({
      'migrations/001_create_orders.sql': example(
        'migrations/fulfilment-api/001_create_orders.sql',
      ),
      'migrations/002_drop_orders_legacy_ref.sql': example(
        'migrations/fulfilment-api/002_drop_orders_legacy_ref.sql',
      ),
    });
  const args = (extra: string[] = []) => [
    'can-i-roll-back',
    '--entity',
    FULFILMENT,
    '--environment',
    'production',
    '--migrations',
    'migrations',
    '--migrations-tool',
    'sql',
    ...extra,
  ];

  it('fails the gate on a dropped column, with the finding and what to do', async () => {
    const ws = release();
    const gated = await run(
      args(['--to-version', '1.0.0', '--fail-on', 'high']),
      {
        cwd: ws,
      },
    );
    expect(gated.stderr).toBe('');
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain(
      `If this release fails in production, going back to 1.0.0 (${FULFILMENT}): blocked risk`,
    );
    expect(gated.stdout).toContain(
      'Schema (postgresql): 1 migration since 1.0.0: 002_drop_orders_legacy_ref.sql',
    );
    expect(gated.stdout).toMatch(
      /FAIL {2}schema ban-drop-column \(blocking\) {2}002_drop_orders_legacy_ref\.sql: .*legacy_ref/,
    );
    expect(gated.stdout).toContain(
      '        ALTER TABLE orders DROP COLUMN legacy_ref\n',
    );
    expect(gated.stdout).toContain('What to do: Expand, then contract');
    expect(gated.stdout).toContain(
      'FAILED: blocked risk reaches --fail-on high',
    );

    // Without --to-version: the version that runs there now (1.1.0 is only progressing).
    const json = await run(args(['--json']), { cwd: ws });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      candidate: '1.0.0',
      risk: 'blocked',
      failed: false,
      migrationsSince: ['002_drop_orders_legacy_ref.sql'],
      findings: [
        expect.objectContaining({ rule: 'ban-drop-column', blocking: true }),
      ],
    });
  });

  it('passes a release whose migrations the previous version can live with', async () => {
    const ws = workspace({
      'migrations/001_create_orders.sql': example(
        'migrations/fulfilment-api/001_create_orders.sql',
      ),
      'migrations/002_add_note.sql':
        'ALTER TABLE orders ADD COLUMN note text;\n',
    });
    const result = await run(
      args(['--to-version', '1.0.0', '--fail-on', 'high']),
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('going back to 1.0.0');
    expect(result.stdout).toContain('Passed: low risk is below --fail-on high');
  });

  it("compares the API with the definition at the version's commit, from git", async () => {
    const repo = workspace({
      'api/openapi.yaml': example('apis/payments-api-1.4.yaml'),
    });
    const git = (...gitArgs: string[]) =>
      execFileSync('git', gitArgs, {
        cwd: repo,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'ci',
          GIT_AUTHOR_EMAIL: 'ci@example.com',
          GIT_COMMITTER_NAME: 'ci',
          GIT_COMMITTER_EMAIL: 'ci@example.com',
        },
      }).trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', '1.4.2');
    const commit = git('rev-parse', 'HEAD');
    const recorded = await run(
      [
        'record',
        '--id',
        'payments-1.4.3',
        '--entity',
        'component:default/payments-api',
        '--environment',
        'staging',
        '--version',
        '1.4.3',
        '--strategy',
        'rolling',
        '--state',
        'succeeded',
        '--commit',
        commit,
      ],
      { cwd: repo },
    );
    expect(recorded.code).toBe(0);
    // The release adds POST /payments/{id}/refunds, which 1.4.3 lacks.
    fs.writeFileSync(
      path.join(repo, 'api/openapi.yaml'),
      example('apis/payments-api-1.5.yaml'),
    );

    const result = await run(
      [
        'can-i-roll-back',
        '--entity',
        'component:default/payments-api',
        '--environment',
        'staging',
        '--api',
        'api:default/payments-api=api/openapi.yaml',
        '--fail-on',
        'high',
      ],
      { cwd: repo },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL {2}api \S+ {2}api:default\/payments-api: .*refunds/,
    );
  });

  it('says so, exit 2, for a version the ledger does not know', async () => {
    const result = await run(args(['--to-version', '0.9.0']), {
      cwd: release(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `rollback-guard: ${FULFILMENT} has no deployment of 0.9.0 in production; recorded versions: 1.1.0, 1.0.0\n`,
    );
  });

  it('runs as a plain Node command', async () => {
    const ws = release();
    const bin = path.resolve(__dirname, '../bin/rollback-guard');
    const child = spawn(
      process.execPath,
      [bin, ...args(['--to-version', '1.0.0', '--fail-on', 'high'])],
      { cwd: ws, env: { ...process.env, ...env() } },
    );
    let stdout = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    const code = await new Promise(resolve => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stdout).toContain('ban-drop-column');
  }, 30_000);
});
