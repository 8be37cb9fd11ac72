/** desktops.csv and phases.csv: the per-desktop and per-phase tables behind the report. */
import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from '../metrics/run-store/record.js';

export const DESKTOPS_FILE = 'desktops.csv';
export const PHASES_FILE = 'phases.csv';

const blank = (value: number | string | undefined) => (value === undefined ? '' : value);

export function desktopsCsv(record: RunRecord): string {
  const rows = record.arms.flatMap((arm) => arm.desktops.map((desktop) => [
    arm.name, arm.method, desktop.name, desktop.host,
    blank(desktop.requestedS), blank(desktop.clonedS), blank(desktop.poweredOnS), blank(desktop.customizedS),
    blank(desktop.readyS), blank(desktop.failedS), blank(desktop.error),
  ]));
  return stringify([['arm', 'method', 'desktop', 'host', 'requestedS', 'clonedS', 'poweredOnS', 'customizedS', 'readyS', 'failedS', 'error'], ...rows]);
}

export function phasesCsv(record: RunRecord): string {
  const rows = record.arms.flatMap((arm) => arm.phases.map((phase) => [
    arm.name, arm.method, phase.name, phase.startS.toFixed(3), phase.durationS.toFixed(3), (phase.startS + phase.durationS).toFixed(3),
    String(phase.performed), blank(phase.note),
  ]));
  return stringify([['arm', 'method', 'phase', 'startS', 'durationS', 'endS', 'performed', 'note'], ...rows]);
}
