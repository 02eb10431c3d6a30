import path from 'node:path';
import { errorMessage, RollbackGuardClient } from '../client';
import { CliError } from '../errors';
import {
  apiEvidence,
  Evidence,
  MIGRATION_TOOLS,
  MigrationTool,
  migrationEvidence,
  readApiFiles,
  readMigrations,
  sbomEvidence,
} from '../evidence';
import { Io } from '../io';

export type RecordFlags = {
  id?: string;
  entity?: string;
  environment?: string;
  version?: string;
  strategy?: string;
  state?: string;
  'artifact-ref'?: string;
  'artifact-digest'?: string;
  commit?: string;
  'triggered-by'?: string;
  traffic?: string;
  progress?: string;
  'started-at'?: string;
  'finished-at'?: string;
  message?: string;
  migrations?: string;
  'migrations-tool'?: string;
  api?: string[];
  sbom?: string[];
  'sbom-ref'?: string[];
};

const DEPLOYMENT_ONLY = [
  'version',
  'strategy',
  'artifact-ref',
  'artifact-digest',
  'commit',
  'triggered-by',
  'started-at',
  'finished-at',
  'migrations',
  'api',
  'sbom',
  'sbom-ref',
] as const;

function percent(value: string | undefined, flag: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) {
    throw new CliError(`--${flag} must be a whole number from 0 to 100`);
  }
  return n;
}

// Items the ledger refused to take by hash: `migration "002_x.sql" (sha256 …)`.
const UNSTORED =
  /(migration|api-definition|sbom) "([^"]+)" \(sha256 [a-f0-9]{64}\)/g;

function unstored(message: string): Set<string> {
  return new Set(
    [...message.matchAll(UNSTORED)].map(([, kind, name]) => `${kind}:${name}`),
  );
}

/** The evidence the flags point at, read from the workspace. */
export function collectEvidence(flags: RecordFlags, io: Io): Evidence[] {
  const items: Evidence[] = [];
  if (flags.migrations) {
    const tool = (flags['migrations-tool'] ?? 'sql') as MigrationTool;
    if (!MIGRATION_TOOLS.includes(tool)) {
      throw new CliError(
        `--migrations-tool ${tool} is not one of ${MIGRATION_TOOLS.join(
          ', ',
        )}; for tools whose migrations are code, emit their SQL into a directory and use sql`,
      );
    }
    items.push(
      ...migrationEvidence(
        readMigrations(path.resolve(io.cwd, flags.migrations), tool),
      ),
    );
  }
  items.push(...apiEvidence(readApiFiles(flags.api ?? [], io.cwd)));
  items.push(
    ...sbomEvidence(flags.sbom ?? [], flags['sbom-ref'] ?? [], io.cwd),
  );
  return items;
}

/**
 * `rollback-guard record`: records a deployment (with `--entity`) or a
 * state change of a recorded one (`--id` and `--state` alone).
 *
 * Evidence goes by SHA-256 first: the ledger keeps each content once per
 * entity, so most of a release's migrations were stored by an earlier
 * deployment. The items it does not know are sent again with their content,
 * in the same request, which is idempotent on the deployment id.
 */
