const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * How long ago an ISO 8601 timestamp was, relative to `now`, e.g.
 * "just now", "12 min ago", "3 h ago", "2 days ago", "5 months ago".
 * A time in the future (clock skew) counts as "just now"; a timestamp
 * that cannot be read is returned as it is.
 */
export function formatAge(iso: string, now: number | Date): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return iso;
  }
  const elapsed = Number(now) - then;
  if (elapsed < MINUTE) {
    return 'just now';
  }
  if (elapsed < HOUR) {
    return `${Math.floor(elapsed / MINUTE)} min ago`;
  }
  if (elapsed < DAY) {
    return `${Math.floor(elapsed / HOUR)} h ago`;
  }
  const days = Math.floor(elapsed / DAY);
  if (days < 30) {
    return `${plural(days, 'day')} ago`;
  }
  if (days < 365) {
    return `${plural(Math.floor(days / 30), 'month')} ago`;
  }
  return `${plural(Math.floor(days / 365), 'year')} ago`;
}

/**
 * A duration in milliseconds, in its two largest units, e.g. "850 ms",
 * "45 s", "3 min 20 s", "1 h 5 min", "2 d 3 h". A negative or unreadable
 * duration is "—".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '—';
  }
  if (ms < SECOND) {
    return `${Math.round(ms)} ms`;
  }
  const units: Array<[number, string]> = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [SECOND, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.floor(ms / SECOND) * SECOND;
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) {
      parts.push(`${count} ${unit}`);
    }
    if (parts.length === 2) {
      break;
    }
  }
  return parts.filter(part => !part.startsWith('0 ')).join(' ');
}

/**
 * An ISO 8601 timestamp as a date and time in the user's locale and time
 * zone; a timestamp that cannot be read is returned as it is.
 */
export function formatTimestamp(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return iso;
  }
  return new Date(time).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
