#!/usr/bin/env node
/*
 * The entry point behind `npm start`, `npm test`, `npm run bench` and
 * `npm run setup`. It must run on the machine's own Node (20 or newer) with no
 * Yarn installed, so it is plain CommonJS with no dependencies.
 *
 * Set-up, done once and then skipped:
 *   1. a Node version Backstage supports (22 or 24): the running one if it
 *      qualifies, otherwise Node 22 from the npm registry into .tools/;
 *   2. Yarn from the release committed in .yarn/releases (no download);
 *   3. `yarn install`, with native addons built against the headers of the
 *      Node that will run them.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const NODE_VERSION = '22.23.3';
const SUPPORTED_NODE_MAJORS = [22, 24];
const TOOLS = path.join(ROOT, '.tools');
const STAMP = path.join(ROOT, 'node_modules', '.rollback-guard-install');
const IS_CI = Boolean(process.env.CI) && process.env.CI !== 'false';

function log(message) {
  process.stdout.write(`[rollback-guard] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[rollback-guard] ERROR: ${message}\n`);
  process.exit(1);
}

function nodeMajor(version) {
  return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/** Returns the path of a Node binary Backstage supports, installing one if needed. */
function ensureNode() {
  if (SUPPORTED_NODE_MAJORS.includes(nodeMajor(process.versions.node))) {
    return process.execPath;
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = path.join(TOOLS, `node-${NODE_VERSION}`);
  const bin = path.join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!fs.existsSync(bin)) {
    log(
      `Node ${process.versions.node} is too old for Backstage; installing Node ${NODE_VERSION} (${pkg}) from the npm registry into .tools/`,
    );
    fs.mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `${pkg}@${NODE_VERSION}`,
      ],
      { stdio: 'inherit', cwd: prefix },
    );
    if (result.status !== 0 || !fs.existsSync(bin)) {
      fail(
        `could not install ${pkg}@${NODE_VERSION}; install Node 22 or 24 yourself and run this again`,
      );
    }
  }
  return bin;
}

function yarnRelease() {
  const rc = fs.readFileSync(path.join(ROOT, '.yarnrc.yml'), 'utf8');
  const match = rc.match(/^yarnPath:\s*(.+)$/m);
  if (!match) fail('.yarnrc.yml has no yarnPath');
  return path.join(ROOT, match[1].trim());
}

/** The environment every child process gets: the chosen Node and Yarn first on PATH. */
function toolEnv(nodeBin) {
  const binDir = path.join(TOOLS, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  const shim = path.join(binDir, 'yarn');
  const shimText = `#!/bin/sh\nexec "${nodeBin}" "${yarnRelease()}" "$@"\n`;
  if (!fs.existsSync(shim) || fs.readFileSync(shim, 'utf8') !== shimText) {
    fs.writeFileSync(shim, shimText, { mode: 0o755 });
  }
  const env = { ...process.env };
  env.PATH = [binDir, path.dirname(nodeBin), process.env.PATH].join(
    path.delimiter,
  );
  // npm exports its own config to scripts; on this kind of machine that
  // includes nodedir=/usr, the headers of the system Node, which are wrong
  // for the Node that will load the native addons (better-sqlite3,
  // isolated-vm). Point node-gyp at the matching headers instead.
  const nodeDir = path.resolve(path.dirname(nodeBin), '..');
  if (fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_version.h'))) {
    env.npm_config_nodedir = nodeDir;
  } else {
    delete env.npm_config_nodedir;
  }
  // Yarn does not read npm's configuration: carry over the CA bundle npm is
  // told to trust (machines behind a TLS-inspecting proxy need it).
  const cafile = env.npm_config_cafile;
  if (cafile && fs.existsSync(cafile)) {
    env.YARN_HTTPS_CA_FILE_PATH = env.YARN_HTTPS_CA_FILE_PATH || cafile;
    env.NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS || cafile;
  }
  delete env.NODE_OPTIONS;
  return env;
}

function installFingerprint(nodeBin) {
  const hash = crypto.createHash('sha256');
  hash.update(spawnSync(nodeBin, ['--version']).stdout || '');
  for (const file of ['yarn.lock', '.yarnrc.yml', 'package.json']) {
    hash.update(fs.readFileSync(path.join(ROOT, file)));
  }
  for (const dir of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(ROOT, dir)).sort()) {
      const pkg = path.join(ROOT, dir, name, 'package.json');
      if (fs.existsSync(pkg)) hash.update(fs.readFileSync(pkg));
    }
  }
  return hash.digest('hex');
}

function ensureDependencies(nodeBin, env) {
  const fingerprint = installFingerprint(nodeBin);
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === fingerprint) {
    return;
  }
  log('installing dependencies with Yarn (the first run takes a few minutes)');
  const args = ['install'];
  if (IS_CI) args.push('--immutable');
  const result = spawnSync('yarn', args, { stdio: 'inherit', cwd: ROOT, env });
  if (result.status !== 0) fail('yarn install failed');
  fs.writeFileSync(STAMP, fingerprint);
}

