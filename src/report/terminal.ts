/** The run summary as a terminal table. */
import { PHASE_NAMES } from '../metrics/types.js';
import { formatNumber, formatSeconds } from './markup.js';
import type { RunSummary } from './summary-types.js';
import { verdict } from './html.js';

export function formatTerminalSummary(summary: RunSummary): string {
  const arms = summary.arms;
  const phaseNames = PHASE_NAMES.filter((name) => arms.some((arm) => arm.phases.some((phase) => phase.name === name)));
  const rows: string[][] = [
    ['', ...arms.map((arm) => arm.name)],
    ['method', ...arms.map((arm) => arm.method)],
    ['ready / requested', ...arms.map((arm) => `${arm.desktops.ready}/${arm.desktops.requested}`)],
    ['deploy time', ...arms.map((arm) => formatSeconds(arm.deployTimeS))],
    ...phaseNames.map((name) => [`  ${name}`, ...arms.map((arm) => {
      const phase = arm.phases.find((candidate) => candidate.name === name);
      return !phase ? '' : phase.performed ? formatSeconds(phase.durationS) : 'not performed';
    })]),
    ['peak IOPS', ...arms.map((arm) => formatNumber(arm.peakIops))],
    ['avg IOPS', ...arms.map((arm) => formatNumber(arm.avgIops))],
    ['peak CPU %', ...arms.map((arm) => formatNumber(arm.peakCpuPct, 1))],
    ['ready p50 / p95', ...arms.map((arm) => `${formatSeconds(arm.desktopReadyS.p50)} / ${formatSeconds(arm.desktopReadyS.p95)}`)],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const text = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ').trimEnd()).join('\n');
  return `\n${summary.scenario} — ${summary.status}\n${text}\n\n${verdict(arms)}\n`;
}
