/**
 * The regression gate: a run's summary against a baseline (allowed regression per metric)
 * and against expected-value bands. One check per arm x metric; any failure makes the run
 * a regression (exit code 99).
 */
import { InputError } from '../contract/errors.js';
import { checkMetricName, METRICS } from '../contract/metric-catalog.js';
import type { ArmSummary, GateCheck, GateResult, RunSummary } from '../contract/summary.js';
import { differenceOf, metricValues, type Difference } from './repeats.js';

export interface Band {
  min?: number;
  max?: number;
}

export interface GateSpec {
  /** Metric name -> allowed regression as a fraction (0.1 = 10 %): only getting worse fails. */
  maxRegression: Map<string, number>;
  /** Metric name -> allowed change either way (two-sided): a 51 % drop in IOPS is as suspect as a rise. */
  maxChange?: Map<string, number>;
  /** Arm name -> metric name -> band. */
  bands: Map<string, Map<string, Band>>;
}

/** `deployTimeS=10%,peakIops=15%` (a bare number is a percentage too). */
export function parseMaxRegression(text: string, where = '--max-regression'): Map<string, number> {
  const limits = new Map<string, number>();
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_.-]+)\s*=\s*(\d+(?:\.\d+)?)\s*%?$/.exec(part);
    if (!match) throw new InputError(`${where}: "${part}" is not metric=percent, e.g. deployTimeS=10%`);
    checkMetricName(match[1]!, where);
    limits.set(match[1]!, Number(match[2]) / 100);
  }
  if (limits.size === 0) throw new InputError(`${where}: name at least one metric, e.g. deployTimeS=10%`);
  return limits;
}

const fmt = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : Number(value.toFixed(3)).toString());

export function evaluateGate(summary: RunSummary, spec: GateSpec, baseline?: RunSummary, baselineName?: string): GateResult {
  const checks: GateCheck[] = [];
  const maxChange = spec.maxChange ?? new Map<string, number>();
  if (baseline && (spec.maxRegression.size > 0 || maxChange.size > 0)) {
    for (const arm of summary.arms) {
      const reference = baseline.arms.find((candidate) => candidate.name === arm.name);
      if (!reference) {
        throw new InputError(`--baseline: the baseline run has no arm "${arm.name}" (it has: ${baseline.arms.map((candidate) => candidate.name).join(', ')})`);
      }
      for (const [metric, allowed] of spec.maxRegression) checks.push(regressionCheck(arm, reference, metric, allowed));
      for (const [metric, allowed] of maxChange) checks.push(changeCheck(arm, reference, metric, allowed));
    }
  }
  for (const [armName, metrics] of spec.bands) {
    const arm = summary.arms.find((candidate) => candidate.name === armName);
    if (!arm) throw new InputError(`gate.expect: the run has no arm "${armName}" (it has: ${summary.arms.map((candidate) => candidate.name).join(', ')})`);
    for (const [metric, band] of metrics) checks.push(bandCheck(arm, metric, band));
  }
  const failed = checks.filter((check) => !check.passed).length;
  return { passed: failed === 0, ...(baselineName !== undefined ? { baseline: baselineName } : {}), failed, checks };
}

/** "passed: 6 of 6 checks" / "REGRESSION: 2 of 6 checks failed". */
export function gateVerdict(result: GateResult): string {
  return result.passed
    ? `passed: ${result.checks.length} of ${result.checks.length} checks`
    : `REGRESSION: ${result.failed} of ${result.checks.length} checks failed`;
}

