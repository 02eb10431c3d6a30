/*
 * Parse coverage on real public migration files: classifying each never
 * throws, ends, and yields well-formed findings; what is not understood is
 * `unknown`. The corpus is third-party material and stays out of this
 * repository: point ROLLBACK_GUARD_SQL_CORPUS at a folder of
 * `<repo>/<postgresql|mysql>/*.sql` files with a LICENSES.md naming each
 * (the one used so far: supabase/auth, golang-migrate/migrate,
 * authelia/authelia, ory/kratos; MIT and Apache-2.0).
 */
import fs from 'node:fs';
import path from 'node:path';
import { classifyMigrations } from './classify';
import { RULES } from './rules';
import { SchemaDialect } from './types';

const ROOT = process.env.ROLLBACK_GUARD_SQL_CORPUS ?? '';
const STATUSES = new Set(['pass', 'warn', 'fail', 'unknown']);

type CorpusFile = {
  repo: string;
  dialect: SchemaDialect;
  name: string;
  file: string;
};

function corpus(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const repo of fs.readdirSync(ROOT).sort()) {
    for (const dialect of ['postgresql', 'mysql'] as const) {
      const dir = path.join(ROOT, repo, dialect);
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir).sort()) {
        if (name.endsWith('.sql'))
          out.push({ repo, dialect, name, file: path.join(dir, name) });
      }
    }
  }
  return out;
}

const FILES = ROOT ? corpus() : [];

(ROOT ? describe : describe.skip)('real migration corpus', () => {
  it('holds 40 to 100 files of both dialects, each listed in LICENSES.md', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40);
    expect(FILES.length).toBeLessThanOrEqual(100);
    expect(new Set(FILES.map(f => f.dialect))).toEqual(
      new Set(['postgresql', 'mysql']),
    );
    const licenses = fs.readFileSync(path.join(ROOT, 'LICENSES.md'), 'utf8');
    for (const f of FILES)
      expect(licenses).toContain(`${f.repo}/${f.dialect}/${f.name}`);
  });

  it.each(FILES.map(f => [`${f.repo}/${f.dialect}/${f.name}`, f] as const))(
    '%s classifies without throwing',
    async (_label, f) => {
      const sql = fs.readFileSync(f.file, 'utf8');
      const findings = await classifyMigrations({
        dialect: f.dialect,
        migrations: [{ name: f.name, sql }],
      });
      const opaque = new Set(['unparsed-statement', 'unsupported-statement']);
      const rules = Object.keys(RULES);
      const malformed = findings.filter(
        finding =>
          !STATUSES.has(finding.status) ||
          !rules.includes(finding.rule) ||
          finding.migration !== f.name ||
          !finding.message ||
          // What is not understood is unknown, and only that is.
          opaque.has(finding.rule) !== (finding.status === 'unknown') ||
          (finding.status === 'unknown' && !finding.statement),
      );
      expect(malformed).toEqual([]);
    },
  );

  it('all files together, as one history, classify in well under a few seconds', async () => {
    const started = Date.now();
    for (const dialect of ['postgresql', 'mysql'] as const) {
      const migrations = FILES.filter(f => f.dialect === dialect).map(f => ({
        name: f.name,
        sql: fs.readFileSync(f.file, 'utf8'),
      }));
      const findings = await classifyMigrations({ dialect, migrations });
      expect(findings.length).toBeGreaterThan(0);
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
