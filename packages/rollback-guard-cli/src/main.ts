import { parseArgs, ParseArgsConfig } from 'node:util';
import { RollbackGuardClient } from './client';
import { canIRollBack } from './commands/canIRollBack';
import { record } from './commands/record';
import { CliError, EXIT } from './errors';
import { Io } from './io';

const CONNECTION = {
  url: { type: 'string' },
  'token-env': { type: 'string' },
  retries: { type: 'string' },
} as const;

const EVIDENCE = {
  migrations: { type: 'string' },
  'migrations-tool': { type: 'string' },
  api: { type: 'string', multiple: true },
} as const;

const OPTIONS = {
  record: {
    ...CONNECTION,
    ...EVIDENCE,
    id: { type: 'string' },
    entity: { type: 'string' },
    environment: { type: 'string' },
    version: { type: 'string' },
    strategy: { type: 'string' },
    state: { type: 'string' },
    'artifact-ref': { type: 'string' },
    'artifact-digest': { type: 'string' },
    commit: { type: 'string' },
    'triggered-by': { type: 'string' },
    traffic: { type: 'string' },
    progress: { type: 'string' },
    'started-at': { type: 'string' },
    'finished-at': { type: 'string' },
    message: { type: 'string' },
    sbom: { type: 'string', multiple: true },
    'sbom-ref': { type: 'string', multiple: true },
  },
  'can-i-roll-back': {
    ...CONNECTION,
    ...EVIDENCE,
    entity: { type: 'string' },
    environment: { type: 'string' },
    'to-version': { type: 'string' },
    dialect: { type: 'string' },
    'baseline-dir': { type: 'string' },
    'fail-on': { type: 'string' },
    json: { type: 'boolean' },
  },
} satisfies Record<string, ParseArgsConfig['options']>;

export const USAGE = `Usage: rollback-guard <command> [flags]

Commands
  record            Record a deployment with its evidence, or a state change
  can-i-roll-back   Before a release ships: what going back from it would break

Connection (both commands)
  --url URL           the backend's Rollback Guard API (default: $ROLLBACK_GUARD_URL),
                      e.g. https://backstage.example.com/api/rollback-guard
  --token-env NAME    the variable holding the CI token (default: ROLLBACK_GUARD_TOKEN)
  --retries N         retries of a failed or 5xx request, with backoff (default: 4)

record (a deployment)
  --id ID --entity REF --environment ENV --version V --strategy S
  [--state pending|progressing|paused|succeeded|failed|aborted|rolled-back]
  [--artifact-ref REF] [--artifact-digest sha256:...] [--commit SHA]
  [--triggered-by WHO] [--traffic 0-100] [--progress 0-100]
  [--started-at ISO] [--finished-at ISO]
  [--migrations DIR --migrations-tool flyway|golang-migrate|prisma|sqlx|sql]
  [--api NAME=FILE]... [--sbom FILE]... [--sbom-ref REF]...
record (a state change of deployment ID)
  --id ID --state STATE [--traffic 0-100] [--progress 0-100] [--message TEXT]

can-i-roll-back
  --entity REF --environment ENV [--to-version V (default: what runs there now)]
  [--migrations DIR --migrations-tool TOOL] [--dialect postgresql|mysql]
  [--api NAME=FILE]... [--baseline-dir DIR (a checkout of the version to go back to)]
  [--fail-on low|medium|high|blocked] [--json]

Exit codes: 0 ok, 1 --fail-on reached, 2 bad input (flags, files, or refused
by the backend), 3 the backend could not be reached.
`;

/**
 * Runs one command; resolves to its exit code. Errors are written to
 * `io.stderr` in one line, never thrown.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    io.stdout.write(USAGE);
    return command ? EXIT.ok : EXIT.badInput;
  }
  if (command !== 'record' && command !== 'can-i-roll-back') {
    io.stderr.write(
      `rollback-guard: unknown command "${command}"; use record or can-i-roll-back (--help)\n`,
    );
    return EXIT.badInput;
  }
  try {
    let values: Record<string, unknown>;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: OPTIONS[command],
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new CliError(`${(error as Error).message} (--help for usage)`);
    }
    const client = RollbackGuardClient.fromFlags(values, io);
    if (command === 'record') {
      await record(values, client, io);
      return EXIT.ok;
    }
    return await canIRollBack(values, client, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`rollback-guard: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `rollback-guard: ${(error as Error).stack ?? String(error)}\n`,
    );
    return EXIT.unavailable;
  }
}
