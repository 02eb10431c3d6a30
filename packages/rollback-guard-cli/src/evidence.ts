import {
  apiDefinitionMediaType,
  ApiDefinitionType,
} from '@rollback-guard/plugin-rollback-guard-common';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';

/** An evidence item as the ledger API takes it (docs/recording-deployments.md). */
export type Evidence = {
  kind: 'migration' | 'api-definition' | 'sbom';
  name: string;
  mediaType?: string;
  sha256?: string;
  content?: string;
  reference?: string;
};

/** How a migration tool lays out its files: the ones it applies, in order. */
export const MIGRATION_TOOLS = [
  'flyway',
  'golang-migrate',
  'prisma',
  'sqlx',
  'sql',
] as const;
export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

// Versions compare as numbers, like `sort -V`: V1_10 after V1_9.
const byVersion = new Intl.Collator('en', { numeric: true }).compare;

export const sha256Hex = (content: string) =>
  crypto.createHash('sha256').update(content, 'utf8').digest('hex');

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `Cannot read ${what} ${file}: ${
        (error as NodeJS.ErrnoException).code ?? error
      }`,
    );
  }
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError(
      `Cannot read the migrations directory ${dir}: ${
        (error as NodeJS.ErrnoException).code ?? error
      }`,
    );
  }
}

/** One migration the release ships: its name (the ledger's key) and SQL. */
export type MigrationFile = { name: string; file: string; sql: string };

/**
 * The migrations in `dir`, in apply order, named as the evidence contract
 * says: the file's base name, or the directory's for Prisma.
 */
export function readMigrations(
  dir: string,
  tool: MigrationTool,
): MigrationFile[] {
  const entries = listDir(dir);
  const files = (pattern: RegExp) =>
    entries
      .filter(entry => entry.isFile() && pattern.test(entry.name))
      .map(entry => entry.name)
      .sort(byVersion)
      .map(name => ({ name, file: path.join(dir, name) }));
  let found: Array<{ name: string; file: string }>;
  switch (tool) {
    case 'flyway':
      // Versioned migrations only: undo (U) and repeatable (R) ones are not
      // part of the version's forward history.
      found = files(/^V\d+([._]\d+)*__.+\.sql$/);
      break;
    case 'golang-migrate':
      found = files(/^\d+_.+\.up\.sql$/);
      break;
    case 'sqlx':
      found = files(/^\d+_.+\.sql$/).filter(f => !/\.down\.sql$/.test(f.name));
      break;
    case 'prisma':
      found = entries
        .filter(
          entry =>
            entry.isDirectory() &&
            fs.existsSync(path.join(dir, entry.name, 'migration.sql')),
        )
        .map(entry => entry.name)
        .sort(byVersion)
        .map(name => ({ name, file: path.join(dir, name, 'migration.sql') }));
      break;
    default:
      found = files(/\.sql$/).filter(f => !/\.down\.sql$/.test(f.name));
  }
  if (found.length === 0) {
    throw new CliError(
      `No ${tool} migrations in ${dir}${
        tool === 'flyway' ? ' (V<version>__<description>.sql)' : ''
      }; check --migrations and --migrations-tool`,
    );
  }
  return found.map(({ name, file }) => ({
    name,
    file,
    sql: readText(file, 'migration'),
  }));
}

/** `NAME=FILE` pairs of `--api`: the API entity (ref or name) and its definition. */
export type ApiFile = {
  name: string;
  file: string;
  type: ApiDefinitionType;
  content: string;
};

export function apiTypeOf(
  file: string,
  content: string,
): ApiDefinitionType | undefined {
  const ext = path.extname(file).toLocaleLowerCase('en-US');
  if (ext === '.graphql' || ext === '.gql') return 'graphql';
  if (ext === '.proto') return 'grpc';
  if (/^\s*["']?(openapi|swagger)["']?\s*:/m.test(content)) return 'openapi';
  if (/^\s*["']?asyncapi["']?\s*:/m.test(content)) return 'asyncapi';
  return undefined;
}

export function readApiFiles(pairs: string[], cwd: string): ApiFile[] {
  return pairs.map(pair => {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new CliError(
        `--api ${pair}: expected NAME=FILE, e.g. api:default/payments-api=openapi.yaml`,
      );
    }
    const name = pair.slice(0, at);
    const file = path.resolve(cwd, pair.slice(at + 1));
    const content = readText(file, 'API definition');
    const type = apiTypeOf(file, content);
    if (!type) {
      throw new CliError(
        `--api ${pair}: cannot tell the definition's type; expected OpenAPI or AsyncAPI (YAML or JSON), GraphQL (.graphql) or protobuf (.proto)`,
      );
    }
    return { name, file, type, content };
  });
}

export function migrationEvidence(migrations: MigrationFile[]): Evidence[] {
  return migrations.map(m => ({
    kind: 'migration',
    name: m.name,
    mediaType: 'application/sql',
    sha256: sha256Hex(m.sql),
    content: m.sql,
  }));
}

export function apiEvidence(apis: ApiFile[]): Evidence[] {
  return apis.map(api => ({
    kind: 'api-definition',
    name: api.name,
    mediaType: apiDefinitionMediaType(api.type, api.content),
    sha256: sha256Hex(api.content),
    content: api.content,
  }));
}

export function sbomEvidence(
  files: string[],
  references: string[],
  cwd: string,
): Evidence[] {
  const items: Evidence[] = files.map(relative => {
    const file = path.resolve(cwd, relative);
    const content = readText(file, 'SBOM');
    let mediaType = 'application/octet-stream';
    if (/"bomFormat"\s*:\s*"CycloneDX"/.test(content)) {
      mediaType = 'application/vnd.cyclonedx+json';
    } else if (/"spdxVersion"\s*:/.test(content)) {
      mediaType = 'application/spdx+json';
    }
    return {
      kind: 'sbom',
      name: path.basename(file),
      mediaType,
      sha256: sha256Hex(content),
      content,
    };
  });
  return [
    ...items,
    ...references.map(
      (reference, i): Evidence => ({
        kind: 'sbom',
        name: references.length === 1 ? 'sbom' : `sbom-${i + 1}`,
        reference,
      }),
    ),
  ];
}
