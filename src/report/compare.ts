/**
 * Comparing runs: the same scenario on two clusters, or before and after a storage upgrade.
 * Arms are matched by name; every value is shown with its change against the first run.
 */
import { METRICS } from '../contract/metric-catalog.js';
import type { RunRecord, ScenarioRecord } from '../contract/run-record.js';
import { formatDesktopTime, formatNumber, formatSeconds } from './markup.js';
import type { ReportModel } from './model.js';
import { differenceOf } from './repeats.js';
import { SIGNIFICANCE_LEVEL } from './statistics.js';

/** A run being compared: its report model (record, summary, series). */
export type ComparedRun = Pick<ReportModel, 'record' | 'summary'> & Partial<Pick<ReportModel, 'arms'>> & {
  /** What to call the run (`--label`); `run N` by default. */
  label?: string;
  /** Where its report is, for a link. */
  reportPath?: string;
};

export function runLabel(run: ComparedRun, index: number): string {
  return run.label ?? `run ${index + 1}`;
}

/** The settings whose differences explain different figures. */
const SCENARIO_SETTINGS = ['driver', 'profile', 'cluster', 'image', 'horizon'] as const;

/** What differs between two scenarios, in words (`cluster.hosts: 8, baseline 4`); empty when comparable. */
export function scenarioDifferences(mine: Partial<ScenarioRecord>, theirs: Partial<ScenarioRecord>, otherName = 'baseline'): string[] {
  const differences: string[] = [];
  for (const key of SCENARIO_SETTINGS) {
    const a = mine[key];
    const b = theirs[key];
    if (a === undefined || b === undefined) continue;
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const x = (a as Record<string, unknown>)[name];
        const y = (b as Record<string, unknown>)[name];
        if (JSON.stringify(x) !== JSON.stringify(y)) differences.push(`${key}.${name}: ${JSON.stringify(x)}, ${otherName} ${JSON.stringify(y)}`);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push(`${key}: ${JSON.stringify(a)}, ${otherName} ${JSON.stringify(b)}`);
    }
  }
  // Day-2 steps and their users policy, per arm both runs have.
  const theirSteps = dayTwoSteps(theirs);
  for (const [arm, steps] of dayTwoSteps(mine)) {
    const other = theirSteps.get(arm);
    if (other !== undefined && other !== steps) differences.push(`arm ${arm} after deployment: ${steps}, ${otherName} ${other}`);
  }
  return differences;
}

/** Per arm of the scenario (repetitions folded): its day-2 operations with their users policy, as words. */
function dayTwoSteps(scenario: Partial<ScenarioRecord>): Map<string, string> {
  return new Map((scenario.arms ?? []).map((arm) => [arm.repetitionOf ?? arm.name, (arm.operations ?? []).map(({ name, users }) =>
    `${name} (${users.loggedInPct} % logged in, ${users.policy === 'force-logoff' ? `forced off after ${users.logoffWarningS} s` : `logging off over ${users.logoffWindowS} s`})`).join(', then ') || 'nothing']));
}

/** What differs between each run and the first: desktops per arm, driver, parameters, harness version. */
export function runDifferences(runs: ComparedRun[]): string[][] {
  const first = runs[0]!.record;
  const desktops = (record: RunRecord) => record.scenario.arms.map((arm) => `${arm.name}×${arm.desktops}`).join(', ');
  return runs.map(({ record }, index) => {
    if (index === 0) return [];
    const differences = scenarioDifferences(record.scenario, first.scenario, 'run 1');
    if (desktops(record) !== desktops(first)) differences.unshift(`desktops: ${desktops(record)}, run 1 ${desktops(first)}`);
    for (const key of ['seed', 'repeat', 'warmup'] as const) {
      const mine = record.scenario[key];
      const theirs = first.scenario[key];
      if (mine !== undefined && theirs !== undefined && mine !== theirs) differences.push(`${key}: ${String(mine)}, run 1 ${String(theirs)}`);
    }
    if (record.harness.version !== first.harness.version) differences.push(`vdibench ${record.harness.version}, run 1 ${first.harness.version}`);
    return differences;
  });
}