function setup() {
  const started = Date.now();
  const nodeBin = ensureNode();
  const env = toolEnv(nodeBin);
  ensureDependencies(nodeBin, env);
  log(
    `set-up ready in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s (Node ${spawnSync(nodeBin, ['--version']).stdout.toString().trim()})`,
  );
  return { nodeBin, env };
}

function run(command, args, env, extra = {}) {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      cwd: ROOT,
      env,
      ...extra,
    });
    child.on('exit', (code, signal) => resolve(signal ? 1 : code));
    child.on('error', error => {
      process.stderr.write(`${error.message}\n`);
      resolve(1);
    });
  });
}

function canConnect(host, port) {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** Decides which databases the store tests cover, and says so. */
async function databaseCoverage(env) {
  env.BACKSTAGE_TEST_DISABLE_DOCKER = '1';
  if (!env[PG_ENV] && (await canConnect('127.0.0.1', 5432))) {
    env[PG_ENV] = 'postgresql://postgres@127.0.0.1:5432';
  }
  if (env[PG_ENV]) {
    env.ROLLBACK_GUARD_REQUIRE_POSTGRES = '1';
    const where = env[PG_ENV].replace(/\/\/[^@/]*@/, '//***@');
    return `SQLite (better-sqlite3) and PostgreSQL 15 (${where})`;
  }
  if (IS_CI) {
    fail(
      `CI is set but no PostgreSQL is reachable: set ${PG_ENV} or start PostgreSQL on 127.0.0.1:5432`,
    );
  }
  return `SQLite only. PostgreSQL SKIPPED: set ${PG_ENV} or run PostgreSQL on 127.0.0.1:5432`;
}

function findChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
  return candidates.find(candidate => fs.existsSync(candidate));
}

async function test(passThrough) {
  const { env } = setup();
  env.CI = 'true'; // jest without watch mode, as in CI
  const results = [];
  const step = async (name, command, args, stepEnv = env) => {
    const started = Date.now();
    log(`── ${name}`);
    const code = await run(command, args, stepEnv);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    results.push({ name, status: code === 0 ? 'passed' : 'FAILED', seconds });
    return code === 0;
  };
  const skip = (name, why) => results.push({ name, status: `SKIPPED: ${why}` });

  const coverage = await databaseCoverage(env);
  log(`store tests cover: ${coverage}`);
  // The health tests run against a real Prometheus (mandatory in CI).
  const prometheus =
    fs.existsSync('/usr/bin/prometheus') && fs.existsSync('/usr/bin/promtool')
      ? 'a real Prometheus (/usr/bin/prometheus)'
      : `SKIPPED${IS_CI ? ' (FAILS in CI)' : ''}: apt-get install prometheus`;
  log(`health tests: ${prometheus}`);

  await step('type check (tsc)', 'yarn', ['tsc']);
  await step('lint', 'yarn', ['backstage-cli', 'repo', 'lint']);
  await step('unit, API and store tests (jest)', 'yarn', [
    'backstage-cli',
    'repo',
    'test',
    '--ci',
    ...passThrough,
  ]);

  const chromium = findChromium();
  if (chromium) {
    const e2eEnv = { ...env, CHROMIUM_PATH: chromium };
    if (
      await step(
        'build the app for the browser test',
        'node',
        ['scripts/build-app.js'],
        e2eEnv,
      )
    ) {
      await step(
        'browser test (Playwright + Chromium)',
        'yarn',
        ['playwright', 'test'],
        e2eEnv,
      );
    }
  } else if (IS_CI) {
    results.push({
      name: 'browser test',
      status: 'FAILED: no Chromium (apt-get install chromium)',
    });
  } else {
    skip(
      'browser test',
      'no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)',
    );
  }

  log('── summary');
  log(`databases: ${coverage}`);
  log(`health tests: ${prometheus}`);
  for (const r of results) {
    log(
      `${r.status.padEnd(8)} ${r.name}${r.seconds ? ` (${r.seconds} s)` : ''}`,
    );
  }
  const failed = results.some(r => r.status.startsWith('FAILED'));
  process.exit(failed ? 1 : 0);
}

async function start() {
  const { env } = setup();
  // The example deployments go in through the ledger API once the backend
  // answers; the portal keeps running whatever the seeding does.
  run('node', ['scripts/seed-ledger.js'], env);
  process.exit(await run('yarn', ['backstage-cli', 'repo', 'start'], env));
}

async function bench() {
  const { env } = setup();
  await databaseCoverage(env);
  process.exit(await run('node', ['bench/run.js'], env));
}

const [command = 'setup', ...rest] = process.argv.slice(2);
const commands = {
  setup: async () => setup(),
  start,
  test: () => test(rest),
  bench,
};
if (!commands[command]) {
  fail(
    `unknown command "${command}"; use one of ${Object.keys(commands).join(
      ', ',
    )}`,
  );
}
commands[command]().catch(error => fail(error.stack || String(error)));
