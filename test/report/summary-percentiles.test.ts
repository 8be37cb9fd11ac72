import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArmSample } from '../../src/contract/observations.js';
import type { ArmRecord, DesktopRecord } from '../../src/contract/run-record.js';
import { armSeries, summarizeArm, type ClusterPoint } from '../../src/report/summary.js';

function armRecord(desktops: DesktopRecord[], overrides: Partial<ArmRecord> = {}): ArmRecord {
  return {
    name: 'composer', method: 'composer', desktopsRequested: desktops.length, startedAt: '2026-11-26T10:00:00.000Z', startMs: 0, endMs: 0,
    phases: [], desktops, keptVms: [], ...overrides,
  };
}
const ready = (readyS: number, index = 0): DesktopRecord => ({ name: `d${index}`, host: 'h', readyS });

/** Nearest-rank percentile, as textbooks state it: the smallest value with at least p of the values at or below it. */
function referencePercentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  for (const value of sorted) {
    if (sorted.filter((other) => other <= value).length >= fraction * sorted.length) return value;
  }
  return sorted[sorted.length - 1]!;
}
const tenth = (value: number | null) => (value === null ? null : Number(value.toFixed(1)));

describe('ready-time percentiles', () => {
  it('match a reference nearest-rank percentile for any set of ready times (property)', () => {
    const readyS = fc.integer({ min: 0, max: 36_000_000 }).map((ms) => ms / 1000);
    fc.assert(fc.property(fc.array(readyS, { maxLength: 60 }), fc.nat({ max: 5 }), (times, failedCount) => {
      const desktops = [
        ...times.map((time, index) => ready(time, index)),
        ...Array.from({ length: failedCount }, (_, index): DesktopRecord => ({ name: `f${index}`, host: 'h', failedS: 5 })),
      ];
      const summary = summarizeArm(armRecord(desktops), []);
      expect(summary.desktopReadyS).toEqual({
        p50: tenth(referencePercentile(times, 0.5)),
        p95: tenth(referencePercentile(times, 0.95)),
        max: tenth(referencePercentile(times, 1)),
      });
      expect(summary.deployTimeS).toBe(tenth(times.length ? Math.max(...times) : null));
      expect(summary.desktops).toEqual({ requested: desktops.length, ready: times.length, failed: failedCount });
    }), { numRuns: 500 });
  });

  it.each([
    [[10], 10, 10, 10],
    [[30, 10, 20], 20, 30, 30],
    [[1, 2, 3, 4], 2, 4, 4],
    [Array.from({ length: 20 }, (_, index) => index + 1), 10, 19, 20],
    [Array.from({ length: 100 }, (_, index) => index + 1), 50, 95, 100],
    [Array.from({ length: 101 }, (_, index) => index + 1), 51, 96, 101],
  ])('of %j: p50 %d, p95 %d, max %d', (times, p50, p95, max) => {
    expect(summarizeArm(armRecord(times.map(ready)), []).desktopReadyS).toEqual({ p50, p95, max });
  });

  it('rounds to a tenth of a second, and are null without ready desktops', () => {
    expect(summarizeArm(armRecord([ready(12.34), ready(12.36), ready(99.96)]), []).desktopReadyS).toEqual({ p50: 12.4, p95: 100, max: 100 });
    expect(summarizeArm(armRecord([ready(12.34)]), []).deployTimeS).toBe(12.3);
    const none = summarizeArm(armRecord([{ name: 'a', host: 'h', failedS: 3 }, { name: 'b', host: 'h' }]), []);
    expect(none.desktopReadyS).toEqual({ p50: null, p95: null, max: null });
    expect(none.deployTimeS).toBeNull();
    expect(none.desktops).toEqual({ requested: 2, ready: 0, failed: 1 });
  });

  it('a desktop that failed once and then became ready counts as ready, not failed', () => {
    const summary = summarizeArm(armRecord([{ name: 'a', host: 'h', failedS: 3, readyS: 9 }]), []);
    expect(summary.desktops).toEqual({ requested: 1, ready: 1, failed: 0 });
  });
});

function sample(overrides: Partial<ArmSample>): ArmSample {
  return {
    timeMs: 20_000, arm: 'composer', method: 'composer', host: 'h1', tS: 20,
    cpuPct: null, cpuMhz: null, readIops: null, writeIops: null, diskReadIops: null, diskWriteIops: null, ...overrides,
  };
}

