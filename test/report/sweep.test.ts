/**
 * A sweep (the same methods at several desktop counts) answers "at what scale?": the verdict
 * compares methods at the same size and names the crossover; the report draws the scaling
 * charts; the terminal table fits 100 columns; `bench sweep` runs one from any scenario.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Method } from '../../src/contract/method.js';
import type { ArmSummary, RunSummary } from '../../src/contract/summary.js';
import { sweepOf, sweepVerdict } from '../../src/report/model.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

function arm(method: Method, desktops: number, deployTimeS: number, peakIops = 1000): ArmSummary {
  return {
    name: `${method === 'composer' ? 'composer' : 'instant'}-${desktops}`, method, desktops: { requested: desktops, ready: desktops, failed: 0 },
    deployTimeS, phases: [], peakIops, avgIops: 0, totalIos: 0, peakCpuPct: 0, avgCpuPct: 0, desktopReadyS: { p50: null, p95: null, max: null }, retries: 0,
  };
}

describe('sweeps', () => {
  it('names the crossover where instant clones overtake Composer, comparing only the same sizes', () => {
    const sweep = sweepOf([arm('composer', 50, 200), arm('instant-clone', 50, 800), arm('composer', 400, 900), arm('instant-clone', 400, 1000),
      arm('composer', 800, 1700), arm('instant-clone', 800, 1400)])!;
    expect(sweep.counts).toEqual([50, 400, 800]);
    expect(sweep.instantFasterFrom).toBe(800);
    const verdict = sweepVerdict(sweep);
    expect(verdict).toMatch(/^Composer deployed faster up to 400 desktops; instant clones were faster from 800 desktops on/);
    expect(verdict).not.toMatch(/composer-50.*instant-800|instant-800.*composer-50/);
    expect(sweep.points.find((point) => point.arm === 'composer-800')!.desktopsPerMin).toBeCloseTo((800 * 60) / 1700, 2);
  });

  it('says so when one method wins at every size, and is no sweep with a single count', () => {
    expect(sweepVerdict(sweepOf([arm('composer', 50, 200), arm('instant-clone', 50, 800), arm('composer', 100, 300), arm('instant-clone', 100, 900)])!))
      .toMatch(/^Composer deployed faster at every size measured \(50 to 100 desktops\)/);
    expect(sweepOf([arm('composer', 50, 200), arm('instant-clone', 50, 800)])).toBeUndefined();
  });

  it('bench sweep runs the methods at each count, with a scaling section and a table that fits 100 columns', () => {
    const out = tempDir();
    const result = bench(['sweep', 'composer-vs-instant', '--desktops', '10,30', '--json', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.arms.map((candidate) => candidate.name)).toEqual(['composer-10', 'instant-10', 'composer-30', 'instant-30']);
    const lines = result.stderr.split('\n');
    const header = lines.findIndex((line) => /^desktops\s+composer time\s+\/min\s+peak IOPS\s+instant-clone time/.test(line));
    expect(header).toBeGreaterThanOrEqual(0);
    expect(lines[header + 1]).toMatch(/^\s+10\s/);
    expect(lines[header + 2]).toMatch(/^\s+30\s/);
    for (const line of result.stderr.split('\n').filter((text) => !/^(run folder|report):/.test(text))) expect(line.length, line).toBeLessThanOrEqual(100);
    const runDir = path.resolve(repoRoot, summary.runDir);
    const html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    expect(html).toContain('id="scaling"');
    expect(html).toContain('id="chart-scale-time"');
    const record = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { scenario: { overrides: string[] } };
    expect(record.scenario.overrides).toContain('--desktops 10,30');
  });

  it('refuses fewer than two counts or a count that is not a number, in one line', () => {
    for (const desktops of ['100', '10,x', '0,10']) {
      const result = bench(['sweep', 'composer-vs-instant', '--desktops', desktops, '--out', tempDir()]);
      expect(result.status, desktops).toBe(2);
      expect(result.stderr).toMatch(/^bench: --desktops /);
    }
  });
});
