/**
 * The statistics of the canary judgement, pure: a one-sided Mann-Whitney U
 * test (as Kayenta's judge uses) with the normal approximation, tie
 * correction and continuity correction; the same figures as SciPy's
 * `mannwhitneyu(x, y, alternative='greater', method='asymptotic')`.
 */

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The upper tail of the standard normal distribution, P(Z > z), computed
 * from erfc rather than as 1 - cdf so that small p-values keep their digits.
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

// erfc by a Chebyshev expansion (Numerical Recipes, 3rd ed., 6.2.2), to
// about 1.2e-16 relative.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  const cof = [
    -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2,
    -9.561514786808631e-3, -9.46595344482036e-4, 3.66839497852761e-4,
    4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6,
    1.30365583558e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9,
    5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11,
    2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13,
    3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
  ];
  let d = 0;
  let dd = 0;
  for (let j = cof.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + cof[j];
    dd = tmp;
  }
  const result = t * Math.exp(-z * z + 0.5 * (cof[0] + ty * d) - dd);
  return x >= 0 ? result : 2 - result;
}

/**
 * Mann-Whitney U test, one-sided: is `x` stochastically greater than `y`?
 * `u` is the U statistic of `x` (pairs where x beats y, ties counting half).
 */
export function mannWhitneyGreater(
  x: readonly number[],
  y: readonly number[],
): { u: number; z: number; pValue: number } {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) {
    throw new Error('Mann-Whitney U needs values on both sides');
  }
  const all = [
    ...x.map(value => ({ value, first: true })),
    ...y.map(value => ({ value, first: false })),
  ].sort((a, b) => a.value - b.value);
  const n = all.length;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].value === all[i].value) j++;
    const rank = (i + j + 2) / 2; // mean of ranks i+1..j+1
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].first) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) {
    // Every value equal: no evidence of a difference.
    return { u, z: 0, pValue: 1 };
  }
  const z = (u - mu - 0.5) / sigma;
  return { u, z, pValue: normalUpperTail(z) };
}