const COMPARED_METRICS = [
  'deployTimeS', 'phase.replica', 'phase.digest', 'phase.parents', 'phase.clone', 'phase.customize', 'phase.power-on',
  'peakIops', 'avgIops', 'totalIos', 'peakCpuPct', 'avgCpuPct', 'desktopReadyP50S', 'desktopReadyP95S', 'desktopsReady', 'desktopsFailed',
  // Day-2 operations (rows only where some run has the operation).
  ...['recompose', 'refresh', 'rebalance', 'push-image', 'logoff-recreate'].flatMap((operation) => ['durationS', 'windowS', 'unavailableDesktopS', 'maxDowntimeS', 'peakIops'].map((figure) => `op.${operation}.${figure}`)),
];

export interface ComparisonRow {
  arm: string;
  metric: string;
  label: string;
  unit: string;
  /** Per run: better (true), worse (false) than run 1, or neither (null: the same, missing, or run 1 itself). */
  better: (boolean | null)[];
  values: (number | null)[];
  /** Repeated runs: the standard deviation behind each value (null for a single run). */
  sd: (number | null)[];
  /** Repeated runs: Mann–Whitney p of each run against run 1 (null where either is a single run). */
  pValues: (number | null)[];
  /** Change against the first run, in percent; null where either is missing or the first is 0. */
  changesPct: (number | null)[];
}

export function comparisonRows(runs: ComparedRun[]): ComparisonRow[] {
  const armNames: string[] = [];
  for (const { summary } of runs) for (const arm of summary.arms) if (!armNames.includes(arm.name)) armNames.push(arm.name);
  const rows: ComparisonRow[] = [];
  for (const armName of armNames) {
    for (const metric of COMPARED_METRICS) {
      const spec = METRICS.get(metric)!;
      const arms = runs.map(({ summary }) => summary.arms.find((candidate) => candidate.name === armName));
      const values = arms.map((arm) => (arm ? spec.read(arm) : null));
      if (values.every((value) => value === null)) continue;
      const first = values[0] ?? null;
      const changesPct = values.map((value) => (value === null || first === null || first === 0 ? null : ((value - first) / Math.abs(first)) * 100));
      // Repeated runs: the spread of each run's value and whether it differs from run 1 beyond chance.
      const sd = arms.map((arm) => arm?.stats?.[metric]?.sd ?? null);
      const pValues = arms.map((arm, index) => {
        const reference = arms[0];
        if (index === 0 || !arm || !reference) return null;
        return differenceOf(arm, reference, metric)?.p ?? null;
      });
      // Better or worse only where it is more than chance (when the runs were repeated).
      const better = values.map((value, index) => {
        if (index === 0 || value === null || first === null || value === first) return null;
        const p = pValues[index] ?? null;
        if (p !== null && p >= SIGNIFICANCE_LEVEL) return null;
        return spec.higherIsWorse ? value < first : value > first;
      });
      rows.push({ arm: armName, metric, label: spec.label, unit: spec.unit, better, values, changesPct, sd, pValues });
    }
  }
  return rows;
}

export function formatComparedValue(row: ComparisonRow, value: number | null, index?: number): string {
  const show = (figure: number | null) => (row.unit === 's' ? formatSeconds(figure) : row.unit === 'desktop-s' ? formatDesktopTime(figure) : formatNumber(figure, row.unit === '%' ? 1 : 0));
  const sd = index === undefined ? null : row.sd[index] ?? null;
  const p = index === undefined ? null : row.pValues[index] ?? null;
  return `${show(value)}${sd !== null && value !== null ? ` ±${show(sd)}` : ''}${p !== null ? ` [p=${p.toFixed(3)}${p < SIGNIFICANCE_LEVEL ? '' : ', n.s.'}]` : ''}`;
}

/** ` (+12.3%)` against the first run; empty for the first run or where there is no change to show. */
export function formatChange(change: number | null, index: number): string {
  if (index === 0 || change === null) return '';
  return ` (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`;
}
