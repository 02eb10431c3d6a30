import {
  ANNOTATION_DATABASE_DIALECT,
  ANNOTATION_MIGRATOR,
  CheckFinding,
  CheckStatus,
  DATABASE_DIALECTS,
  Deployment,
  MIGRATORS,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckOutcome,
  StoredEvidence,
} from '@rollback-guard/plugin-rollback-guard-node';
import { classifyMigrations, SchemaDialect, SchemaFinding } from './classify';

/** Migration tools that refuse to start on a database with a migration they lack. */
const STRICT_MIGRATORS: Record<string, string> = {
  knex: 'knex refuses to start when the database lists a migration its directory lacks ("The migration directory is corrupt, the following files are missing"), unless disableMigrationsListValidation is set',
  sqlx: 'sqlx refuses to run when the database holds a migration it cannot resolve ("migration … was previously applied but is missing in the resolved migrations")',
};

const MIGRATOR_RULE = 'migrator-refuses-unknown-migrations';

// Worst first; within one status, blocking first.
const SEVERITY: Record<CheckStatus, number> = {
  fail: 0,
  unknown: 1,
  warn: 2,
  pass: 3,
};

/** What going back means to the candidate for each rule, after "…; 1.0.0 ". */
const CONSEQUENCE: Record<string, string> = {
  'ban-drop-column': 'reads it',
  'ban-drop-table': 'reads it',
  'renaming-column': 'reads it by its old name',
  'renaming-table': 'reads it by its old name',
  'ban-drop-schema': 'reads it',
  'renaming-schema': 'reads it by its old name',
  'renaming-enum-value': 'writes the old value',
  'ban-drop-enum-value': 'may write the removed value',
  'adding-required-field': 'inserts rows without it',
  'adding-not-nullable-field': 'may leave it NULL',
  'ban-drop-default': 'relies on the default in its inserts',
  'changing-column-type': 'was built for the old type',
  [MIGRATOR_RULE]: 'would not start',
};

/** The expand/contract fix for the worst finding's rule. */
const REMEDIATION: Record<string, string> = {
  'ban-drop-column':
    'Expand/contract: restore the column (nullable) and keep it until no running version reads it, or fix forward instead of going back.',
  'ban-drop-table':
    'Expand/contract: restore the table and keep it until no running version reads it, or fix forward.',
  'renaming-column':
    'Keep both names while old versions run: add the old column back (kept in sync by a trigger) or a view with the old name, or fix forward.',
  'renaming-table':
    'Create a view under the old name before going back, or fix forward.',
  'ban-drop-schema': 'Restore the schema, or fix forward.',
  'renaming-schema':
    'Rename the schema back (or create the old one with views), or fix forward.',
  'renaming-enum-value':
    'Add the old enum value back alongside the new one, or fix forward.',
  'ban-drop-enum-value': 'Add the enum value back, or fix forward.',
  'adding-required-field':
    'Give the column a default (ALTER COLUMN … SET DEFAULT …) or make it nullable again before going back, or fix forward.',
  'adding-not-nullable-field':
    'Drop the NOT NULL (or add a default) before going back, or fix forward.',
  'ban-drop-default': 'Restore the default before going back, or fix forward.',
  'changing-column-type':
    'Change the column back to a type that holds what the old version writes, or fix forward.',
  [MIGRATOR_RULE]:
    'The old version will not start against this database: fix forward, or (knex) set disableMigrationsListValidation in the old version before it can go back.',
};

function worstFirst(a: CheckFinding, b: CheckFinding): number {
  return (
    SEVERITY[a.status] - SEVERITY[b.status] ||
    Number(Boolean(b.blocking)) - Number(Boolean(a.blocking))
  );
}

