/**
 * The statistics of repeated runs: what hyperfine users expect (mean ± σ, median,
 * min…max, outliers) plus a 95 % confidence interval and a significance test between two
 * sets of runs. Pure functions; no dependency.
 */
import type { MetricStats } from '../contract/summary.js';

/** The spread of a sample: the contract's MetricStats (contract/summary.ts documents each field). */
export type Stats = MetricStats;

/** Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom; 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(degreesOfFreedom: number): number {
  return degreesOfFreedom >= 1 && degreesOfFreedom <= T975.length ? T975[degreesOfFreedom - 1]! : 1.96;
}

/**
 * Outliers: more than 14 median absolute deviations from the median. Strict on purpose: with
 * five runs the MAD is small, and the textbook modified z-score of 3.5 flags ordinary jitter.
 */
const OUTLIER_MADS = 14;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function describe(values: number[]): Stats {
  if (values.length === 0) throw new Error('statistics of no value');
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (tQuantile975(n - 1) * sd) / Math.sqrt(n) : 0;
  const middle = median(values);
  const mad = median(values.map((value) => Math.abs(value - middle)));
  const outliers = mad === 0 ? [] : values.filter((value) => Math.abs(value - middle) / mad > OUTLIER_MADS);
  return {
    n, mean, median: middle, sd,
    min: values.reduce((low, value) => Math.min(low, value), Infinity),
    max: values.reduce((high, value) => Math.max(high, value), -Infinity),
    ci95: [mean - half, mean + half], outliers,
  };
}

/**
 * Mann–Whitney U test, two-sided: the probability of a difference in rank sums at least
 * this large if both sets came from the same distribution. Exact (by enumerating the
 * distribution of U) when there are no ties and both sets are small; else the normal
 * approximation with a tie correction and a continuity correction.
 */
export function mannWhitneyP(a: number[], b: number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))].sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let start = 0; start < all.length;) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.value === all[start]!.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++) ranks[index] = rank;
    const size = end - start + 1;
    tieTerm += size ** 3 - size;
    start = end + 1;
  }
  const rankSumA = all.reduce((sum, item, index) => (item.first ? sum + ranks[index]! : sum), 0);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const uSmall = Math.min(u, n1 * n2 - u);
  if (tieTerm === 0 && n1 + n2 <= 30) {
    // Exact: count the arrangements with U ≤ uSmall (dynamic programming over (i, j, u)).
    const counts = exactUDistribution(n1, n2);
    const total = counts.reduce((sum, count) => sum + count, 0);
    let tail = 0;
    for (let value = 0; value <= uSmall; value++) tail += counts[value] ?? 0;
    return Math.min(1, (2 * tail) / total);
  }
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - meanU) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
}

/** counts[u] = number of orderings of n1 + n2 distinct values whose U statistic is u. */
function exactUDistribution(n1: number, n2: number): number[] {
  // f(i, j) as a polynomial in u: f(i, j) = f(i - 1, j) shifted by j + f(i, j - 1).
  let previousRow: number[][] = Array.from({ length: n2 + 1 }, () => [1]);
  for (let i = 1; i <= n1; i++) {
    const row: number[][] = [[1]];
    for (let j = 1; j <= n2; j++) {
      const fromA = previousRow[j]!;
      const fromB = row[j - 1]!;
      const merged = new Array<number>(Math.max(fromA.length + j, fromB.length)).fill(0);
      fromA.forEach((count, u) => { merged[u + j] = (merged[u + j] ?? 0) + count; });
      fromB.forEach((count, u) => { merged[u] = (merged[u] ?? 0) + count; });
      row.push(merged);
    }
    previousRow = row;
  }
  return previousRow[n2]!;
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The significance level every comparison uses. */
export const SIGNIFICANCE_LEVEL = 0.05;
