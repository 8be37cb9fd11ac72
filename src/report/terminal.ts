/** The terminal exporter: the run summary (and a comparison of runs) as plain-text tables. */
import { OPERATION_PHASE_NAMES, PHASE_NAMES } from '../contract/observations.js';
import { OPERATION_LABELS } from '../contract/operation.js';
import type { ArmSummary } from '../contract/summary.js';
import type { ComparedRun } from './compare.js';
import { comparisonRows, formatChange, formatComparedValue, runDifferences, runLabel } from './compare.js';
import { formatDesktopTime, formatNumber, formatSeconds } from './markup.js';
import type { ReportModel, Sweep } from './model.js';

/** Word-wraps prose for a terminal (the verdict): lines of at most `width` characters. */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/**
 * A sweep as a compact table that fits 100 columns: one row per desktop count, per method
 * its deploy time, throughput and peak IOPS.
 */
function formatSweep(sweep: Sweep): string {
  const header = ['desktops', ...sweep.methods.flatMap((method) => [`${method} time`, '/min', 'peak IOPS'])];
  const rows = sweep.counts.map((count) => [formatNumber(count), ...sweep.methods.flatMap((method) => {
    const point = sweep.points.find((candidate) => candidate.method === method && candidate.desktops === count);
    return point ? [formatSeconds(point.deployTimeS), formatNumber(point.desktopsPerMin, 1), formatNumber(point.peakIops)] : ['—', '—', '—'];
  })]);
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table.map((row) => row.map((cell, column) => cell.padStart(widths[column]!)).join('  ')).join('\n');
}

/** The driver's warnings, one per line: what the figures alone would hide. */
function formatWarnings(summary: ReportModel['summary']): string {
  const warnings = summary.warnings ?? [];
  return warnings.map((warning) => `\nwarning [${warning.code}]${warning.arm ? ` ${warning.arm}` : ''}: ${warning.message}`).join('');
}

/** Why a run did not complete, on its own line, so nobody reads the figures as a full run. */
function formatStatus(summary: ReportModel['summary'], error: string | undefined): string {
  if (summary.status === 'completed') return '';
  return `\nthe run ${summary.status === 'aborted' ? 'was interrupted' : 'failed'}${error ? `: ${error}` : ''}; the figures cover what was gathered\n`;
}

export function formatTerminalSummary({ summary, verdict, sweep, record }: Pick<ReportModel, 'summary' | 'verdict' | 'sweep'> & { record?: Pick<ReportModel['record'], 'error'> }): string {
  const status = formatStatus(summary, record?.error);
  if (sweep) return `\n${summary.scenario} — ${summary.status}\n${formatSweep(sweep)}\n\n${wrap(verdict)}\n${formatWarnings(summary)}${summary.warnings?.length ? '\n' : ''}${status}`;
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
  rows.push(...operationRows(arms));
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const text = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ').trimEnd()).join('\n');
  return `\n${summary.scenario} — ${summary.status}\n${text}\n\n${wrap(verdict)}\n${formatWarnings(summary)}${summary.warnings?.length ? '\n' : ''}${status}`;
}

/** Day-2 operations, round by round, under the deployment's rows. */
function operationRows(arms: ArmSummary[]): string[][] {
  const rounds = Math.max(0, ...arms.map((arm) => arm.operations?.length ?? 0));
  const rows: string[][] = [];
  for (let round = 0; round < rounds; round++) {
    const of = (arm: ArmSummary) => arm.operations?.[round];
    const cell = (format: (operation: NonNullable<ReturnType<typeof of>>) => string) => arms.map((arm) => {
      const operation = of(arm);
      return operation ? format(operation) : '';
    });
    const phaseNames = OPERATION_PHASE_NAMES.filter((name) => arms.some((arm) => of(arm)?.phases.some((phase) => phase.name === name)));
    rows.push(
      ['', ...arms.map(() => '')],
      [`then`, ...cell((operation) => OPERATION_LABELS[operation.name].toLowerCase())],
      ['  done / taken', ...cell((operation) => `${operation.desktops.done}/${operation.desktops.total}`)],
      ['  duration', ...cell((operation) => formatSeconds(operation.durationS))],
      ...phaseNames.map((name) => [`    ${name}`, ...cell((operation) => {
        const phase = operation.phases.find((candidate) => candidate.name === name);
        return !phase ? '' : phase.performed ? formatSeconds(phase.durationS) : 'not performed';
      })]),
      ['  window (out to back)', ...cell((operation) => formatSeconds(operation.windowS))],
      ['  time down, all desktops', ...cell((operation) => formatDesktopTime(operation.unavailableDesktopS))],
      ['  downtime p50 / max', ...cell((operation) => `${formatSeconds(operation.downtimeS.p50)} / ${formatSeconds(operation.downtimeS.max)}`)],
      ['  most down at once', ...cell((operation) => formatNumber(operation.peakUnavailable))],
      ['  peak IOPS', ...cell((operation) => formatNumber(operation.peakIops))],
      ['  peak CPU %', ...cell((operation) => formatNumber(operation.peakCpuPct, 1))],
    );
  }
  return rows;
}

export function formatComparison(runs: ComparedRun[]): string {
  const rows = comparisonRows(runs);
  const header = ['arm', 'metric', ...runs.map((run, index) => runLabel(run, index))];
  const table = [header, ...rows.map((row) => [row.arm, row.label, ...row.values.map((value, index) => formatComparedValue(row, value, index) + formatChange(row.changesPct[index]!, index))])];
  const widths = header.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const lines = table.map((line) => line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ').trimEnd());
  const legend = runs.map((run, index) => `${runLabel(run, index)}: ${run.summary.runId} (${run.summary.scenario}, ${run.record.driver.name} ${run.record.driver.inventory.cluster}, ${run.summary.status})`);
  const differences = runDifferences(runs).slice(1).map((list, index) => `${runLabel(runs[index + 1]!, index + 1)} differs: ${list.length === 0 ? 'nothing (same desktops, driver and parameters)' : list.join('; ')}`);
  return `${legend.join('\n')}\n${differences.join('\n')}\n\n${lines.join('\n')}\n`;
}
