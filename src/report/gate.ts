/**
 * The regression gate: a run's summary against a baseline (allowed regression per metric)
 * and against expected-value bands. One check per arm x metric; any failure makes the run
 * a regression (exit code 99).
 */
import { InputError } from '../errors.js';
import { closest } from '../suggest.js';
import { METRIC_NAMES, METRICS } from './metrics.js';
import type { ArmSummary, RunSummary } from './summary-types.js';

export const EXIT_REGRESSION = 99;

export interface Band {
  min?: number;
  max?: number;
}

export interface GateSpec {
  /** Metric name -> allowed regression as a fraction (0.1 = 10 %). */
  maxRegression: Map<string, number>;
  /** Arm name -> metric name -> band. */
  bands: Map<string, Map<string, Band>>;
}

export interface GateCheck {
  arm: string;
  metric: string;
  kind: 'regression' | 'band';
  value: number | null;
  baseline?: number | null;
  /** The limit the value was held to. */
  limit: string;
  passed: boolean;
  message: string;
}

export interface GateResult {
  checks: GateCheck[];
  passed: boolean;
}

export function checkMetricName(name: string, where: string): void {
  if (METRICS.has(name)) return;
  const guess = closest(name, METRIC_NAMES);
  throw new InputError(`${where}: unknown metric "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${METRIC_NAMES.join(', ')}`);
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

export function evaluateGate(summary: RunSummary, spec: GateSpec, baseline?: RunSummary): GateResult {
  const checks: GateCheck[] = [];
  if (baseline && spec.maxRegression.size > 0) {
    for (const arm of summary.arms) {
      const reference = baseline.arms.find((candidate) => candidate.name === arm.name);
      if (!reference) {
        throw new InputError(`--baseline: the baseline run has no arm "${arm.name}" (it has: ${baseline.arms.map((candidate) => candidate.name).join(', ')})`);
      }
      for (const [metric, allowed] of spec.maxRegression) checks.push(regressionCheck(arm, reference, metric, allowed));
    }
  }
  for (const [armName, metrics] of spec.bands) {
    const arm = summary.arms.find((candidate) => candidate.name === armName);
    if (!arm) throw new InputError(`gate.expect: the run has no arm "${armName}" (it has: ${summary.arms.map((candidate) => candidate.name).join(', ')})`);
    for (const [metric, band] of metrics) checks.push(bandCheck(arm, metric, band));
  }
  return { checks, passed: checks.every((check) => check.passed) };
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
  const passed = spec.higherIsWorse ? value <= limit + epsilon : value >= limit - epsilon;
  const change = baseline !== 0 ? ((value - baseline) / Math.abs(baseline)) * 100 : 0;
  const direction = spec.higherIsWorse ? 'at most' : 'at least';
  return {
    ...common,
    limit: `${direction} ${fmt(limit)} (baseline ${fmt(baseline)} ${spec.higherIsWorse ? '+' : '-'}${pct})`,
    passed,
    message: `${metric} ${fmt(value)} ${spec.unit} vs baseline ${fmt(baseline)} (${change >= 0 ? '+' : ''}${change.toFixed(1)}%, allowed ${spec.higherIsWorse ? '+' : '-'}${pct})`,
  };
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
