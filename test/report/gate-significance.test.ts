/**
 * The gate on repeated runs (`--repeat N` on both sides): a change beyond the margin fails
 * only when Mann–Whitney also calls it significant. And the parts of the result around
 * the checks: the baseline's name, two-sided limits at their edges, the verdict line.
 */
import { describe, expect, it } from 'vitest';
import type { ArmSummary, RunSummary } from '../../src/contract/summary.js';
import { evaluateGate, gateVerdict, parseMaxRegression } from '../../src/report/gate.js';
import { foldRepetitions } from '../../src/report/repeats.js';

function arm(deployTimeS: number | null, peakIops = 1000, name = 'composer'): ArmSummary {
  return {
    name, method: 'composer', desktops: { requested: 10, ready: 10, failed: 0 }, deployTimeS, phases: [],
    peakIops, avgIops: 500, totalIos: 1e5, peakCpuPct: 50, avgCpuPct: 20, retries: 0, desktopReadyS: { p50: 1, p95: 2, max: 3 },
  };
}
const summary = (...arms: ArmSummary[]): RunSummary => ({ runId: 'r', scenario: 's', driver: 'sim', status: 'completed', runDir: '.', arms });
/** One arm folded from runs with these deploy times (and peak IOPS). */
const repeated = (deploy: number[], iops: number[] = deploy.map(() => 1000)) =>
  foldRepetitions('composer', 'composer', deploy.map((value, index) => arm(value, iops[index])), []);
const regression = (text: string) => ({ maxRegression: parseMaxRegression(text), bands: new Map() });
const change = (text: string) => ({ maxRegression: new Map<string, number>(), maxChange: parseMaxRegression(text), bands: new Map() });

describe('regression checks on repeated runs', () => {
  it('beyond the margin but within the runs\' spread (3 against 3, p = 0.1): passes, and says why', () => {
    const result = evaluateGate(summary(repeated([130, 131, 132])), regression('deployTimeS=10%'), summary(repeated([100, 101, 102])));
    expect(result.checks[0]).toMatchObject({
      passed: true, value: 131, baseline: 101,
      limit: 'at most 111.1 (baseline 101 +10%), and significant (Mann–Whitney p < 0.05)',
      message: 'deployTimeS 131 s vs baseline 101 (+29.7%, allowed +10%); medians of 3 and 3 runs, Mann–Whitney p = 0.100 (not significant: within the runs\' spread)',
    });
    expect(result.passed).toBe(true);
  });

  it('beyond the margin and significant (5 against 5, p = 0.008): fails', () => {
    const result = evaluateGate(summary(repeated([130, 131, 132, 133, 134])), regression('deployTimeS=10%'), summary(repeated([100, 101, 102, 103, 104])));
    expect(result.checks[0]).toMatchObject({
      passed: false,
      message: 'deployTimeS 132 s vs baseline 102 (+29.4%, allowed +10%); medians of 5 and 5 runs, Mann–Whitney p = 0.008 (significant)',
    });
    expect(gateVerdict(result)).toBe('REGRESSION: 1 of 1 checks failed');
  });

  it('within the margin passes whatever the test says', () => {
    const result = evaluateGate(summary(repeated([103, 104, 105, 106, 107])), regression('deployTimeS=10%'), summary(repeated([100, 101, 102, 103, 104])));
    expect(result.checks[0]!.passed).toBe(true);
    expect(result.checks[0]!.message).toMatch(/\(significant\)$|not significant/);
  });

  it('a single run on either side: the margin alone decides, and nothing is said about significance', () => {
    for (const [current, baseline] of [[summary(arm(131)), summary(repeated([100, 101, 102]))], [summary(repeated([130, 131, 132])), summary(arm(101))]] as const) {
      const check = evaluateGate(current, regression('deployTimeS=10%'), baseline).checks[0]!;
      expect(check.passed).toBe(false);
      expect(check.limit).toBe('at most 111.1 (baseline 101 +10%)');
      expect(check.message).toBe('deployTimeS 131 s vs baseline 101 (+29.7%, allowed +10%)');
    }
  });

  it('counts the runs that measured the metric', () => {
    const current = foldRepetitions('composer', 'composer', [arm(130), arm(131), arm(null), arm(132)], []);
    const check = evaluateGate(summary(current), regression('deployTimeS=10%'), summary(repeated([100, 101]))).checks[0]!;
    expect(check.message).toContain('; medians of 3 and 2 runs, Mann–Whitney p = 0.200 (not significant: within the runs\' spread)');
  });
});