function toCheckFinding(finding: SchemaFinding, version: string): CheckFinding {
  return {
    rule: finding.rule,
    status: finding.status,
    ...(finding.blocking ? { blocking: true } : {}),
    // The classifier speaks of "the candidate"; the reader knows its version.
    message: finding.message.replace(/\bthe candidate\b/g, version),
    source: finding.migration,
    ...(finding.statement
      ? { code: finding.statement, codeLanguage: 'sql' as const }
      : {}),
    ...(finding.atlas ? { references: [finding.atlas] } : {}),
  };
}

function hasMigrations(deployment: Deployment): boolean {
  return Boolean(deployment.evidence?.some(item => item.kind === 'migration'));
}

function unknown(
  summary: string,
  remediation: string,
  details?: string,
): ReadinessCheckOutcome {
  return {
    status: 'unknown',
    summary,
    remediation,
    ...(details ? { details } : {}),
  };
}

/**
 * Options of the schema compatibility check.
 *
 * @public
 */
export type SchemaCompatibilityOptions = {
  defaultDialect?: SchemaDialect;
  defaultMigrator?: string;
};

/**
 * Would the candidate's code still work on the schema that the migrations
 * applied since it left behind? Reads the migrations CI attached to the
 * current and the candidate deployment, takes those the candidate lacks and
 * classifies them by their net effect on what the candidate reads and writes.
 *
 * @public
 */
export class SchemaCompatibilityCheck implements ReadinessCheck {
  readonly id = 'schema-compatibility';
  readonly title = 'Schema compatibility';
  readonly weight = 8;

  constructor(private readonly options: SchemaCompatibilityOptions = {}) {}

  appliesTo(context: Pick<ReadinessCheckContext, 'current' | 'candidate'>) {
    return hasMigrations(context.current) || hasMigrations(context.candidate);
  }

  async run(context: ReadinessCheckContext): Promise<ReadinessCheckOutcome> {
    const annotations = context.entity.metadata.annotations ?? {};
    const dialect =
      annotations[ANNOTATION_DATABASE_DIALECT]?.trim() ??
      this.options.defaultDialect ??
      'postgresql';
    if (!(DATABASE_DIALECTS as readonly string[]).includes(dialect)) {
      return unknown(
        `The ${ANNOTATION_DATABASE_DIALECT} annotation says "${dialect}", which this check cannot read`,
        `Set ${ANNOTATION_DATABASE_DIALECT} to one of ${DATABASE_DIALECTS.join(
          ', ',
        )}.`,
      );
    }
    const migrator =
      annotations[ANNOTATION_MIGRATOR]?.trim() ?? this.options.defaultMigrator;
    if (migrator && !(MIGRATORS as readonly string[]).includes(migrator)) {
      return unknown(
        `The ${ANNOTATION_MIGRATOR} annotation says "${migrator}", which this check does not know`,
        `Set ${ANNOTATION_MIGRATOR} to one of ${MIGRATORS.join(', ')}.`,
      );
    }

    const { current, candidate } = context;
    const [now, then] = await Promise.all([
      context.evidence.list(current, 'migration'),
      context.evidence.list(candidate, 'migration'),
    ]);
    const attach =
      'Attach every migration of each version to its deployment in CI (see docs/recording-deployments.md), then record the deployments again.';
    if (then.length === 0) {
      return unknown(
        `${candidate.version} was recorded without its migrations, so what changed since cannot be told`,
        attach,
      );
    }
    if (now.length === 0) {
      return unknown(
        `${current.version} was recorded without its migrations, so what changed since ${candidate.version} cannot be told`,
        attach,
      );
    }

    const before = new Map(then.map(item => [item.name, item]));
    const edited = now.filter(item => {
      const old = before.get(item.name);
      return old?.sha256 && item.sha256 && old.sha256 !== item.sha256;
    });
    if (edited.length > 0) {
      return unknown(
        `${edited.map(item => item.name).join(', ')} changed after ${
          candidate.version
        } shipped it`,
        'A migration that ran is never edited: restore the shipped file and add a new migration for the change, then record the deployment again.',
        `The same migration name carries another content (SHA-256) in ${current.version} than in ${candidate.version}; which of the two the database ran cannot be told.`,
      );
    }
    const since = now.filter(item => !before.has(item.name));
    const facts = [
      { label: 'Dialect', value: dialect },
      ...(migrator ? [{ label: 'Migrator', value: migrator }] : []),
      {
        label: `Migrations of ${candidate.version}`,
        value: String(then.length),
      },
      {
        label: `Applied since ${candidate.version}`,
        value: listOf(since.map(item => item.name)),
      },
    ];
    if (since.length === 0) {
      return {
        status: 'pass',
        summary: `No migration was applied since ${candidate.version}`,
        facts,
      };
    }
    const missing = [...since, ...then].filter(
      item => item.content === undefined,
    );
    if (missing.length > 0) {
      return unknown(
        `The SQL of ${missing
          .map(item => item.name)
          .join(', ')} was not attached, only a reference`,
        'Attach each migration with its SQL as content.',
      );
    }

    const findings: CheckFinding[] = (
      await classifyMigrations({
        dialect: dialect as SchemaDialect,
        migrations: since.map(sql),
        baseline: then.map(sql),
      })
    ).map(finding => toCheckFinding(finding, candidate.version));
    if (migrator && STRICT_MIGRATORS[migrator]) {
      findings.push({
        rule: MIGRATOR_RULE,
        status: 'fail',
        blocking: true,
        message: `${STRICT_MIGRATORS[migrator]}; ${since.length} migration${
          since.length === 1 ? ' was' : 's were'
        } applied since ${candidate.version}`,
        source: since[since.length - 1].name,
      });
    }
    findings.sort(worstFirst);
    return this.outcome(candidate.version, findings, facts);
  }