export async function record(
  flags: RecordFlags,
  client: RollbackGuardClient,
  io: Io,
): Promise<void> {
  if (!flags.id) {
    throw new CliError(
      '--id is required: a deployment id that stays the same when the step is retried, e.g. gh-$GITHUB_RUN_ID-production',
    );
  }
  if (!flags.entity) {
    await changeState(flags, client, io);
    return;
  }
  const missing = (['environment', 'version', 'strategy'] as const).filter(
    flag => !flags[flag],
  );
  if (missing.length > 0) {
    throw new CliError(
      `Recording a deployment needs ${missing
        .map(flag => `--${flag}`)
        .join(', ')} (or leave out --entity to record a state change)`,
    );
  }
  if (flags.message) {
    throw new CliError('--message goes with a state change, not a deployment');
  }
  const evidence = collectEvidence(flags, io);
  const artifact =
    flags['artifact-ref'] || flags['artifact-digest']
      ? {
          ...(flags['artifact-ref']
            ? { reference: flags['artifact-ref'] }
            : {}),
          ...(flags['artifact-digest']
            ? { digest: flags['artifact-digest'].trim() }
            : {}),
        }
      : undefined;
  const body = {
    id: flags.id,
    entityRef: flags.entity,
    environment: flags.environment,
    version: flags.version,
    strategy: flags.strategy,
    ...(flags.state ? { state: flags.state } : {}),
    ...(artifact ? { artifact } : {}),
    ...(flags.commit ? { sourceCommit: flags.commit } : {}),
    ...(flags['triggered-by'] ? { triggeredBy: flags['triggered-by'] } : {}),
    ...(flags.traffic !== undefined
      ? { trafficPercent: percent(flags.traffic, 'traffic') }
      : {}),
    ...(flags.progress !== undefined
      ? { progressPercent: percent(flags.progress, 'progress') }
      : {}),
    ...(flags['started-at'] ? { startedAt: flags['started-at'] } : {}),
    ...(flags['finished-at'] ? { finishedAt: flags['finished-at'] } : {}),
  };

  const byHash = evidence.map(({ content, ...item }) =>
    item.sha256 ? item : { ...item, content },
  );
  let answer = await client.post<{ id: string; state: string }>(
    '/ledger/deployments',
    { ...body, evidence: byHash },
  );
  let sentContent = 0;
  if (answer.status === 400 && evidence.length > 0) {
    const wanted = unstored(errorMessage(answer.body) ?? '');
    if (wanted.size > 0) {
      const withContent = evidence.map(item =>
        wanted.has(`${item.kind}:${item.name}`)
          ? item
          : byHash.find(b => b.kind === item.kind && b.name === item.name)!,
      );
      sentContent = wanted.size;
      answer = await client.post('/ledger/deployments', {
        ...body,
        evidence: withContent,
      });
    }
  }
  if (answer.status !== 200 && answer.status !== 201) {
    throw new CliError(
      `Recording ${flags.id} answered ${answer.status}: ${
        errorMessage(answer.body) ?? 'no message'
      }`,
    );
  }
  const counted = evidence.length
    ? `, ${evidence.length} evidence item${
        evidence.length === 1 ? '' : 's'
      } (${sentContent} sent with content, ${
        evidence.length - sentContent
      } by SHA-256)`
    : '';
  io.stdout.write(
    answer.status === 201
      ? `Recorded deployment ${flags.id}: ${flags.entity} ${flags.version} in ${flags.environment}${counted}\n`
      : `Deployment ${flags.id} was already recorded; nothing changed\n`,
  );
}

async function changeState(
  flags: RecordFlags,
  client: RollbackGuardClient,
  io: Io,
) {
  if (!flags.state) {
    throw new CliError(
      'Give --entity, --environment, --version and --strategy to record a deployment, or --state to record a state change of deployment --id',
    );
  }
  const stray = DEPLOYMENT_ONLY.filter(flag => flags[flag] !== undefined);
  if (stray.length > 0) {
    throw new CliError(
      `${stray
        .map(flag => `--${flag}`)
        .join(
          ', ',
        )} describe a new deployment: give --entity too, or leave them out to record a state change`,
    );
  }
  const answer = await client.post<{ state: string }>(
    `/ledger/deployments/${encodeURIComponent(flags.id!)}/state`,
    {
      state: flags.state,
      ...(flags.traffic !== undefined
        ? { trafficPercent: percent(flags.traffic, 'traffic') }
        : {}),
      ...(flags.progress !== undefined
        ? { progressPercent: percent(flags.progress, 'progress') }
        : {}),
      ...(flags.message ? { message: flags.message } : {}),
    },
  );
  if (answer.status !== 200) {
    throw new CliError(
      `The state change of ${flags.id} answered ${answer.status}: ${
        errorMessage(answer.body) ?? 'no message'
      }`,
    );
  }
  io.stdout.write(`Deployment ${flags.id} is ${flags.state}\n`);
}
