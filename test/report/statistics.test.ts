import fc from 'fast-check';
import { describe as suite, expect, it } from 'vitest';
import { describe, mannWhitneyP, median, tQuantile975 } from '../../src/report/statistics.js';

suite('statistics of repeated runs', () => {
  it('describes a sample: mean, median, sample standard deviation, min, max, t-based 95 % interval', () => {
    const stats = describe([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stats.n).toBe(8);
    expect(stats.mean).toBe(5);
    expect(stats.median).toBe(4.5);
    expect(stats.sd).toBeCloseTo(2.138, 3);
    expect([stats.min, stats.max]).toEqual([2, 9]);
    // t(0.975, 7) = 2.365: 5 ± 2.365 × 2.138 / √8.
    expect(stats.ci95[0]).toBeCloseTo(5 - (2.365 * 2.138) / Math.sqrt(8), 2);
    expect(stats.ci95[1]).toBeCloseTo(5 + (2.365 * 2.138) / Math.sqrt(8), 2);
    expect(describe([3])).toMatchObject({ n: 1, sd: 0, ci95: [3, 3] });
    expect(() => describe([])).toThrow();
  });

  it('flags a value far outside the others as an outlier, and ordinary jitter as none', () => {
    expect(describe([100, 101, 99, 100, 102, 180]).outliers).toEqual([180]);
    expect(describe([309.9, 312, 312.3, 312.4, 315]).outliers).toEqual([]);
  });

  it('t quantiles come from the table up to 30 degrees of freedom, 1.96 beyond', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(31)).toBe(1.96);
  });

  it('Mann–Whitney: exact p for small samples without ties, as tables give', () => {
    // Completely separated samples of 5 and 5: 2 of the 252 orderings are as extreme.
    expect(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(2 / 252, 6);
    // 3 and 3, separated: 2 / 20.
    expect(mannWhitneyP([1, 2, 3], [4, 5, 6])).toBeCloseTo(0.1, 6);
    // Interleaved: no evidence at all.
    expect(mannWhitneyP([1, 3, 5, 7], [2, 4, 6, 8])).toBeGreaterThan(0.5);
    expect(mannWhitneyP([], [1])).toBe(1);
  });

  it('Mann–Whitney with ties uses the normal approximation and stays in [0, 1]; identical samples give 1', () => {
    expect(mannWhitneyP([5, 5, 5], [5, 5, 5])).toBe(1);
    const p = mannWhitneyP([1, 1, 2, 2, 3], [3, 4, 4, 5, 5]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.05);
  });

  it('is symmetric, in [0, 1], and the median lies between min and max (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), (a, b) => {
      const p = mannWhitneyP(a, b);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(mannWhitneyP(b, a)).toBeCloseTo(p, 9);
      const stats = describe(a);
      expect(median(a)).toBeGreaterThanOrEqual(stats.min);
      expect(median(a)).toBeLessThanOrEqual(stats.max);
    }));
  });
});
