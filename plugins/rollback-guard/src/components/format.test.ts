import { formatAge, formatDuration, formatTimestamp } from './format';

describe('formatAge', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;

  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [MIN, '1 min ago'],
    [12 * MIN + 30_000, '12 min ago'],
    [59 * MIN, '59 min ago'],
    [HOUR, '1 h ago'],
    [23 * HOUR + 59 * MIN, '23 h ago'],
    [DAY, '1 day ago'],
    [2 * DAY + 5 * HOUR, '2 days ago'],
    [29 * DAY, '29 days ago'],
    [30 * DAY, '1 month ago'],
    [200 * DAY, '6 months ago'],
    [365 * DAY, '1 year ago'],
    [800 * DAY, '2 years ago'],
  ])('says %d ms ago is "%s"', (elapsed, expected) => {
    expect(formatAge(ago(elapsed), now)).toBe(expected);
  });

  it('accepts a Date as now', () => {
    expect(formatAge(ago(5 * MIN), new Date(now))).toBe('5 min ago');
  });

  it('treats a time in the future as just now', () => {
    expect(formatAge(ago(-10 * MIN), now)).toBe('just now');
  });

  it('reads timestamps with an offset', () => {
    expect(formatAge('2026-11-23T12:30:00+01:00', now)).toBe('30 min ago');
  });

  it('returns an unreadable timestamp unchanged', () => {
    expect(formatAge('yesterday', now)).toBe('yesterday');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1_000, '1 s'],
    [45_400, '45 s'],
    [60_000, '1 min'],
    [200_000, '3 min 20 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [3_930_000, '1 h 5 min'],
    [3_605_000, '1 h'],
    [97_200_000, '1 d 3 h'],
    [2 * 86_400_000 + 59_000, '2 d'],
  ])('formats %d ms as "%s"', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([[-1], [NaN], [Infinity]])('formats %d as a dash', ms => {
    expect(formatDuration(ms)).toBe('—');
  });
});

describe('formatTimestamp', () => {
  it('formats a timestamp as a date and a time', () => {
    const iso = '2026-11-23T12:00:00.000Z';
    const text = formatTimestamp(iso);
    expect(text).toContain('2026');
    expect(text).not.toBe(iso);
    expect(text).toBe(
      new Date(iso).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      }),
    );
  });

  it('returns an unreadable timestamp unchanged', () => {
    expect(formatTimestamp('not a time')).toBe('not a time');
  });
});
