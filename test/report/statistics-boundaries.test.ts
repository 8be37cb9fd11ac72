/**
 * The edges of report/statistics.ts: where the exact Mann–Whitney test gives way to the
 * normal approximation, the outlier rule's threshold, the t table's ends. Reference
 * p-values are SciPy 1.17's `scipy.stats.mannwhitneyu` (two-sided; `method='exact'` or
 * `'asymptotic'` with the continuity correction), computed independently of this code.
 */
import { describe as suite, expect, it } from 'vitest';
import { describe, mannWhitneyP, median, tQuantile975 } from '../../src/report/statistics.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

suite('Mann–Whitney against SciPy', () => {
  it('exact distribution for small samples without ties', () => {
    expect(mannWhitneyP([1.5, 2, 7, 9], [3, 4, 5, 6, 8, 10, 11])).toBeCloseTo(0.4121212121212121, 12);
    expect(mannWhitneyP([10, 20, 30, 40, 55], [15, 25, 35, 50, 60, 70])).toBeCloseTo(0.42857142857142855, 12);
    expect(mannWhitneyP([1, 2], [3, 4, 5])).toBeCloseTo(0.2, 12);
    expect(mannWhitneyP([3, 4, 5], [1, 2])).toBeCloseTo(0.2, 12);
    // Perfectly interleaved: the doubled tail exceeds 1 and is capped.
    expect(mannWhitneyP([1, 4], [2, 3])).toBe(1);
  });

  it('stays exact up to 30 values in all, then switches to the normal approximation', () => {
    // 15 + 15 = 30 values: exact, far smaller than the approximation would say (≈ 3e-6).
    expect(mannWhitneyP(range(1, 15), range(16, 30))).toBeCloseTo(1.28934500757877e-8, 14);
    // 16 + 15 = 31 values: the approximation (exact would be 6.65e-9).
    const p = mannWhitneyP(range(1, 16), range(17, 31));
    expect(p).toBeGreaterThan(2.316463851638489e-6 - 3e-7);
    expect(p).toBeLessThan(2.316463851638489e-6 + 3e-7);
  });

  it('normal approximation with the tie and continuity corrections when values tie', () => {
    expect(mannWhitneyP([1, 1, 2, 2, 3], [3, 4, 4, 5, 5])).toBeCloseTo(0.014706853890834981, 5);
    expect(mannWhitneyP([1, 2, 2, 3, 9, 12], [2, 5, 6, 7, 8])).toBeCloseTo(0.6450552352076457, 5);
    expect(mannWhitneyP([2, 5, 6, 7, 8], [1, 2, 2, 3, 9, 12])).toBeCloseTo(0.6450552352076457, 5);
    // One tie only, far apart: the approximation, not the exact 2/252.
    expect(mannWhitneyP([1, 2, 3, 4, 5, 5], [16, 17, 18, 19, 20])).toBeCloseTo(0.007969413024121784, 5);
    expect(mannWhitneyP([7], [])).toBe(1);
  });
});

suite('describe and median at their edges', () => {
  it('refuses to describe nothing', () => {
    expect(() => describe([])).toThrow('statistics of no value');
  });

  it('median of odd and even counts, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, -10])).toBe(0);
    expect(median([7])).toBe(7);
  });

  it('min and max of negative values; the interval of two values uses t(1)', () => {
    const stats = describe([-5, -3]);
    expect([stats.min, stats.max, stats.mean]).toEqual([-5, -3, -4]);
    expect(stats.sd).toBeCloseTo(Math.SQRT2, 12);
    expect(stats.ci95[0]).toBeCloseTo(-4 - 12.706, 9);
    expect(stats.ci95[1]).toBeCloseTo(-4 + 12.706, 9);
    expect(describe([1e6, 2e6]).max).toBe(2e6);
  });

  it('an outlier is strictly more than 14 MADs from the median', () => {
    // Deviations 0, 1, 1, 0, 14 → MAD 1: exactly 14 is not an outlier, a hair beyond is.
    expect(describe([0, 1, -1, 0, 14]).outliers).toEqual([]);
    expect(describe([0, 1, -1, 0, 14.01]).outliers).toEqual([14.01]);
    expect(describe([0, 1, -1, 0, -14.01]).outliers).toEqual([-14.01]);
    // All deviations zero but one: MAD 0, nothing is flagged.
    expect(describe([5, 5, 5, 900]).outliers).toEqual([]);
  });

  it('the t table at both ends and outside it', () => {
    expect(tQuantile975(0)).toBe(1.96);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(29)).toBe(2.045);
    expect(tQuantile975(1000)).toBe(1.96);
  });
});
