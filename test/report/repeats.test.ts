/**
 * Folding repeated runs (`--repeat N`) into one arm summary, in process: what the CLI test
 * (test/run/repeat.test.ts) checks through dist/, here against the source Stryker mutates.
 */
import { describe, expect, it } from 'vitest';
import type { ArmSummary, PhaseSummary } from '../../src/contract/summary.js';
import { differenceOf, foldRepetitions, metricValues } from '../../src/report/repeats.js';
import { describe as stats } from '../../src/report/statistics.js';

const phase = (name: PhaseSummary['name'], startS: number, durationS: number, performed = true): PhaseSummary => ({ name, startS, durationS, performed });

function run(seed: number, overrides: Partial<ArmSummary> = {}): ArmSummary {
  return {
    name: 'composer', method: 'composer',
    desktops: { requested: 10, ready: 10 - (seed % 3), failed: seed % 3 },
    deployTimeS: 300 + seed * 1.26,
    phases: [phase('replica', 0, 40 + seed * 0.37), phase('clone', 40 + seed * 0.37, 200 + seed * 2.01)],
    peakIops: 5000 + seed * 10.6,
    avgIops: 1200 + seed * 3.3,
    totalIos: 360_000 + seed * 1000.5,
    peakCpuPct: 70 + seed * 0.44,
    avgCpuPct: 30 + seed * 0.21,
    desktopReadyS: { p50: 150 + seed * 0.77, p95: 280 + seed * 1.13, max: 299 + seed * 1.31 },
    retries: seed,
    ...overrides,
  };
}

describe('foldRepetitions', () => {
  const runs = [run(4), run(0), run(9)];
  // Folded inside each test (not at collection), so per-test coverage ties the fold to the test.
  const fold = () => foldRepetitions('composer', 'composer', runs, []);

  it('takes the median of the runs for every figure, rounded as a single run rounds it', () => {
    const folded = fold();
    expect(folded).toMatchObject({
      name: 'composer', method: 'composer',
      // ready 9, 10, 10 → 10; failed 1, 0, 0 → 0; requested from the first run.
      desktops: { requested: 10, ready: 10, failed: 0 },
      deployTimeS: 305,
      peakIops: 5042,
      avgIops: 1213,
      totalIos: 364_002,
      peakCpuPct: 71.8,
      avgCpuPct: 30.8,
      desktopReadyS: { p50: 153.1, p95: 284.5, max: 304.2 },
      retries: 4,
    });
    expect(folded.phases).toEqual([phase('replica', 0, 41.5), phase('clone', 41.5, 208)]);
    expect(folded.repetitions).toBe(runs);
    expect('warmups' in folded).toBe(false);
  });

  it('keeps the warm-up runs apart, and the requested count of the first run', () => {
    const warm = foldRepetitions('ic', 'instant-clone', [run(1, { desktops: { requested: 7, ready: 7, failed: 0 } }), run(2)], [run(50)]);
    expect(warm.warmups).toEqual([run(50)]);
    expect(warm.name).toBe('ic');
    expect(warm.method).toBe('instant-clone');
    expect(warm.desktops.requested).toBe(7);
    // The warm-up's figures stay out of the medians: (300 + 1.26 + 300 + 2.52) / 2.
    expect(warm.deployTimeS).toBe(301.9);
    expect(warm.stats!.deployTimeS!.n).toBe(2);
  });

  it('gives every metric its spread, rounded to three digits, from describe()', () => {
    const folded = fold();
    const deploy = stats(runs.map((r) => r.deployTimeS!));
    const r3 = (value: number) => Number(value.toFixed(3));
    expect(folded.stats!.deployTimeS).toEqual({
      n: 3, mean: r3(deploy.mean), median: r3(deploy.median), sd: r3(deploy.sd), min: 300, max: r3(300 + 9 * 1.26),
      ci95: [r3(deploy.ci95[0]), r3(deploy.ci95[1])], outliers: [],
    });
    expect(folded.stats!.deployTimeS!.sd).toBeGreaterThan(0);
    expect(folded.stats!['phase.clone']!.median).toBe(208.04);
    expect(folded.stats!.desktopsFailed).toMatchObject({ n: 3, min: 0, max: 1, median: 0 });
    // Outliers are rounded too.
    const wild = foldRepetitions('a', 'composer', [run(0), run(0), run(1), run(1), run(1, { peakIops: 123456.78912 })], []);
    expect(wild.stats!.peakIops!.outliers).toEqual([123456.789]);
  });

  it('a metric no run measured has no stats and stays null (or 0 for whole counts)', () => {
    const none = foldRepetitions('a', 'composer', [
      run(1, { deployTimeS: null, desktopReadyS: { p50: null, p95: null, max: null }, phases: [phase('digest', 5, 9, false)] }),
      run(2, { deployTimeS: null, desktopReadyS: { p50: null, p95: 3.06, max: null }, phases: [] }),
    ], []);
    expect(none.deployTimeS).toBeNull();
    expect(none.desktopReadyS).toEqual({ p50: null, p95: 3.1, max: null });
    expect(none.stats!.deployTimeS).toBeUndefined();
    expect(none.stats!.desktopReadyP95S).toMatchObject({ n: 1, median: 3.06 });
    expect(none.stats!['phase.digest']).toBeUndefined();
    // A phase only one run had: its figures from that run; not performed if any run skipped it.
    expect(none.phases).toEqual([phase('digest', 5, 9, false)]);
    const noRuns = foldRepetitions('a', 'composer', [], []);
    expect(noRuns).toMatchObject({ desktops: { requested: 0, ready: 0, failed: 0 }, deployTimeS: null, peakIops: 0, peakCpuPct: 0, avgCpuPct: 0, phases: [], stats: {} });
  });

  it('a phase is performed only when every run performed it; a run without it does not count as skipping', () => {
    const mixed = foldRepetitions('a', 'composer', [
      run(1, { phases: [phase('digest', 1, 2, true)] }),
      run(2, { phases: [] }),
      run(3, { phases: [phase('digest', 3, 4, true)] }),
    ], []);
    expect(mixed.phases).toEqual([phase('digest', 2, 3, true)]);
    const skipped = foldRepetitions('a', 'composer', [run(1, { phases: [phase('digest', 1, 2, true)] }), run(2, { phases: [phase('digest', 1, 2, false)] })], []);
    expect(skipped.phases[0]!.performed).toBe(false);
    // Whole numbers round half up after the median: ready 9 and 10 → 9.5 → 10.
    const half = foldRepetitions('a', 'composer', [run(1), run(3)], []);
    expect(half.desktops.ready).toBe(Math.round(9.5));
    expect(half.retries).toBe(2);
  });
});

