import {
  Deployment,
  DeploymentHistoryPage,
  Risk,
  RISKS,
  RolloutStatus,
  RollbackGuardSummary,
} from '@rollback-guard/plugin-rollback-guard-common';
import { compareApiDefinitions } from '@rollback-guard/plugin-rollback-guard-backend-module-api-compatibility';
import { classifyMigrations } from '@rollback-guard/plugin-rollback-guard-backend-module-schema-compatibility';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, RollbackGuardClient } from '../client';
import { CliError, EXIT } from '../errors';
import {
  ApiFile,
  MIGRATION_TOOLS,
  MigrationFile,
  MigrationTool,
  readApiFiles,
  readMigrations,
  sha256Hex,
} from '../evidence';
import { Io } from '../io';

export type CanIRollBackFlags = {
  entity?: string;
  environment?: string;
  'to-version'?: string;
  migrations?: string;
  'migrations-tool'?: string;
  dialect?: string;
  api?: string[];
  'baseline-dir'?: string;
  'fail-on'?: string;
  json?: boolean;
};

/** One thing going back would meet, from either comparison. */
export type Finding = {
  area: 'schema' | 'api';
  status: 'pass' | 'warn' | 'fail' | 'unknown';
  blocking?: boolean;
  rule: string;
  /** The migration or API it is about. */
  source: string;
  message: string;
  code?: string;
};

/** What a finding adds to the risk, as the readiness engine weighs checks. */
function riskOf(finding: Finding): Risk {
  if (finding.status === 'fail') return finding.blocking ? 'blocked' : 'high';
  if (finding.status === 'warn' || finding.status === 'unknown') {
    return 'medium';
  }
  return 'low';
}

const worst = (risks: Risk[]): Risk =>
  risks.reduce<Risk>(
    (a, b) => (RISKS.indexOf(b) > RISKS.indexOf(a) ? b : a),
    'low',
  );

async function entityRefOf(client: RollbackGuardClient, entity: string) {
  const answer = await client.get<RollbackGuardSummary>('/summary', {
    entityRef: entity,
  });
  if (answer.status !== 200) {
    throw new CliError(
      `${entity}: the backend answered ${answer.status}: ${
        errorMessage(answer.body) ?? 'no message'
      }`,
    );
  }
  return answer.body as RollbackGuardSummary;
}

/** The deployment to go back to: `--to-version`, or what runs in the environment now. */
async function findCandidate(
  client: RollbackGuardClient,
  entityRef: string,
  environment: string,
  version: string | undefined,
): Promise<Deployment> {
  if (!version) {
    const rollout = await client.get<RolloutStatus>('/rollout', { entityRef });
    const env = (rollout.body as RolloutStatus).environments?.find(
      e => e.environment === environment,
    );
    const running =
      env?.current?.state === 'succeeded' ? env.current : env?.stable;
    if (!running) {
      throw new CliError(
        `No version of ${entityRef} runs in ${environment} according to the ledger; pass --to-version`,
      );
    }
    return running;
  }
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await client.get<DeploymentHistoryPage>('/deployments', {
      entityRef,
      environment,
      limit: '100',
      cursor,
    });
    if (answer.status !== 200) {
      throw new CliError(
        `Reading the deployments of ${entityRef} answered ${answer.status}: ${
          errorMessage(answer.body) ?? 'no message'
        }`,
      );
    }
    const history = answer.body as DeploymentHistoryPage;
    const matching = history.items.filter(d => d.version === version);
    const found =
      matching.find(d => d.state === 'succeeded') ?? matching[0] ?? undefined;
    if (found) return found;
    history.items.forEach(d => seen.add(d.version));
    cursor = history.nextCursor;
    if (!cursor) break;
  }
  throw new CliError(
    `${entityRef} has no deployment of ${version} in ${environment}${
      seen.size
        ? `; recorded versions: ${[...seen].slice(0, 10).join(', ')}`
        : ''
    }`,
  );
}

/** The candidate's copy of a workspace file: from --baseline-dir, or git at its commit. */
function candidateFile(
  file: string,
  candidate: Deployment,
  io: Io,
  baselineDir: string | undefined,
): { content?: string; reason?: string } {
  if (baselineDir) {
    const relative = path.relative(io.cwd, file);
    const old = path.resolve(io.cwd, baselineDir, relative);
    if (!fs.existsSync(old)) {
      return { reason: `${relative} does not exist in ${baselineDir}` };
    }
    return { content: fs.readFileSync(old, 'utf8') };
  }
  if (!candidate.sourceCommit) {
    return {
      reason: `${candidate.version} was recorded without its source commit (record --commit), and no --baseline-dir was given`,
    };
  }
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: io.cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    const relative = path.relative(top, file).split(path.sep).join('/');
    return {
      content: execFileSync(
        'git',
        ['show', `${candidate.sourceCommit}:${relative}`],
        {
          cwd: top,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 64 * 1024 * 1024,
        },
      ),
    };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    return {
      reason: `git could not show ${path.basename(file)} at ${
        candidate.sourceCommit
      } (${
        stderr.split('\n')[0] || (error as Error).message
      }); check out with full history (actions/checkout fetch-depth: 0) or pass --baseline-dir`,
    };
  }
}

