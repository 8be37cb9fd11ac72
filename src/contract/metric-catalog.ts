/**
 * The metrics a gate, a comparison or a band can name, each read off an arm's summary.
 * A name that is not here is a bad-input error, never a silent pass.
 */
import { InputError } from './errors.js';
import { PHASE_NAMES } from './observations.js';
import { OPERATION_LABELS, OPERATIONS, type OperationName } from './operation.js';
import { closest } from './suggest.js';
import type { ArmSummary, OperationSummary } from './summary.js';

export interface MetricSpec {
  name: string;
  /** For people: report rows, comparisons. */
  label: string;
  unit: string;
  /** True when a larger value is worse (time, load); false when larger is better. */
  higherIsWorse: boolean;
  read(arm: ArmSummary): number | null;
}

const base: MetricSpec[] = [
  { name: 'deployTimeS', label: 'Deploy time', unit: 's', higherIsWorse: true, read: (arm) => arm.deployTimeS },
  { name: 'peakIops', label: 'Peak storage IOPS', unit: 'IOPS', higherIsWorse: true, read: (arm) => arm.peakIops },
  { name: 'avgIops', label: 'Average storage IOPS', unit: 'IOPS', higherIsWorse: true, read: (arm) => arm.avgIops },
  { name: 'totalIos', label: 'Total storage I/Os', unit: 'I/Os', higherIsWorse: true, read: (arm) => arm.totalIos },
  { name: 'peakCpuPct', label: 'Peak CPU %', unit: '%', higherIsWorse: true, read: (arm) => arm.peakCpuPct },
  { name: 'avgCpuPct', label: 'Average CPU %', unit: '%', higherIsWorse: true, read: (arm) => arm.avgCpuPct },
  { name: 'desktopsReady', label: 'Desktops ready', unit: 'desktops', higherIsWorse: false, read: (arm) => arm.desktops.ready },
  { name: 'desktopsFailed', label: 'Desktops failed', unit: 'desktops', higherIsWorse: true, read: (arm) => arm.desktops.failed },
  { name: 'retries', label: 'Provisioning retries', unit: 'retries', higherIsWorse: true, read: (arm) => arm.retries },
  { name: 'desktopReadyP50S', label: 'Desktop ready, p50', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.p50 },
  { name: 'desktopReadyP95S', label: 'Desktop ready, p95', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.p95 },
  { name: 'desktopReadyMaxS', label: 'Desktop ready, max', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.max },
];

const phases: MetricSpec[] = PHASE_NAMES.map((phase) => ({
  name: `phase.${phase}`,
  label: `Phase: ${phase}`,
  unit: 's',
  higherIsWorse: true,
  read: (arm: ArmSummary) => arm.phases.find((candidate) => candidate.name === phase && candidate.performed)?.durationS ?? null,
}));

/** Day-2 operations: `op.<operation>.<figure>`, null for an arm that did not run it. */
const OPERATION_FIGURES: [figure: string, label: string, unit: string, read: (operation: OperationSummary) => number | null][] = [
  ['durationS', 'duration', 's', (operation) => operation.durationS],
  ['windowS', 'maintenance window', 's', (operation) => operation.windowS],
  ['unavailableDesktopS', 'desktop-time unavailable', 'desktop-s', (operation) => operation.unavailableDesktopS],
  ['maxDowntimeS', 'longest desktop downtime', 's', (operation) => operation.downtimeS.max],
  ['peakIops', 'peak storage IOPS', 'IOPS', (operation) => operation.peakIops],
  ['peakCpuPct', 'peak CPU %', '%', (operation) => operation.peakCpuPct],
  ['desktopsFailed', 'desktops failed', 'desktops', (operation) => operation.desktops.failed],
];

const operationOf = (arm: ArmSummary, name: OperationName) => arm.operations?.find((operation) => operation.name === name);

const operations: MetricSpec[] = OPERATIONS.flatMap((name) => OPERATION_FIGURES.map(([figure, label, unit, read]): MetricSpec => ({
  name: `op.${name}.${figure}`,
  label: `${OPERATION_LABELS[name]}: ${label}`,
  unit,
  higherIsWorse: true,
  read: (arm: ArmSummary) => {
    const operation = operationOf(arm, name);
    return operation ? read(operation) : null;
  },
})));

export const METRICS: ReadonlyMap<string, MetricSpec> = new Map([...base, ...phases, ...operations].map((metric) => [metric.name, metric]));

const METRIC_NAMES = [...METRICS.keys()];

/** Why `name` is not a metric (with a "did you mean"), or undefined when it is one. */
export function unknownMetricProblem(name: string, where: string): string | undefined {
  if (METRICS.has(name)) return undefined;
  const guess = closest(name, METRIC_NAMES);
  return `${where}: unknown metric "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${METRIC_NAMES.join(', ')}`;
}

export function checkMetricName(name: string, where: string): void {
  const problem = unknownMetricProblem(name, where);
  if (problem) throw new InputError(problem);
}
