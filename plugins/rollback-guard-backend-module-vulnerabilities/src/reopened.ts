import { KnownVulnerability } from './sbom/types';
import { bySeverity, worseSeverity } from './sbom/severity';

function names(v: KnownVulnerability): string[] {
  return [v.id, ...v.aliases].map(name => name.toLocaleUpperCase('en-US'));
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Merges what several sources (SBOMs, scanner reports, OSV) say about one
 * version into one entry per vulnerability: entries that share an id or an
 * alias (a GHSA id and its CVE) are one vulnerability.
 *
 * @public
 */
export function mergeVulnerabilities(
  lists: KnownVulnerability[][],
): KnownVulnerability[] {
  const merged: KnownVulnerability[] = [];
  // Every name (id or alias) of every merged entry, to find an item's
  // entries without a scan of them all.
  const byName = new Map<string, KnownVulnerability>();
  const index = (entry: KnownVulnerability) => {
    for (const name of names(entry)) byName.set(name, entry);
  };
  for (const item of lists.flat()) {
    const same = [
      ...new Set(
        names(item).flatMap(name => {
          const entry = byName.get(name);
          return entry ? [entry] : [];
        }),
      ),
    ];
    if (same.length === 0) {
      const entry = {
        ...item,
        aliases: [...item.aliases],
        packages: [...item.packages],
        urls: [...item.urls],
      };
      merged.push(entry);
      index(entry);
      continue;
    }
    // The item may bridge entries that were apart until now.
    const [first, ...rest] = same;
    for (const other of [...rest, item]) {
      first.aliases = uniq([...first.aliases, other.id, ...other.aliases]);
      first.severity = worseSeverity(first.severity, other.severity);
      first.urls = uniq([...first.urls, ...other.urls]);
      first.title = first.title ?? other.title;
      // A VEX statement is about this product; OSV and scanners match
      // package versions only, so theirs does not undo it.
      if (other.notAffected) first.notAffected = true;
      for (const pkg of other.packages) {
        if (
          !first.packages.some(
            p => p.name === pkg.name && p.version === pkg.version,
          )
        ) {
          first.packages.push(pkg);
        }
      }
      if (!first.source.split(', ').includes(other.source)) {
        first.source = `${first.source}, ${other.source}`;
      }
    }
    first.aliases = first.aliases.filter(a => a !== first.id);
    for (const other of rest) merged.splice(merged.indexOf(other), 1);
    index(first);
  }
  return merged;
}

/**
 * The vulnerabilities going back would re-open: known in the candidate (and
 * not marked not affected there) and absent from the current version by id
 * and by every alias. Worst first.
 *
 * @public
 */
export function findReopened(options: {
  candidate: KnownVulnerability[];
  current: KnownVulnerability[];
}): KnownVulnerability[] {
  const present = new Set(options.current.flatMap(names));
  return options.candidate
    .filter(v => !v.notAffected)
    .filter(v => !names(v).some(name => present.has(name)))
    .sort(
      (a, b) => bySeverity(a.severity, b.severity) || a.id.localeCompare(b.id),
    );
}
