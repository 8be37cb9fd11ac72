/**
 * `bench gate` on two stored run folders, for every metric of the catalog: the run that is
 * better on a metric passes against the other, the worse one exits 99 naming that metric.
 * The two runs differ in one way (a slower boot, more hosts); which is better on each metric
 * is read off their summaries, and the direction expected is the table below, not the catalog.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/contract/metric-catalog.js';
import { PHASE_NAMES } from '../../src/contract/observations.js';
import type { RunSummary } from '../../src/contract/summary.js';
import { bench, tempDir } from '../helpers/cli.js';

const HIGHER_IS_BETTER = new Set(['desktopsReady']);
const OPERATION_FIGURES = ['durationS', 'windowS', 'unavailableDesktopS', 'maxDowntimeS', 'peakIops', 'peakCpuPct', 'desktopsFailed'];
const EVERY_METRIC = ['deployTimeS', 'peakIops', 'avgIops', 'totalIos', 'peakCpuPct', 'avgCpuPct', 'desktopsReady', 'desktopsFailed', 'retries',
  'desktopReadyP50S', 'desktopReadyP95S', 'desktopReadyMaxS', ...PHASE_NAMES.map((phase) => `phase.${phase}`),
  ...['recompose', 'refresh', 'rebalance', 'push-image', 'logoff-recreate'].flatMap((operation) => OPERATION_FIGURES.map((figure) => `op.${operation}.${figure}`))];
/**
 * A refresh or a rebalance (revert and boot) and a recreate on logoff create no clone the injected clone
 * failures could hit: their failure counts are 0 in both runs here, so their direction is
 * pinned by test/report/gate-direction.test.ts alone.
 */
const NOT_VARIED_HERE = new Set(['op.refresh.desktopsFailed', 'op.rebalance.desktopsFailed']);

interface StoredRun {
  dir: string;
  summary: RunSummary;
}

function runFolder(out: string, file: string, scenario: string): StoredRun {
  const result = bench(['run', scenario, '--file', file, '--json', '-q', '--out', out]);
  expect(result.status, result.stderr).toBe(0);
  const dir = path.resolve(JSON.parse(result.stdout).runDir);
  return { dir, summary: JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) };
}

describe('bench gate: direction of every metric, through the CLI', () => {
  // One arm per run, so a gate's verdict is about that arm alone: instant-clone for its publish phases, composer for the rest.
  const runs = new Map<string, [StoredRun, StoredRun]>();
  const INSTANT_PHASES = ['phase.template', 'phase.digest', 'phase.parents'];
  const methodOf = (metric: string) => (INSTANT_PHASES.includes(metric) || /^op\.(push-image|logoff-recreate)\./.test(metric) ? 'instant-clone' : 'composer');

  beforeAll(() => {
    const out = tempDir();
    const file = path.join(out, 'scenarios.yml');
    // Two runs per method that differ on every metric: the second has other luck (seed), retries and still loses desktops, and has slow storage.
    const changed = 'seed: 7, faults: { cloneFailureRate: 0.5, storageSlowdown: [{ factor: 10, fromS: 0, toS: 100000 }] }, retries: 1, retryBackoffS: 1, maxFailedDesktops: 100, ';
    writeFileSync(file, ['scenarios:', ...['composer', 'instant-clone'].flatMap((method) => [
      `  ${method}-base: { desktops: 12, steps: [deploy, patch, refresh${method === 'composer' ? ', rebalance' : ''}], users: { logoffWarningS: 0 }, arms: [{ name: a, method: ${method} }] }`,
      `  ${method}-changed: { desktops: 12, steps: [deploy, patch, refresh${method === 'composer' ? ', rebalance' : ''}], users: { logoffWarningS: 0 }, ${changed}arms: [{ name: a, method: ${method} }] }`,
    ]), ''].join('\n'));
    for (const method of ['composer', 'instant-clone']) runs.set(method, [runFolder(out, file, `${method}-base`), runFolder(out, file, `${method}-changed`)]);
  });

  it('the catalog has exactly the metrics this test covers', () => {
    expect([...METRICS.keys()]).toEqual(EVERY_METRIC);
  });

  it.each(EVERY_METRIC.filter((metric) => !NOT_VARIED_HERE.has(metric)))('%s: the better run passes against the worse one, the worse one fails', (metric) => {
    const read = (run: StoredRun) => METRICS.get(metric)!.read(run.summary.arms[0]!);
    const differs = ([a, b]: [StoredRun, StoredRun]) => read(a) !== null && read(b) !== null && read(a) !== read(b);
    // The method whose phase it is; for the others, whichever pair of runs differs on it.
    const pair = [runs.get(methodOf(metric))!, ...runs.values()].find(differs);
    expect(pair, `${metric} is measured and differs between two runs`).toBeDefined();
    const higherIsWorse = !HIGHER_IS_BETTER.has(metric);
    const [better, worse] = [...pair!].sort((a, b) => (higherIsWorse ? read(a)! - read(b)! : read(b)! - read(a)!));
    const better_ = bench(['gate', better!.dir, '--baseline', worse!.dir, '--max-regression', `${metric}=0%`]);
    expect(better_.status, better_.stdout + better_.stderr).toBe(0);
    const worse_ = bench(['gate', worse!.dir, '--baseline', better!.dir, '--max-regression', `${metric}=0%`]);
    expect(worse_.status, worse_.stdout + worse_.stderr).toBe(99);
    expect(worse_.stdout + worse_.stderr).toMatch(new RegExp(`FAIL \\w+: ${metric.replace('.', '\\.')} `));
  });
});
