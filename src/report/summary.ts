/**
 * From a stored run to its summary: pure functions of the run record and the samples as
 * the run store holds them. The report model (model.ts) calls them once per run.
 */
import type { ArmSample } from '../contract/observations.js';
import type { ArmRecord, OperationRecord } from '../contract/run-record.js';
import type { ArmSummary, ClusterLoad, OperationSummary } from '../contract/summary.js';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * One point of the cluster-wide series: all hosts' samples that end at the same instant.
 * Storage IOPS are disk-side when the source gives them, else hypervisor-side; a value no
 * host gave is null (a gap).
 */
export interface ClusterPoint {
  tS: number;
  /** Length of the interval this point averages. */
  intervalS: number;
  iops: number | null;
  readIops: number | null;
  writeIops: number | null;
  hostIops: number | null;
  cpuPct: number | null;
}

/** Sum of the values present; null when none is. */
function sumPresent(values: (number | null)[]): number | null {
  let sum: number | null = null;
  for (const value of values) if (value !== null) sum = (sum ?? 0) + value;
  return sum;
}

function clusterSeries(samples: ArmSample[], clusterCpuMhz: number): ClusterPoint[] {
  const byTime = new Map<number, ArmSample[]>();
  for (const sample of samples) {
    const group = byTime.get(sample.timeMs);
    if (group) group.push(sample);
    else byTime.set(sample.timeMs, [sample]);
  }
  const points: ClusterPoint[] = [];
  let previousS = 0;
  for (const timeMs of [...byTime.keys()].sort((a, b) => a - b)) {
    const group = byTime.get(timeMs)!;
    const tS = group[0]!.tS;
    const diskRead = sumPresent(group.map((sample) => sample.diskReadIops));
    const diskWrite = sumPresent(group.map((sample) => sample.diskWriteIops));
    const hostRead = sumPresent(group.map((sample) => sample.readIops));
    const hostWrite = sumPresent(group.map((sample) => sample.writeIops));
    const hostIops = sumPresent([hostRead, hostWrite]);
    const diskSide = diskRead !== null || diskWrite !== null;
    const readIops = diskSide ? diskRead : hostRead;
    const writeIops = diskSide ? diskWrite : hostWrite;
    const cpuMhz = sumPresent(group.map((sample) => sample.cpuMhz));
    const cpuPcts = group.flatMap((sample) => (sample.cpuPct === null ? [] : [sample.cpuPct]));
    const meanCpuPct = cpuPcts.length > 0 ? cpuPcts.reduce((sum, value) => sum + value, 0) / cpuPcts.length : null;
    const everyHostMhz = group.every((sample) => sample.cpuMhz !== null);
    points.push({
      tS,
      intervalS: Math.max(0, tS - previousS),
      iops: sumPresent([readIops, writeIops]),
      readIops,
      writeIops,
      hostIops,
      // The hosts' own percentages (what vCenter reports as cpu.usage); MHz over capacity only where they are missing.
      cpuPct: cpuPcts.length < group.length && clusterCpuMhz > 0 && cpuMhz !== null && everyHostMhz
        ? (100 * cpuMhz) / clusterCpuMhz
        : meanCpuPct,
    });
    previousS = tS;
  }
  return points;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** One arm's cluster-wide series. */
export function armSeries(samples: ArmSample[], armName: string, clusterCpuMhz: number): ClusterPoint[] {
  return clusterSeries(samples.filter((sample) => sample.arm === armName), clusterCpuMhz);
}

/** Samples' times are rounded to the millisecond in the folder: a point this close to a boundary is on it. */
const BOUNDARY_S = 0.002;

/** The points of `series` in (fromS, toS]: one step's samples (each step samples on its own). */
export function pointsWithin(series: ClusterPoint[], fromS: number, toS: number): ClusterPoint[] {
  return series.filter((point) => point.tS > fromS + BOUNDARY_S && point.tS <= toS + BOUNDARY_S);
}

function loadFigures(series: ClusterPoint[]): ClusterLoad {
  // Gaps count neither as zero nor as time: averages cover the intervals that have data.
  const withIops = series.filter((point) => point.iops !== null);
  const withCpu = series.filter((point) => point.cpuPct !== null);
  const totalIos = withIops.reduce((sum, point) => sum + point.iops! * point.intervalS, 0);
  const spanS = withIops.reduce((sum, point) => sum + point.intervalS, 0);
  const cpuSpanS = withCpu.reduce((sum, point) => sum + point.intervalS, 0);
  const cpuSeconds = withCpu.reduce((sum, point) => sum + point.cpuPct! * point.intervalS, 0);
  const max = (values: number[]) => values.reduce((best, value) => Math.max(best, value), 0);
  return {
    peakIops: Math.round(max(withIops.map((point) => point.iops!))),
    avgIops: spanS > 0 ? Math.round(totalIos / spanS) : 0,
    totalIos: Math.round(totalIos),
    peakCpuPct: round(max(withCpu.map((point) => point.cpuPct!))),
    avgCpuPct: cpuSpanS > 0 ? round(cpuSeconds / cpuSpanS) : 0,
  };
}

function percentiles(values: number[]): { p50: number | null; p95: number | null; max: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  const p = (fraction: number) => {
    const value = percentile(sorted, fraction);
    return value === null ? null : round(value);
  };
  return { p50: p(0.5), p95: p(0.95), max: p(1) };
}

/**
 * Whether a time (seconds since the arm started) is in the arm's deployment: with day-2
 * operations the arm samples on after it; without, every sample is the deployment's.
 */
export function inDeployment(arm: ArmRecord | undefined): (tS: number) => boolean {
  if (!arm?.operations?.length) return () => true;
  const endS = (arm.endMs - arm.startMs) / 1000;
  return (tS) => tS <= endS + BOUNDARY_S;
}

export function summarizeArm(arm: ArmRecord, series: ClusterPoint[]): ArmSummary {
  const readyTimes = arm.desktops.flatMap((desktop) => (desktop.readyS === undefined ? [] : [desktop.readyS])).sort((a, b) => a - b);
  const failed = arm.desktops.filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined).length;
  // With day-2 operations the arm samples on: the deployment's figures are its own samples'.
  const deploying = inDeployment(arm);
  const deploySeries = series.filter((point) => deploying(point.tS));
  const summary: ArmSummary = {
    name: arm.name,
    method: arm.method,
    desktops: { requested: arm.desktopsRequested, ready: readyTimes.length, failed },
    deployTimeS: readyTimes.length ? round(readyTimes[readyTimes.length - 1]!) : null,
    phases: arm.phases.map((phase) => ({ name: phase.name, startS: round(phase.startS), durationS: round(phase.durationS), performed: phase.performed })),
    ...loadFigures(deploySeries),
    desktopReadyS: percentiles(readyTimes),
    // Each desktop's `retries` (contract/run-record.ts); a run stored before retries were counted has none.
    retries: arm.desktops.reduce((sum, desktop) => sum + (desktop.retries ?? 0), 0),
  };
  if (arm.operations?.length) summary.operations = arm.operations.map((operation) => summarizeOperation(arm, operation, series));
  return summary;
}

