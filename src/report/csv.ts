/** The CSV exporter: desktops.csv, phases.csv and operations.csv, the per-desktop and per-phase tables behind the report. */
import { stringify } from 'csv-stringify/sync';
import type { ReportModel } from './model.js';
import { DESKTOP_COLUMNS, OPERATION_DESKTOP_COLUMNS, PHASE_COLUMNS } from '../run-store/layout.js';

const blank = (value: number | string | undefined) => (value === undefined ? '' : value);

export function renderDesktopsCsv({ record }: Pick<ReportModel, 'record'>): string {
  const rows = record.arms.flatMap((arm) => arm.desktops.map((desktop) => [
    arm.name, arm.method, desktop.name, desktop.host,
    blank(desktop.requestedS), blank(desktop.clonedS), blank(desktop.poweredOnS), blank(desktop.customizedS),
    blank(desktop.readyS), blank(desktop.failedS), blank(desktop.error), desktop.retries ?? 0,
  ]));
  return stringify([[...DESKTOP_COLUMNS], ...rows]);
}

/** Every phase, the deployment's and each day-2 operation's, in seconds since the arm started. */
export function renderPhasesCsv({ record }: Pick<ReportModel, 'record'>): string {
  const rows = record.arms.flatMap((arm) => [
    ...arm.phases.map((phase) => ({ phase, offsetS: 0, operation: '' })),
    ...(arm.operations ?? []).flatMap((operation) => operation.phases.map((phase) => ({ phase, offsetS: (operation.startMs - arm.startMs) / 1000, operation: operation.name }))),
  ].map(({ phase, offsetS, operation }) => [
    arm.name, arm.method, phase.name, (offsetS + phase.startS).toFixed(3), phase.durationS.toFixed(3), (offsetS + phase.startS + phase.durationS).toFixed(3),
    String(phase.performed), blank(phase.note), operation,
  ]));
  return stringify([[...PHASE_COLUMNS], ...rows]);
}

/** Each desktop through each day-2 operation; undefined for a run without operations (no file is written). */
export function renderOperationsCsv({ record }: Pick<ReportModel, 'record'>): string | undefined {
  const rows = record.arms.flatMap((arm) => (arm.operations ?? []).flatMap((operation) => {
    const endS = (operation.endMs - operation.startMs) / 1000;
    return operation.desktops.map((desktop) => [
      arm.name, arm.method, operation.name, desktop.name, desktop.host,
      blank(desktop.loggedOffS), blank(desktop.outS), blank(desktop.readyS), blank(desktop.failedS),
      desktop.outS === undefined ? '' : Number(((desktop.readyS ?? desktop.failedS ?? endS) - desktop.outS).toFixed(3)),
      blank(desktop.error), desktop.retries ?? 0,
    ]);
  }));
  return rows.length > 0 ? stringify([[...OPERATION_DESKTOP_COLUMNS], ...rows]) : undefined;
}