async function schemaFindings(
  flags: CanIRollBackFlags,
  candidate: Deployment,
  dialect: 'postgresql' | 'mysql',
  io: Io,
): Promise<{ findings: Finding[]; since: MigrationFile[] }> {
  if (!flags.migrations) return { findings: [], since: [] };
  const tool = (flags['migrations-tool'] ?? 'sql') as MigrationTool;
  if (!MIGRATION_TOOLS.includes(tool)) {
    throw new CliError(
      `--migrations-tool ${tool} is not one of ${MIGRATION_TOOLS.join(', ')}`,
    );
  }
  const dir = path.resolve(io.cwd, flags.migrations);
  const release = readMigrations(dir, tool);

  // What the candidate shipped: the ledger's names and hashes, else the baseline checkout.
  let shipped = (candidate.evidence ?? [])
    .filter(item => item.kind === 'migration')
    .map(item => ({ name: item.name, sha256: item.sha256 }));
  if (shipped.length === 0 && flags['baseline-dir']) {
    const old = path.resolve(
      io.cwd,
      flags['baseline-dir'],
      path.relative(io.cwd, dir),
    );
    if (fs.existsSync(old)) {
      shipped = readMigrations(old, tool).map(m => ({
        name: m.name,
        sha256: sha256Hex(m.sql),
      }));
    }
  }
  if (shipped.length === 0) {
    return {
      since: [],
      findings: [
        {
          area: 'schema',
          status: 'unknown',
          rule: 'no-candidate-migrations',
          source: candidate.version,
          message: `${candidate.version} was recorded without its migrations, so which of this release's ${release.length} migrations are new cannot be told; record deployments with --migrations, or pass --baseline-dir`,
        },
      ],
    };
  }
  const shippedByName = new Map(shipped.map(m => [m.name, m.sha256]));
  const findings: Finding[] = release
    .filter(
      m =>
        shippedByName.has(m.name) &&
        shippedByName.get(m.name) &&
        shippedByName.get(m.name) !== sha256Hex(m.sql),
    )
    .map(m => ({
      area: 'schema',
      status: 'unknown',
      rule: 'edited-migration',
      source: m.name,
      message: `${m.name} differs from the one ${candidate.version} shipped: a migration was edited after it shipped, and which SQL ran cannot be told`,
    }));
  const since = release.filter(m => !shippedByName.has(m.name));
  const baseline = release.filter(
    m => shippedByName.get(m.name) === sha256Hex(m.sql),
  );
  if (since.length === 0) return { findings, since };

  const classified = await classifyMigrations({
    dialect,
    migrations: since.map(m => ({ name: m.name, sql: m.sql })),
    baseline: baseline.map(m => ({ name: m.name, sql: m.sql })),
  });
  return {
    since,
    findings: [
      ...findings,
      ...classified.map(
        (f): Finding => ({
          area: 'schema',
          status: f.status,
          blocking: f.blocking,
          rule: f.rule,
          source: f.migration,
          message: f.message,
          code: f.statement,
        }),
      ),
    ],
  };
}

async function apiFindings(
  apis: ApiFile[],
  candidate: Deployment,
  io: Io,
  baselineDir: string | undefined,
): Promise<Finding[]> {
  if (apis.length === 0) return [];
  const findings: Finding[] = [];
  for (const api of apis) {
    const old = candidateFile(api.file, candidate, io, baselineDir);
    if (old.content === undefined) {
      findings.push({
        area: 'api',
        status: 'unknown',
        rule: 'no-candidate-definition',
        source: api.name,
        message: `The definition ${candidate.version} shipped is not at hand: ${old.reason}`,
      });
      continue;
    }
    try {
      // From the release (what would be running) back to the candidate.
      const changes = await compareApiDefinitions({
        type: api.type,
        from: api.content,
        to: old.content,
      });
      for (const change of changes.filter(c => c.level !== 'info')) {
        findings.push({
          area: 'api',
          status: change.level === 'error' ? 'fail' : 'warn',
          rule: change.id,
          source: api.name,
          message: `${change.operation ? `${change.operation}: ` : ''}${
            change.message
          }`,
        });
      }
    } catch (error) {
      findings.push({
        area: 'api',
        status: 'unknown',
        rule: 'unreadable-definition',
        source: api.name,
        message: (error as Error).message,
      });
    }
  }
  return findings;
}

