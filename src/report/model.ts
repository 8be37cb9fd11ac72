/**
 * The report model: everything an exporter shows, computed once from a stored run. The
 * summary is computed here and only here (from the run as the run store holds it); HTML,
 * CSV, JSON, JUnit and the terminal only format this model.
 */
import { clusterCpuMhz } from '../contract/cluster.js';
import type { ArmSample } from '../contract/observations.js';
import type { ArmRecord, RunRecord } from '../contract/run-record.js';
import type { Method } from '../contract/method.js';
import { OPERATION_LABELS } from '../contract/operation.js';
import type { ArmSummary, RunSummary } from '../contract/summary.js';
import type { StoredRun } from '../run-store/read.js';
import { ARM_COLOURS } from './chart-library.js';
import { formatDesktopTime, formatNumber, formatSeconds } from './markup.js';
import { differenceOf, foldRepetitions } from './repeats.js';
import { armSeries, summarizeArm, type ClusterPoint } from './summary.js';

export interface ArmView {
  summary: ArmSummary;
  /** Undefined only for an arm a summary names that the record lacks (never for a stored run). */
  record: ArmRecord | undefined;
  /** The cluster-wide series the summary was computed from. */
  series: ClusterPoint[];
  /** Per host: its own storage IOPS (disk-side where known) and CPU % over the arm, for the per-host view. */
  hosts: HostSeries[];
}

export interface HostSeries {
  host: string;
  /** [seconds since the arm started, IOPS or null, CPU % or null] */
  points: [tS: number, iops: number | null, cpuPct: number | null][];
}

function hostSeries(samples: ArmSample[], armName: string): HostSeries[] {
  const byHost = new Map<string, HostSeries['points']>();
  for (const sample of samples) {
    if (sample.arm !== armName) continue;
    const diskSide = sample.diskReadIops !== null || sample.diskWriteIops !== null;
    const read = diskSide ? sample.diskReadIops : sample.readIops;
    const write = diskSide ? sample.diskWriteIops : sample.writeIops;
    const iops = read === null && write === null ? null : (read ?? 0) + (write ?? 0);
    let points = byHost.get(sample.host);
    if (!points) byHost.set(sample.host, (points = []));
    points.push([sample.tS, iops, sample.cpuPct]);
  }
  return [...byHost.entries()].map(([host, points]) => ({ host, points }));
}

/** One arm of a sweep: a method at one desktop count. */
export interface SweepPoint {
  arm: string;
  method: Method;
  desktops: number;
  deployTimeS: number | null;
  /** Desktops ready per minute over the whole deployment. */
  desktopsPerMin: number | null;
  peakIops: number;
  peakCpuPct: number;
}

/** A run whose arms differ only in desktop count: the scaling story. */
export interface Sweep {
  counts: number[];
  methods: Method[];
  points: SweepPoint[];
  /** The smallest count from which instant clones deploy faster than Composer, if they do only from some count on. */
  instantFasterFrom: number | null;
  /** Counts where each method was faster. */
  fasterAt: Record<Method, number[]>;
}

/** Repeated runs: one arm of the scenario and its runs (record arms). */
export interface RepeatedArm {
  name: string;
  method: Method;
  runs: ArmView[];
  warmups: ArmView[];
}

export interface ReportModel {
  record: RunRecord;
  summary: RunSummary;
  /** One per arm of the run folder (with --repeat: one per run of each arm). */
  arms: ArmView[];
  /** With --repeat: the scenario's arms, each with its runs; summary.arms then holds their folded summaries. */
  repeated?: RepeatedArm[];
  /** One or two sentences: which method was faster, which loaded storage less (per size in a sweep). */
  verdict: string;
  /** Present when the arms sweep the desktop count (at least two counts). */
  sweep?: Sweep;
  /** Per arm: its colour in every chart; in a sweep a shade of its method's colour, darker for more desktops. */
  colours: Record<string, string>;
}

/** @param runDir the run folder as the summary should name it (relative where it can be). */
export function buildReportModel(run: StoredRun, runDir: string): ReportModel {
  const { record } = run;
  const capacity = clusterCpuMhz(record.driver.inventory);
  const arms = record.arms.map((arm): ArmView => {
    const series = armSeries(run.samples, arm.name, capacity);
    return { summary: summarizeArm(arm, series), record: arm, series, hosts: hostSeries(run.samples, arm.name) };
  });
  const repeated = repeatedArms(arms);
  const summary: RunSummary = {
    runId: record.runId,
    scenario: record.scenario.name,
    driver: record.driver.name,
    status: record.status,
    runDir,
    arms: repeated
      ? repeated.map((group) => foldRepetitions(group.name, group.method, group.runs.map((run) => run.summary), group.warmups.map((run) => run.summary)))
      : arms.map((arm) => arm.summary),
  };
  const warnings = record.arms.flatMap((arm) => arm.warnings ?? []);
  if (warnings.length > 0) summary.warnings = warnings;
  const sweep = sweepOf(summary.arms);
  const deployTold = sweep ? sweepVerdict(sweep) : verdict(summary.arms);
  const operationsTold = operationsVerdict(summary.arms);
  const told = operationsTold ? `${deployTold} ${operationsTold}` : deployTold;
  return {
    record, summary, arms,
    ...(repeated ? { repeated } : {}),
    verdict: repeated ? `${told} ${significanceSentence(summary.arms)}` : told,
    ...(sweep ? { sweep } : {}),
    colours: armColours(summary.arms, sweep),
  };
}