describe('two-sided checks (maxChange)', () => {
  it('on repeated runs, a move beyond the margin passes when not significant and fails when it is', () => {
    const notSignificant = evaluateGate(summary(repeated([100, 100, 100], [500, 510, 520])), change('peakIops=10%'), summary(repeated([100, 100, 100], [1000, 1010, 1020])));
    expect(notSignificant.checks[0]).toMatchObject({
      kind: 'change', passed: true, limit: 'within ±10% of baseline 1010',
      message: 'peakIops 510 IOPS vs baseline 1010 (-49.5%, allowed ±10%); medians of 3 and 3 runs, Mann–Whitney p = 0.100 (not significant: within the runs\' spread)',
    });
    const significant = evaluateGate(summary(repeated([1, 1, 1, 1, 1], [500, 501, 502, 503, 504])), change('peakIops=10%'), summary(repeated([1, 1, 1, 1, 1], [1000, 1001, 1002, 1003, 1004])));
    expect(significant.checks[0]).toMatchObject({ passed: false });
    expect(significant.checks[0]!.message).toBe('peakIops 502 IOPS vs baseline 1002 (-49.9%, allowed ±10%); medians of 5 and 5 runs, Mann–Whitney p = 0.008 (significant)');
  });

  it('exactly at the margin passes either way; a hair beyond fails; a rise says +', () => {
    const run = (value: number) => evaluateGate(summary(arm(value)), change('deployTimeS=10%'), summary(arm(200))).checks[0]!;
    expect(run(220).passed).toBe(true);
    expect(run(180).passed).toBe(true);
    expect(run(220.001).passed).toBe(false);
    expect(run(179.999).passed).toBe(false);
    expect(run(230).message).toBe('deployTimeS 230 s vs baseline 200 (+15.0%, allowed ±10%)');
    expect(run(200).message).toBe('deployTimeS 200 s vs baseline 200 (+0.0%, allowed ±10%)');
  });

  it('a negative baseline is measured by its size', () => {
    // No catalog metric goes negative today; the arithmetic must not flip the band if one does.
    const check = evaluateGate(summary(arm(-95)), change('deployTimeS=10%'), summary(arm(-100))).checks[0]!;
    expect(check.passed).toBe(true);
    expect(check.message).toBe('deployTimeS -95 s vs baseline -100 (+5.0%, allowed ±10%)');
    expect(evaluateGate(summary(arm(-120)), change('deployTimeS=10%'), summary(arm(-100))).checks[0]!.passed).toBe(false);
  });

  it('a zero baseline allows no move at all and reports no percentage', () => {
    const still = evaluateGate(summary(arm(0)), change('deployTimeS=50%'), summary(arm(0))).checks[0]!;
    expect(still).toMatchObject({ passed: true, message: 'deployTimeS 0 s vs baseline 0 (+0.0%, allowed ±50%)' });
    const moved = evaluateGate(summary(arm(0.001)), change('deployTimeS=50%'), summary(arm(0))).checks[0]!;
    expect(moved).toMatchObject({ passed: false, message: 'deployTimeS 0.001 s vs baseline 0 (+0.0%, allowed ±50%)' });
  });

  it('not measured in either run passes; a run compared with itself passes with float sums', () => {
    expect(evaluateGate(summary(arm(null)), change('deployTimeS=10%'), summary(arm(null))).checks[0]).toMatchObject({ passed: true, message: 'deployTimeS not measured in either run', limit: 'within ±10% of baseline n/a' });
    expect(evaluateGate(summary(arm(0.1 + 0.2)), change('deployTimeS=0%'), summary(arm(0.3))).checks[0]!.passed).toBe(true);
    expect(evaluateGate(summary(arm(3e12 + 0.001)), change('deployTimeS=0%'), summary(arm(3e12))).checks[0]!.passed).toBe(true);
  });

  it('two-sided limits alone are enough to compare with the baseline; both kinds run side by side', () => {
    const result = evaluateGate(summary(arm(300), arm(300, 1000, 'instant')), { ...change('deployTimeS=10%'), maxRegression: parseMaxRegression('peakIops=5%') }, summary(arm(300), arm(300, 1000, 'instant')));
    expect(result.checks.map((check) => [check.arm, check.kind, check.metric])).toEqual([
      ['composer', 'regression', 'peakIops'], ['composer', 'change', 'deployTimeS'],
      ['instant', 'regression', 'peakIops'], ['instant', 'change', 'deployTimeS'],
    ]);
    expect(gateVerdict(result)).toBe('passed: 4 of 4 checks');
  });
});

describe('messages at the edges', () => {
  it('a two-sided check with no baseline figure cannot compare; the flag is named by default; every arm is listed', () => {
    const check = evaluateGate(summary(arm(300)), change('deployTimeS=10%'), summary(arm(null))).checks[0]!;
    expect(check).toMatchObject({ passed: false, message: 'deployTimeS is 300, baseline n/a: cannot compare' });
    expect(() => parseMaxRegression('deployTimeS')).toThrow('--max-regression: "deployTimeS" is not metric=percent, e.g. deployTimeS=10%');
    expect(() => evaluateGate(summary(arm(1), arm(1, 1, 'instant')), { maxRegression: new Map(), bands: new Map([['ghost', new Map([['deployTimeS', { max: 1 }]])]]) }))
      .toThrow('gate.expect: the run has no arm "ghost" (it has: composer, instant)');
  });
});

describe('the gate result', () => {
  it('names the baseline it compared with, when given', () => {
    const named = evaluateGate(summary(arm(100)), regression('deployTimeS=10%'), summary(arm(100)), 'reports/2026-11-26-run');
    expect(named).toEqual({ passed: true, baseline: 'reports/2026-11-26-run', failed: 0, checks: [expect.objectContaining({ passed: true })] });
    const unnamed = evaluateGate(summary(arm(100)), regression('deployTimeS=10%'), summary(arm(100)));
    expect('baseline' in unnamed).toBe(false);
    expect(evaluateGate(summary(arm(100)), regression('deployTimeS=10%'), summary(arm(100)), '').baseline).toBe('');
  });

  it('counts failures; no check at all is a pass', () => {
    const empty = evaluateGate(summary(arm(100)), { maxRegression: new Map(), bands: new Map() }, summary(arm(500)));
    expect(empty).toEqual({ passed: true, failed: 0, checks: [] });
    expect(gateVerdict(empty)).toBe('passed: 0 of 0 checks');
    const bands = evaluateGate(summary(arm(100)), { maxRegression: new Map(), bands: new Map([['composer', new Map([['deployTimeS', { max: 50 }], ['peakIops', { min: 1 }]])]]) });
    expect(bands).toMatchObject({ passed: false, failed: 1 });
    expect(gateVerdict(bands)).toBe('REGRESSION: 1 of 2 checks failed');
  });
});