/** Two-sided: the value may move at most `allowed` either way from the baseline. */
function changeCheck(arm: ArmSummary, reference: ArmSummary, metric: string, allowed: number): GateCheck {
  const spec = METRICS.get(metric)!;
  const value = spec.read(arm);
  const baseline = spec.read(reference);
  const pct = `${Number((allowed * 100).toFixed(3))}%`;
  const common = { arm: arm.name, metric, kind: 'change' as const, value, baseline, limit: `within ±${pct} of baseline ${fmt(baseline)}` };
  if (value === null || baseline === null) {
    const passed = value === baseline;
    return { ...common, passed, message: passed ? `${metric} not measured in either run` : `${metric} is ${fmt(value)}, baseline ${fmt(baseline)}: cannot compare` };
  }
  const epsilon = 1e-9 * Math.max(1, Math.abs(baseline));
  const difference = differenceOf(arm, reference, metric);
  const passed = Math.abs(value - baseline) <= allowed * Math.abs(baseline) + epsilon || (difference !== null && !difference.significant);
  const change = baseline !== 0 ? ((value - baseline) / Math.abs(baseline)) * 100 : 0;
  return { ...common, passed, message: `${metric} ${fmt(value)} ${spec.unit} vs baseline ${fmt(baseline)} (${change >= 0 ? '+' : ''}${change.toFixed(1)}%, allowed ±${pct})${significanceNote(arm, reference, metric, difference)}` };
}

function regressionCheck(arm: ArmSummary, reference: ArmSummary, metric: string, allowed: number): GateCheck {
  const spec = METRICS.get(metric)!;
  const value = spec.read(arm);
  const baseline = spec.read(reference);
  const pct = `${Number((allowed * 100).toFixed(3))}%`;
  const common = { arm: arm.name, metric, kind: 'regression' as const, value, baseline };
  if (value === null || baseline === null) {
    const passed = value === baseline;
    return { ...common, limit: `within ${pct} of baseline`, passed, message: passed ? `${metric} not measured in either run` : `${metric} is ${fmt(value)}, baseline ${fmt(baseline)}: cannot compare` };
  }
  const limit = spec.higherIsWorse ? baseline * (1 + allowed) : baseline * (1 - allowed);
  // A tiny epsilon so a run compared with itself always passes.
  const epsilon = 1e-9 * Math.max(1, Math.abs(baseline));
  const beyond = spec.higherIsWorse ? value > limit + epsilon : value < limit - epsilon;
  // Repeated runs on both sides: a change beyond the margin fails only when it is also more than chance.
  const difference = differenceOf(arm, reference, metric);
  const passed = !beyond || (difference !== null && !difference.significant);
  const change = baseline !== 0 ? ((value - baseline) / Math.abs(baseline)) * 100 : 0;
  const direction = spec.higherIsWorse ? 'at most' : 'at least';
  return {
    ...common,
    limit: `${direction} ${fmt(limit)} (baseline ${fmt(baseline)} ${spec.higherIsWorse ? '+' : '-'}${pct})${difference ? ', and significant (Mann–Whitney p < 0.05)' : ''}`,
    passed,
    message: `${metric} ${fmt(value)} ${spec.unit} vs baseline ${fmt(baseline)} (${change >= 0 ? '+' : ''}${change.toFixed(1)}%, allowed ${spec.higherIsWorse ? '+' : '-'}${pct})${significanceNote(arm, reference, metric, difference)}`,
  };
}

/** `; medians of 5 and 5 runs, p = 0.008 (significant)`: what a repeated comparison rests on. */
function significanceNote(arm: ArmSummary, reference: ArmSummary, metric: string, difference: Difference | null): string {
  if (!difference) return '';
  const n = (summary: ArmSummary) => metricValues(summary.repetitions ?? [], metric).length;
  return `; medians of ${n(arm)} and ${n(reference)} runs, Mann–Whitney p = ${difference.p.toFixed(3)} (${difference.significant ? 'significant' : 'not significant: within the runs\' spread'})`;
}

function bandCheck(arm: ArmSummary, metric: string, band: Band): GateCheck {
  const spec = METRICS.get(metric)!;
  const value = spec.read(arm);
  const limit = [band.min !== undefined ? `>= ${band.min}` : '', band.max !== undefined ? `<= ${band.max}` : ''].filter(Boolean).join(' and ');
  const passed = value !== null && (band.min === undefined || value >= band.min) && (band.max === undefined || value <= band.max);
  return {
    arm: arm.name, metric, kind: 'band', value, limit, passed,
    message: `${metric} ${fmt(value)} ${spec.unit}, expected ${limit}`,
  };
}