const MARK: Record<Finding['status'], string> = {
  fail: 'FAIL',
  warn: 'WARN',
  unknown: '????',
  pass: ' ok ',
};

const ADVICE: Record<Finding['area'], string> = {
  schema:
    'Expand, then contract: keep what the previous version reads until no version that reads it can come back (drop it in a later release).',
  api: 'Keep what consumers of this release use in the version you may go back to, or ship the API change in two steps.',
};

/**
 * `rollback-guard can-i-roll-back`: before this release ships, what going
 * back from it to the version in the environment would break, from the
 * same pure functions the schema and API compatibility checks run.
 */
export async function canIRollBack(
  flags: CanIRollBackFlags,
  client: RollbackGuardClient,
  io: Io,
): Promise<number> {
  const missing = (['entity', 'environment'] as const).filter(f => !flags[f]);
  if (missing.length > 0) {
    throw new CliError(
      `can-i-roll-back needs ${missing.map(f => `--${f}`).join(' and ')}`,
    );
  }
  if (!flags.migrations && !flags.api?.length) {
    throw new CliError(
      'Nothing to compare: give --migrations DIR (with --migrations-tool) and/or --api NAME=FILE',
    );
  }
  const failOn = flags['fail-on'] as Risk | undefined;
  if (failOn !== undefined && !RISKS.includes(failOn)) {
    throw new CliError(`--fail-on must be one of ${RISKS.join(', ')}`);
  }
  if (
    flags.dialect !== undefined &&
    flags.dialect !== 'postgresql' &&
    flags.dialect !== 'mysql'
  ) {
    throw new CliError('--dialect must be postgresql or mysql');
  }
  // Read the workspace first: a typo in a path fails before any request.
  const apis = readApiFiles(flags.api ?? [], io.cwd);
  if (
    flags['baseline-dir'] &&
    !fs.existsSync(path.resolve(io.cwd, flags['baseline-dir']))
  ) {
    throw new CliError(
      `--baseline-dir ${flags['baseline-dir']} does not exist`,
    );
  }

  const summary = await entityRefOf(client, flags.entity!);
  const entityRef = summary.entityRef;
  const annotated = summary.annotations.find(
    a => a.name === 'rollback-guard/database-dialect' && a.valid,
  )?.value;
  const dialect = (flags.dialect ?? annotated?.trim() ?? 'postgresql') as
    | 'postgresql'
    | 'mysql';
  const candidate = await findCandidate(
    client,
    entityRef,
    flags.environment!,
    flags['to-version'],
  );

  const schema = await schemaFindings(flags, candidate, dialect, io);
  const api = await apiFindings(apis, candidate, io, flags['baseline-dir']);
  const findings = [...schema.findings, ...api].sort(
    (a, b) => RISKS.indexOf(riskOf(b)) - RISKS.indexOf(riskOf(a)),
  );
  const risk = worst(findings.map(riskOf));
  const failed =
    failOn !== undefined && RISKS.indexOf(risk) >= RISKS.indexOf(failOn);

  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          entityRef,
          environment: flags.environment,
          candidate: candidate.version,
          risk,
          failOn,
          failed,
          migrationsSince: schema.since.map(m => m.name),
          findings,
        },
        null,
        2,
      )}\n`,
    );
    return failed ? EXIT.gateFailed : EXIT.ok;
  }

  const out: string[] = [
    `If this release fails in ${flags.environment}, going back to ${candidate.version} (${entityRef}): ${risk} risk`,
  ];
  if (flags.migrations) {
    out.push(
      '',
      `Schema (${dialect}): ${schema.since.length} migration${
        schema.since.length === 1 ? '' : 's'
      } since ${candidate.version}${
        schema.since.length
          ? `: ${schema.since.map(m => m.name).join(', ')}`
          : ''
      }`,
    );
  }
  const shown = findings.filter(f => f.status !== 'pass');
  for (const f of shown) {
    out.push(
      `  ${MARK[f.status]}  ${f.area} ${f.rule}${
        f.blocking ? ' (blocking)' : ''
      }  ${f.source}: ${f.message}`,
    );
    if (f.code) out.push(`        ${f.code.split('\n').join('\n        ')}`);
  }
  if (shown.length === 0) {
    out.push('  Nothing the previous version could not live with.');
  }
  const areas = [
    ...new Set(
      shown
        .filter(f => f.status === 'fail' || f.status === 'warn')
        .map(f => f.area),
    ),
  ];
  for (const area of areas) out.push('', `What to do: ${ADVICE[area]}`);
  if (failOn) {
    out.push(
      '',
      failed
        ? `FAILED: ${risk} risk reaches --fail-on ${failOn}`
        : `Passed: ${risk} risk is below --fail-on ${failOn}`,
    );
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return failed ? EXIT.gateFailed : EXIT.ok;
}