describe('metricValues and differenceOf', () => {
  it('reads one metric from each run, leaving out the runs that did not measure it', () => {
    expect(metricValues([run(1), run(2, { deployTimeS: null }), run(3)], 'deployTimeS')).toEqual([301.26, 303.78]);
    expect(metricValues([run(1), run(2)], 'phase.replica')).toEqual([40.37, 40.74]);
  });

  it('needs two runs on each side, and calls a difference significant below p = 0.05', () => {
    const fold = (seeds: number[], offset: number) => foldRepetitions('a', 'composer', seeds.map((seed) => run(seed, { peakIops: 5000 + offset + seed })), []);
    const low = fold([1, 2, 3, 4, 5], 0);
    const high = fold([1, 2, 3, 4, 5], 100);
    expect(differenceOf(low, high, 'peakIops')).toEqual({ p: 2 / 252, significant: true });
    const close = fold([1, 2, 3, 4, 5], 2);
    const same = differenceOf(low, close, 'peakIops')!;
    expect(same.significant).toBe(false);
    expect(same.p).toBeGreaterThan(0.05);
    // Three against three, separated: p = 0.1, not significant.
    expect(differenceOf(fold([1, 2, 3], 0), fold([1, 2, 3], 100), 'peakIops')).toEqual({ p: 0.1, significant: false });
    // Two against two, separated: p = 1/3.
    expect(differenceOf(fold([1, 2], 0), fold([1, 2], 100), 'peakIops')!.p).toBeCloseTo(1 / 3, 9);
    expect(differenceOf(fold([1], 0), high, 'peakIops')).toBeNull();
    expect(differenceOf(high, fold([1], 0), 'peakIops')).toBeNull();
    expect(differenceOf(run(1), high, 'peakIops')).toBeNull();
    expect(differenceOf(high, run(1), 'peakIops')).toBeNull();
    const unmeasured = foldRepetitions('a', 'composer', [run(1, { deployTimeS: null }), run(2, { deployTimeS: null })], []);
    expect(differenceOf(unmeasured, high, 'deployTimeS')).toBeNull();
  });
});