/** Groups the runs of each scenario arm, in scenario order; undefined for a run without repetitions. */
function repeatedArms(arms: ArmView[]): RepeatedArm[] | undefined {
  if (!arms.some((arm) => arm.record?.repetitionOf !== undefined)) return undefined;
  const groups = new Map<string, RepeatedArm>();
  for (const arm of arms) {
    const name = arm.record?.repetitionOf ?? arm.summary.name;
    let group = groups.get(name);
    if (!group) groups.set(name, (group = { name, method: arm.summary.method, runs: [], warmups: [] }));
    (arm.record?.warmup ? group.warmups : group.runs).push(arm);
  }
  return [...groups.values()].filter((group) => group.runs.length > 0);
}

/** For repeated runs: is the difference in deploy time between the first two arms more than chance? */
function significanceSentence(arms: ArmSummary[]): string {
  const [a, b] = arms;
  const runs = Math.min(...arms.map((arm) => arm.repetitions?.length ?? 0));
  if (!a || !b) return `(median of ${runs} runs.)`;
  const difference = differenceOf(a, b, 'deployTimeS');
  if (!difference) return `(median of ${runs} runs each; too few runs to test the difference.)`;
  const p = difference.p < 0.001 ? '< 0.001' : `= ${difference.p.toFixed(3)}`;
  return difference.significant
    ? `(Median of ${runs} runs each; the difference in deploy time is significant: Mann–Whitney p ${p}.)`
    : `(Median of ${runs} runs each; the difference in deploy time is NOT significant (Mann–Whitney p ${p}): these runs cannot tell ${a.name} and ${b.name} apart on deploy time.)`;
}

const METHOD_SHADES: Record<Method, string[]> = {
  composer: ['#9ecbff', '#58a6ff', '#1f6feb', '#0a3069', '#051d4d'],
  'instant-clone': ['#ffb77c', '#fb8f44', '#d9480f', '#953800', '#5c2200'],
};

function armColours(arms: ArmSummary[], sweep: Sweep | undefined): Record<string, string> {
  if (!sweep) return Object.fromEntries(arms.map((arm, index) => [arm.name, ARM_COLOURS[index % ARM_COLOURS.length]!]));
  return Object.fromEntries(arms.map((arm) => {
    const shades = METHOD_SHADES[arm.method];
    const rank = sweep.counts.indexOf(arm.desktops.requested);
    const shade = sweep.counts.length === 1 ? 2 : Math.round((rank / (sweep.counts.length - 1)) * (shades.length - 1));
    return [arm.name, shades[shade]!];
  }));
}

export function sweepOf(arms: ArmSummary[]): Sweep | undefined {
  const counts = [...new Set(arms.map((arm) => arm.desktops.requested))].sort((a, b) => a - b);
  if (counts.length < 2) return undefined;
  const methods = [...new Set(arms.map((arm) => arm.method))];
  const points = arms.map((arm): SweepPoint => ({
    arm: arm.name, method: arm.method, desktops: arm.desktops.requested, deployTimeS: arm.deployTimeS,
    desktopsPerMin: arm.deployTimeS ? Number(((arm.desktops.ready * 60) / arm.deployTimeS).toFixed(2)) : null,
    peakIops: arm.peakIops, peakCpuPct: arm.peakCpuPct,
  }));
  const fasterAt: Record<Method, number[]> = { composer: [], 'instant-clone': [] };
  let instantFasterFrom: number | null = null;
  for (const count of counts) {
    const composer = points.find((point) => point.method === 'composer' && point.desktops === count)?.deployTimeS ?? null;
    const instant = points.find((point) => point.method === 'instant-clone' && point.desktops === count)?.deployTimeS ?? null;
    if (composer === null || instant === null) continue;
    if (instant < composer) {
      fasterAt['instant-clone'].push(count);
      instantFasterFrom ??= count;
    } else {
      fasterAt.composer.push(count);
      instantFasterFrom = null;
    }
  }
  // A crossover only when Composer was faster below it.
  if (instantFasterFrom !== null && fasterAt.composer.length === 0) instantFasterFrom = null;
  return { counts, methods, points, instantFasterFrom, fasterAt };
}