  private outcome(
    version: string,
    findings: CheckFinding[],
    facts: ReadinessCheckOutcome['facts'],
  ): ReadinessCheckOutcome {
    const worst = findings[0];
    const counts = (['fail', 'unknown', 'warn', 'pass'] as CheckStatus[])
      .map(
        status => [status, findings.filter(f => f.status === status)] as const,
      )
      .filter(([, list]) => list.length > 0)
      .map(([status, list]) => `${list.length} ${status}`)
      .join(', ');
    const details = `${findings.length} finding${
      findings.length === 1 ? '' : 's'
    } in the migrations applied since ${version}: ${counts}.`;
    if (!worst || worst.status === 'pass') {
      return {
        status: 'pass',
        summary: `The migrations since ${version} only add what ${version} can ignore`,
        details,
        facts,
        findings,
      };
    }
    const consequence = CONSEQUENCE[worst.rule];
    let summary: string;
    if (worst.status === 'unknown') {
      summary = `${worst.source}: ${worst.message}; what it does to ${version} cannot be told`;
    } else if (worst.rule === MIGRATOR_RULE) {
      summary = `${worst.message}; ${version} ${consequence}`;
    } else if (consequence && !worst.message.includes(';')) {
      // A short fact ("orders.legacy_ref was dropped"): say what it means.
      summary = `${worst.message} by ${worst.source}; ${version} ${consequence}`;
    } else {
      summary = `${worst.message} (${worst.source})`;
    }
    const unknownFix =
      'Read the statement yourself: it is SQL the check does not understand (or cannot parse); if it only adds, going back is safe from it.';
    return {
      status: worst.status,
      summary,
      details,
      facts,
      findings,
      remediation:
        worst.status === 'unknown'
          ? unknownFix
          : REMEDIATION[worst.rule] ??
            'Review the finding: the old version meets a schema it never ran with; going back may break it, fixing forward may be safer.',
      ...(worst.blocking ? { blocking: true } : {}),
    };
  }
}

// Long histories: the first names and how many more.
function listOf(names: string[], shown = 10): string {
  if (names.length === 0) return 'none';
  const head = names.slice(0, shown).join(', ');
  return names.length > shown
    ? `${head} and ${names.length - shown} more`
    : head;
}

function sql(item: StoredEvidence): { name: string; sql: string } {
  return { name: item.name, sql: item.content ?? '' };
}
