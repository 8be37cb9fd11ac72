/** The CSV exporter: desktops.csv and phases.csv, the per-desktop and per-phase tables behind the report. */
import { stringify } from 'csv-stringify/sync';
import type { ReportModel } from './model.js';
import { DESKTOP_COLUMNS, PHASE_COLUMNS } from '../run-store/layout.js';

const blank = (value: number | string | undefined) => (value === undefined ? '' : value);

export function renderDesktopsCsv({ record }: Pick<ReportModel, 'record'>): string {
  const rows = record.arms.flatMap((arm) => arm.desktops.map((desktop) => [
    arm.name, arm.method, desktop.name, desktop.host,
    blank(desktop.requestedS), blank(desktop.clonedS), blank(desktop.poweredOnS), blank(desktop.customizedS),
    blank(desktop.readyS), blank(desktop.failedS), blank(desktop.error), desktop.retries ?? 0,
  ]));
  return stringify([[...DESKTOP_COLUMNS], ...rows]);
}

export function renderPhasesCsv({ record }: Pick<ReportModel, 'record'>): string {
  const rows = record.arms.flatMap((arm) => arm.phases.map((phase) => [
    arm.name, arm.method, phase.name, phase.startS.toFixed(3), phase.durationS.toFixed(3), (phase.startS + phase.durationS).toFixed(3),
    String(phase.performed), blank(phase.note),
  ]));
  return stringify([[...PHASE_COLUMNS], ...rows]);
}
