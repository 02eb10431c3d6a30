import { ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

/** Whether Debian's `prometheus` (with `promtool`) is installed. */
export function prometheusAvailable(): boolean {
  try {
    accessSync(PROMETHEUS, constants.X_OK);
    accessSync(PROMTOOL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `describe` for suites that need the real Prometheus: skipped with a
 * message on a developer machine without it; in CI, where these tests are
 * mandatory, it throws, failing the file.
 */
export function prometheusDescribe(): jest.Describe {
  if (prometheusAvailable()) return describe;
  const missing =
    'missing package prometheus (apt-get install prometheus: it brings promtool)';
  if (process.env.CI) {
    throw new Error(
      `The real-Prometheus tests are mandatory in CI; ${missing}`,
    );
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${missing}`);
  return describe.skip;
}

/** A free TCP port on 127.0.0.1 (nothing listens on it once returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One series of OpenMetrics samples: (unix seconds, value). */
export type TestSeries = {
  name: string;
  labels: Record<string, string>;
  samples: Array<[number, number]>;
};

/** The series as OpenMetrics text, grouped by family, ending `# EOF`. */
export function toOpenMetrics(
  families: Array<{
    family: string;
    type: 'counter' | 'gauge';
    series: TestSeries[];
  }>,
): string {
  const lines: string[] = [];
  for (const { family, type, series } of families) {
    lines.push(`# TYPE ${family} ${type}`);
    for (const { name, labels, samples } of series) {
      const labelText = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/["\\]/g, c => `\\${c}`)}"`)
        .join(',');
      for (const [time, value] of samples) {
        lines.push(`${name}{${labelText}} ${value} ${time}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export type TestPrometheus = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
};

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  logPath: string,
  headers: Record<string, string>,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(
        `prometheus exited with ${child.exitCode}:\n${log.slice(-2000)}`,
      );
    }
    try {
      const response = await fetch(`${url}/-/ready`, { headers });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`prometheus was not ready at ${url} within 30 s`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * Starts a real Prometheus on 127.0.0.1 at a free port, on its own data
 * directory into which `openMetrics` was backfilled with `promtool tsdb
 * create-blocks-from openmetrics`.
 */
export async function startTestPrometheus(
  openMetrics: string,
  options: {
    /** Basic auth on every endpoint (Prometheus's web config), bcrypt-hashed. */
    basicAuth?: { username: string; password: string; bcryptHash: string };
  } = {},
): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'rollback-guard-prometheus-'));
  const dataDir = join(dir, 'data');
  const inputPath = join(dir, 'series.om');
  const configPath = join(dir, 'prometheus.yml');
  const logPath = join(dir, 'prometheus.log');
  const webConfigPath = join(dir, 'web.yml');
  const { basicAuth } = options;
  if (basicAuth) {
    await writeFile(
      webConfigPath,
      `basic_auth_users:\n  ${basicAuth.username}: ${basicAuth.bcryptHash}\n`,
    );
  }
  await writeFile(inputPath, openMetrics);
  await writeFile(
    configPath,
    'global:\n  scrape_interval: 1m\nscrape_configs: []\n',
  );
  await run(PROMTOOL, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    inputPath,
    dataDir,
  ]);
  const port = await freePort();
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      PROMETHEUS,
      [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=10y',
        ...(basicAuth ? [`--web.config.file=${webConfigPath}`] : []),
      ],
      { stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(
      url,
      child,
      logPath,
      basicAuth
        ? {
            Authorization: `Basic ${Buffer.from(
              `${basicAuth.username}:${basicAuth.password}`,
            ).toString('base64')}`,
          }
        : {},
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
