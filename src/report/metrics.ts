/**
 * The metrics a gate, a comparison or a band can name, each read off an arm's summary.
 * A name that is not here is a bad-input error, never a silent pass.
 */
import { PHASE_NAMES } from '../metrics/types.js';
import type { ArmSummary } from './summary-types.js';

export interface MetricSpec {
  name: string;
  unit: string;
  /** True when a larger value is worse (time, load); false when larger is better. */
  higherIsWorse: boolean;
  read(arm: ArmSummary): number | null;
}

const base: MetricSpec[] = [
  { name: 'deployTimeS', unit: 's', higherIsWorse: true, read: (arm) => arm.deployTimeS },
  { name: 'peakIops', unit: 'IOPS', higherIsWorse: true, read: (arm) => arm.peakIops },
  { name: 'avgIops', unit: 'IOPS', higherIsWorse: true, read: (arm) => arm.avgIops },
  { name: 'totalIos', unit: 'I/Os', higherIsWorse: true, read: (arm) => arm.totalIos },
  { name: 'peakCpuPct', unit: '%', higherIsWorse: true, read: (arm) => arm.peakCpuPct },
  { name: 'avgCpuPct', unit: '%', higherIsWorse: true, read: (arm) => arm.avgCpuPct },
  { name: 'desktopsReady', unit: 'desktops', higherIsWorse: false, read: (arm) => arm.desktops.ready },
  { name: 'desktopsFailed', unit: 'desktops', higherIsWorse: true, read: (arm) => arm.desktops.failed },
  { name: 'desktopReadyP50S', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.p50 },
  { name: 'desktopReadyP95S', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.p95 },
  { name: 'desktopReadyMaxS', unit: 's', higherIsWorse: true, read: (arm) => arm.desktopReadyS.max },
];

const phases: MetricSpec[] = PHASE_NAMES.map((phase) => ({
  name: `phase.${phase}`,
  unit: 's',
  higherIsWorse: true,
  read: (arm: ArmSummary) => arm.phases.find((candidate) => candidate.name === phase && candidate.performed)?.durationS ?? null,
}));

export const METRICS: ReadonlyMap<string, MetricSpec> = new Map([...base, ...phases].map((metric) => [metric.name, metric]));

export const METRIC_NAMES = [...METRICS.keys()];