/** The sweep's story: who is faster at which size, and where the lines cross; never composer-50 against instant-400. */
export function sweepVerdict(sweep: Sweep): string {
  const both = sweep.methods.includes('composer') && sweep.methods.includes('instant-clone');
  const range = `${formatNumber(sweep.counts[0]!)} to ${formatNumber(sweep.counts[sweep.counts.length - 1]!)} desktops`;
  if (!both) return `Swept ${range} with ${sweep.methods.join(' and ')}; see how deploy time and peak load grow below.`;
  const at = (method: Method, count: number) => sweep.points.find((point) => point.method === method && point.desktops === count);
  const sentences: string[] = [];
  if (sweep.instantFasterFrom !== null) {
    sentences.push(`Composer deployed faster up to ${formatNumber(Math.max(...sweep.fasterAt.composer.filter((count) => count < sweep.instantFasterFrom!)))} desktops; instant clones were faster from ${formatNumber(sweep.instantFasterFrom)} desktops on (the crossover lies between).`);
  } else if (sweep.fasterAt.composer.length === sweep.counts.length) {
    sentences.push(`Composer deployed faster at every size measured (${range}).`);
  } else if (sweep.fasterAt['instant-clone'].length === sweep.counts.length) {
    sentences.push(`Instant clones deployed faster at every size measured (${range}).`);
  } else {
    sentences.push(`Composer was faster at ${sweep.fasterAt.composer.map(formatNumber).join(', ')} desktops, instant clones at ${sweep.fasterAt['instant-clone'].map(formatNumber).join(', ')}.`);
  }
  const largest = sweep.counts[sweep.counts.length - 1]!;
  const composer = at('composer', largest);
  const instant = at('instant-clone', largest);
  if (composer && instant) {
    sentences.push(`At ${formatNumber(largest)} desktops: Composer ${formatSeconds(composer.deployTimeS)} at ${formatNumber(composer.peakIops)} peak IOPS, instant clones ${formatSeconds(instant.deployTimeS)} at ${formatNumber(instant.peakIops)} peak IOPS.`);
  }
  return sentences.join(' ');
}

function verdict(arms: ArmSummary[]): string {
  const timed = arms.filter((arm) => arm.deployTimeS !== null);
  if (arms.length < 2 || timed.length < 2) {
    const arm = timed[0];
    return arm ? `${arm.name} deployed ${arm.desktops.ready} desktops in ${formatSeconds(arm.deployTimeS)}, peaking at ${formatNumber(arm.peakIops)} storage IOPS.` : 'No desktop became ready.';
  }
  const byTime = [...timed].sort((a, b) => a.deployTimeS! - b.deployTimeS!);
  const fast = byTime[0]!;
  const slow = byTime[byTime.length - 1]!;
  const timeRatio = slow.deployTimeS! / Math.max(fast.deployTimeS!, 1e-9);
  const byPeak = [...arms].sort((a, b) => a.peakIops - b.peakIops);
  const low = byPeak[0]!;
  const high = byPeak[byPeak.length - 1]!;
  const timeSentence = `${fast.name} deployed fastest: ${formatSeconds(fast.deployTimeS)} against ${formatSeconds(slow.deployTimeS)} for ${slow.name} `
    + `(${timeRatio.toFixed(1)}x faster).`;
  if (high.peakIops <= 0) return `${timeSentence} No storage load was measured.`;
  const peakRatio = high.peakIops / Math.max(low.peakIops, 1);
  return `${timeSentence} ${low.name} had the lowest peak storage load: ${formatNumber(low.peakIops)} IOPS `
    + `against ${formatNumber(high.peakIops)} for ${high.name} (${peakRatio.toFixed(1)}x lower).`;
}

/**
 * Each round of day-2 operations, one sentence per round, the arm that lost less desktop
 * time first: how long each took, the window its desktops were unavailable in, the longest
 * a desktop was down and the desktop time lost in all.
 */
function operationsVerdict(arms: ArmSummary[]): string | undefined {
  const rounds = Math.max(0, ...arms.map((arm) => arm.operations?.length ?? 0));
  const sentences: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const taking = arms.flatMap((arm) => {
      const operation = arm.operations?.[round];
      return operation ? [{ arm, operation }] : [];
    }).sort((a, b) => a.operation.unavailableDesktopS - b.operation.unavailableDesktopS);
    const told = taking.map(({ arm, operation }) => {
      const failed = operation.desktops.failed > 0 ? `, ${formatNumber(operation.desktops.failed)} desktops failed (counted as down until the end)` : '';
      return `${arm.name} (${OPERATION_LABELS[operation.name].toLowerCase()}) took ${formatSeconds(operation.durationS)} for ${formatNumber(operation.desktops.total)} desktops`
        + `; they were unavailable within ${formatSeconds(operation.windowS)}, none for more than ${formatSeconds(operation.downtimeS.max)}, ${formatDesktopTime(operation.unavailableDesktopS)} lost in all${failed}`;
    });
    if (told.length > 0) sentences.push(`${rounds > 1 ? `Day 2, round ${round + 1}: ` : 'Day 2: '}${told.join('. ')}.`);
  }
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}
