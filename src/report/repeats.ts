/**
 * Repeated runs (`--repeat N`): the runs of one arm folded into one summary, every figure the
 * median over the runs, with the spread per metric, and the significance of a difference
 * between two sets of runs.
 */
import { METRICS } from '../contract/metric-catalog.js';
import type { Method } from '../contract/method.js';
import type { ArmSummary, MetricStats, OperationSummary, PhaseSummary } from '../contract/summary.js';
import { describe, mannWhitneyP, median, SIGNIFICANCE_LEVEL } from './statistics.js';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function medianOrNull(values: (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : median(present);
}

function roundedStats(values: number[]): MetricStats {
  const stats = describe(values);
  const r = (value: number) => round(value, 3);
  return { n: stats.n, mean: r(stats.mean), median: r(stats.median), sd: r(stats.sd), min: r(stats.min), max: r(stats.max), ci95: [r(stats.ci95[0]), r(stats.ci95[1])], outliers: stats.outliers.map(r) };
}

/** The values of one metric over the runs (those that measured it). */
export function metricValues(runs: ArmSummary[], metric: string): number[] {
  const spec = METRICS.get(metric)!;
  return runs.map((run) => spec.read(run)).filter((value): value is number => value !== null);
}

/** One arm's repetitions folded: medians, `stats` per metric, each run kept. */
export function foldRepetitions(name: string, method: Method, runs: ArmSummary[], warmups: ArmSummary[]): ArmSummary {
  const pick = (read: (run: ArmSummary) => number | null) => medianOrNull(runs.map(read));
  const whole = (read: (run: ArmSummary) => number | null) => {
    const value = pick(read);
    return value === null ? 0 : Math.round(value);
  };
  const decimal = (read: (run: ArmSummary) => number | null) => {
    const value = pick(read);
    return value === null ? null : round(value);
  };
  const phases = foldPhases(runs.map((run) => run.phases));
  const stats: Record<string, MetricStats> = {};
  for (const metric of METRICS.keys()) {
    const values = metricValues(runs, metric);
    if (values.length > 0) stats[metric] = roundedStats(values);
  }
  return {
    name, method,
    desktops: { requested: runs[0]?.desktops.requested ?? 0, ready: whole((run) => run.desktops.ready), failed: whole((run) => run.desktops.failed) },
    deployTimeS: decimal((run) => run.deployTimeS),
    phases,
    peakIops: whole((run) => run.peakIops),
    avgIops: whole((run) => run.avgIops),
    totalIos: whole((run) => run.totalIos),
    peakCpuPct: decimal((run) => run.peakCpuPct) ?? 0,
    avgCpuPct: decimal((run) => run.avgCpuPct) ?? 0,
    desktopReadyS: { p50: decimal((run) => run.desktopReadyS.p50), p95: decimal((run) => run.desktopReadyS.p95), max: decimal((run) => run.desktopReadyS.max) },
    retries: whole((run) => run.retries),
    stats,
    ...foldOperations(runs),
    repetitions: runs,
    ...(warmups.length > 0 ? { warmups } : {}),
  };
}

/** Phases over runs: each phase's median start and duration. */
function foldPhases(runs: PhaseSummary[][]): PhaseSummary[] {
  const names = [...new Set(runs.flatMap((phases) => phases.map((phase) => phase.name)))];
  return names.map((phaseName): PhaseSummary => {
    const of = (phases: PhaseSummary[]) => phases.find((phase) => phase.name === phaseName);
    const decimal = (read: (phase: PhaseSummary | undefined) => number | null) => {
      const value = medianOrNull(runs.map((phases) => read(of(phases))));
      return value === null ? 0 : round(value);
    };
    return {
      name: phaseName,
      startS: decimal((phase) => phase?.startS ?? null),
      durationS: decimal((phase) => phase?.durationS ?? null),
      performed: runs.every((phases) => of(phases)?.performed !== false),
    };
  });
}

/** Each day-2 operation over the runs that ran it: every figure the median. */
function foldOperations(runs: ArmSummary[]): Pick<ArmSummary, 'operations'> {
  const first = runs[0]?.operations;
  if (!first) return {};
  const operations = first.map((template): OperationSummary => {
    const those = runs.flatMap((run) => run.operations?.filter((operation) => operation.name === template.name) ?? []);
    const pick = (read: (operation: OperationSummary) => number | null) => medianOrNull(those.map(read));
    const decimal = (read: (operation: OperationSummary) => number | null) => {
      const value = pick(read);
      return value === null ? null : round(value);
    };
    const whole = (read: (operation: OperationSummary) => number | null) => Math.round(pick(read) ?? 0);
    return {
      name: template.name,
      startS: decimal((operation) => operation.startS) ?? 0,
      durationS: decimal((operation) => operation.durationS) ?? 0,
      users: template.users,
      desktops: { total: whole((operation) => operation.desktops.total), done: whole((operation) => operation.desktops.done), failed: whole((operation) => operation.desktops.failed) },
      windowS: decimal((operation) => operation.windowS),
      unavailableDesktopS: whole((operation) => operation.unavailableDesktopS),
      peakUnavailable: whole((operation) => operation.peakUnavailable),
      downtimeS: { p50: decimal((operation) => operation.downtimeS.p50), p95: decimal((operation) => operation.downtimeS.p95), max: decimal((operation) => operation.downtimeS.max) },
      phases: foldPhases(those.map((operation) => operation.phases)),
      peakIops: whole((operation) => operation.peakIops),
      avgIops: whole((operation) => operation.avgIops),
      totalIos: whole((operation) => operation.totalIos),
      peakCpuPct: decimal((operation) => operation.peakCpuPct) ?? 0,
      avgCpuPct: decimal((operation) => operation.avgCpuPct) ?? 0,
    };
  });
  return { operations };
}

export interface Difference {
  /** Two-sided Mann–Whitney U p-value. */
  p: number;
  significant: boolean;
}

/** Whether two sets of runs differ on a metric beyond chance (both need at least two runs). */
export function differenceOf(a: ArmSummary, b: ArmSummary, metric: string): Difference | null {
  const left = metricValues(a.repetitions ?? [], metric);
  const right = metricValues(b.repetitions ?? [], metric);
  if (left.length < 2 || right.length < 2) return null;
  const p = mannWhitneyP(left, right);
  return { p, significant: p < SIGNIFICANCE_LEVEL };
}