/** One day-2 operation's figures: its window, the downtime it caused, and its load on the cluster. */
function summarizeOperation(arm: ArmRecord, operation: OperationRecord, series: ClusterPoint[]): OperationSummary {
  const durationS = (operation.endMs - operation.startMs) / 1000;
  const startS = (operation.startMs - arm.startMs) / 1000;
  // Unavailable from when the operation took the desktop (its user gone: forced off once the
  // operation was ready for it, or left on their own) until back in service, or until the
  // operation ended for one that never came back.
  const spans = operation.desktops.flatMap((desktop) => (desktop.outS === undefined ? [] : [{ outS: desktop.outS, backS: desktop.readyS ?? durationS }]));
  const downtimes = spans.map((span) => Math.max(0, span.backS - span.outS));
  const firstOutS = spans.reduce((first, span) => Math.min(first, span.outS), Infinity);
  const lastBackS = spans.reduce((last, span) => Math.max(last, span.backS), -Infinity);
  return {
    name: operation.name,
    startS: round(startS),
    durationS: round(durationS),
    users: { policy: operation.users.policy, loggedInPct: operation.users.loggedInPct },
    desktops: {
      total: operation.desktopsInPool ?? operation.desktops.length,
      done: operation.desktops.filter((desktop) => desktop.readyS !== undefined).length,
      failed: operation.desktops.filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined).length,
    },
    windowS: spans.length > 0 ? round(lastBackS - firstOutS) : null,
    unavailableDesktopS: Math.round(downtimes.reduce((sum, value) => sum + value, 0)),
    peakUnavailable: peakConcurrent(spans),
    downtimeS: percentiles(downtimes),
    phases: operation.phases.map((phase) => ({ name: phase.name, startS: round(phase.startS), durationS: round(phase.durationS), performed: phase.performed })),
    ...loadFigures(pointsWithin(series, startS, startS + durationS)),
  };
}

/** Most spans open at once (a span closing at the instant another opens does not overlap it). */
function peakConcurrent(spans: { outS: number; backS: number }[]): number {
  const edges = spans.flatMap((span) => [{ atS: span.outS, delta: 1 }, { atS: span.backS, delta: -1 }])
    .sort((a, b) => a.atS - b.atS || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const edge of edges) {
    open += edge.delta;
    peak = Math.max(peak, open);
  }
  return peak;
}