describe('the cluster series and the load figures', () => {
  it('sums hosts per instant, prefers disk-side IOPS, averages host CPU, and leaves gaps as null', () => {
    const samples = [
      sample({ host: 'h1', timeMs: 40_000, tS: 40, readIops: 100, writeIops: 50, diskReadIops: 10, cpuPct: 20, cpuMhz: 1000 }),
      sample({ host: 'h1', readIops: 100, writeIops: 50, cpuPct: 20 }),
      sample({ host: 'h2', readIops: 30, writeIops: null, cpuPct: 40 }),
      sample({ host: 'h2', timeMs: 40_000, tS: 40, diskWriteIops: 5, cpuPct: null, cpuMhz: 3000 }),
      sample({ host: 'h1', timeMs: 60_000, tS: 60 }),
      sample({ arm: 'other', timeMs: 80_000, tS: 80, readIops: 1 }),
    ];
    expect(armSeries(samples, 'composer', 10_000)).toEqual([
      { tS: 20, intervalS: 20, iops: 180, readIops: 130, writeIops: 50, hostIops: 180, cpuPct: 30 },
      // One host gave no percentage but every host gave MHz: MHz over the cluster's capacity.
      { tS: 40, intervalS: 20, iops: 15, readIops: 10, writeIops: 5, hostIops: 150, cpuPct: 40 },
      { tS: 60, intervalS: 20, iops: null, readIops: null, writeIops: null, hostIops: null, cpuPct: null },
    ]);
  });

  it('falls back to the mean of the percentages when MHz is missing somewhere or the capacity is unknown', () => {
    const group = [sample({ host: 'h1', cpuPct: 30, cpuMhz: 1000 }), sample({ host: 'h2', cpuPct: null, cpuMhz: null })];
    expect(armSeries(group, 'composer', 10_000)[0]!.cpuPct).toBe(30);
    const withMhz = [sample({ host: 'h1', cpuPct: 30, cpuMhz: 1000 }), sample({ host: 'h2', cpuPct: null, cpuMhz: 1000 })];
    expect(armSeries(withMhz, 'composer', 0)[0]!.cpuPct).toBe(30);
    expect(armSeries(withMhz, 'composer', 4000)[0]!.cpuPct).toBe(50);
    expect(armSeries([sample({ cpuMhz: 500 })], 'composer', 1000)[0]!.cpuPct).toBe(50);
    expect(armSeries([sample({ cpuPct: 0 })], 'composer', 1000)[0]!.cpuPct).toBe(0);
  });

  it('an interval never goes negative', () => {
    const series = armSeries([sample({ timeMs: 1_000, tS: 30 }), sample({ timeMs: 2_000, tS: 10 })], 'composer', 0);
    expect(series.map((point) => point.intervalS)).toEqual([30, 0]);
  });

  it('peak, average and total I/O and CPU cover only the intervals with data', () => {
    const point = (tS: number, intervalS: number, iops: number | null, cpuPct: number | null): ClusterPoint => ({ tS, intervalS, iops, readIops: null, writeIops: null, hostIops: null, cpuPct });
    const series = [point(20, 20, 100, 10), point(40, 20, null, null), point(50, 10, 400.6, 40.26), point(70, 20, 0, 0)];
    const summary = summarizeArm(armRecord([ready(60)], {
      phases: [{ name: 'clone', startS: 1.26, durationS: 58.74, performed: true }, { name: 'digest', startS: 0, durationS: 0, performed: false, note: 'n' }],
    }), series);
    expect(summary).toMatchObject({
      peakIops: 401, totalIos: 100 * 20 + 400.6 * 10, avgIops: Math.round((2000 + 4006) / 50),
      peakCpuPct: 40.3, avgCpuPct: Number(((10 * 20 + 40.26 * 10) / 50).toFixed(1)),
      phases: [{ name: 'clone', startS: 1.3, durationS: 58.7, performed: true }, { name: 'digest', startS: 0, durationS: 0, performed: false }],
      name: 'composer', method: 'composer',
    });
    const idle = summarizeArm(armRecord([]), [point(20, 20, null, null)]);
    expect(idle).toMatchObject({ peakIops: 0, avgIops: 0, totalIos: 0, peakCpuPct: 0, avgCpuPct: 0 });
    const instant = summarizeArm(armRecord([]), [point(0, 0, 50, 5)]);
    expect(instant).toMatchObject({ peakIops: 50, avgIops: 0, totalIos: 0, peakCpuPct: 5, avgCpuPct: 0 });
  });
});
