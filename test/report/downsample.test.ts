import { describe, expect, it } from 'vitest';
import { lttb, thinSteps, type Point } from '../../src/report/downsample.js';

describe('LTTB downsampling', () => {
  const series: Point[] = Array.from({ length: 5000 }, (_, index) => [index, Math.sin(index / 200) * 100 + (index === 3210 ? 900 : 0)]);

  it('returns at most the threshold, keeps the ends and the peak', () => {
    const sampled = lttb(series, 300);
    expect(sampled).toHaveLength(300);
    expect(sampled[0]).toEqual(series[0]);
    expect(sampled[sampled.length - 1]).toEqual(series[series.length - 1]);
    expect(Math.max(...sampled.map((point) => point[1]))).toBe(Math.max(...series.map((point) => point[1])));
    expect(sampled.every((point, index) => index === 0 || point[0] > sampled[index - 1]![0])).toBe(true);
  });

  it('leaves short series alone', () => {
    expect(lttb(series.slice(0, 50), 300)).toEqual(series.slice(0, 50));
  });

  it('thins step series evenly, keeping first and last', () => {
    const thinned = thinSteps(series, 100);
    expect(thinned).toHaveLength(100);
    expect(thinned[0]).toEqual(series[0]);
    expect(thinned[99]).toEqual(series[4999]);
  });
});
