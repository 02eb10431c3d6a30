import {
  mannWhitneyGreater,
  mean,
  median,
  normalUpperTail,
} from './statistics';

// Reference figures from SciPy 1.17:
// mannwhitneyu(x, y, alternative='greater', method='asymptotic')
describe('mannWhitneyGreater', () => {
  it.each([
    [
      'a canary far worse than stable',
      [0.079, 0.081, 0.075, 0.082, 0.078, 0.08, 0.077, 0.083, 0.079, 0.076],
      [
        0.002, 0.0021, 0.0019, 0.0022, 0.002, 0.0018, 0.0023, 0.002, 0.0021,
        0.0019,
      ],
      100,
      8.780776552295432e-5,
    ],
    [
      'a canary better than stable',
      [1, 2, 3, 4, 5],
      [3, 4, 5, 6, 7],
      4.5,
      0.9634301001705455,
    ],
    [
      'ties on both sides',
      [1, 1, 2, 2, 3, 3, 4],
      [1, 2, 2, 3, 3, 3, 5, 5],
      20,
      0.8451720484770717,
    ],
    [
      'a small but consistent shift',
      [0.21, 0.25, 0.19, 0.3, 0.22, 0.27, 0.24, 0.26, 0.23, 0.28, 0.2, 0.29],
      [0.2, 0.22, 0.18, 0.21, 0.25, 0.19, 0.23, 0.2, 0.24, 0.21, 0.22, 0.2],
      110.5,
      0.013744613484906281,
    ],
    ['all values equal', [5, 5, 5], [5, 5, 5], 4.5, 1],
  ])('%s: U and p as SciPy computes them', (_, x, y, u, p) => {
    const result = mannWhitneyGreater(x, y);
    expect(result.u).toBe(u);
    expect(result.pValue).toBeCloseTo(p, 12);
    expect(Math.abs(result.pValue - p) / p).toBeLessThan(1e-9);
  });

  it('is symmetric: x greater than y is y not greater than x', () => {
    const x = [3, 5, 7, 9, 11, 13];
    const y = [2, 4, 6, 8];
    const a = mannWhitneyGreater(x, y);
    const b = mannWhitneyGreater(y, x);
    expect(a.u + b.u).toBe(x.length * y.length);
  });

  it('refuses an empty side', () => {
    expect(() => mannWhitneyGreater([], [1])).toThrow(/both sides/);
  });
});

describe('the helpers', () => {
  it('mean and median', () => {
    expect(mean([1, 2, 3, 10])).toBe(4);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([7, 1, 3])).toBe(3);
    expect(mean([])).toBeNaN();
  });

  it('the normal upper tail at known points', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 15);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 12);
    // scipy.stats.norm.sf(6) = 9.865876450376946e-10
    expect(normalUpperTail(6) / 9.865876450376946e-10).toBeCloseTo(1, 9);
    expect(normalUpperTail(-1.6448536269514729)).toBeCloseTo(0.95, 12);
  });
});
