/**
 * Repeated runs: arms interleaved and every run kept; the summary gives each arm's median with
 * its spread; the verdict says when a difference is not significant; the gate passes a
 * candidate that differs from the baseline only by chance and fails a 15 % slower one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/contract/summary.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

const runJson = (summary: RunSummary) => JSON.parse(readFileSync(path.join(path.resolve(repoRoot, summary.runDir), 'run.json'), 'utf8'));

describe('--repeat', () => {
  it('runs each arm N times, interleaved, keeps every run, and reports medians with their spread', () => {
    const result = bench(['run', 'composer-vs-instant', '--desktops', '10', '--repeat', '3', '--warmup', '1', '--json', '--out', tempDir()]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.arms.map((arm) => arm.name)).toEqual(['composer', 'instant']);
    const record = runJson(summary);
    expect(record.arms.map((arm: { name: string }) => arm.name)).toEqual(
      ['composer-w1', 'instant-w1', 'composer-r1', 'instant-r1', 'composer-r2', 'instant-r2', 'composer-r3', 'instant-r3']);
    for (const arm of summary.arms) {
      expect(arm.repetitions).toHaveLength(3);
      expect(arm.warmups).toHaveLength(1);
      const times = arm.repetitions!.map((run) => run.deployTimeS!).sort((a, b) => a - b);
      expect(arm.deployTimeS).toBe(times[1]);
      expect(arm.stats!.deployTimeS).toMatchObject({ n: 3, median: times[1], min: times[0], max: times[2] });
      expect(arm.stats!.deployTimeS!.sd).toBeGreaterThan(0);
      // Each run drew its own jitter.
      expect(new Set(times).size).toBeGreaterThan(1);
    }
    const html = readFileSync(path.join(path.resolve(repoRoot, summary.runDir), 'index.html'), 'utf8');
    expect(html).toContain('id="spread"');
    const data = JSON.parse(/<script type="application\/json" id="run-data">(.*?)<\/script>/s.exec(html)![1]!);
    // Charts: one line per arm (its median run) inside the band of all its runs.
    expect(data.arms.map((arm: { name: string }) => arm.name)).toEqual(['composer', 'instant']);
    for (const arm of data.arms) expect(arm.iopsMax.length).toBeGreaterThan(3);
    expect(html).toMatch(/± \d+ s \(/);
    expect(result.stderr.replace(/\s+/g, ' ')).toMatch(/Median of 3 runs each; the difference in deploy time is (NOT )?significant/);
  });

  it('a single run keeps the summary shape it always had', () => {
    const result = bench(['run', 'composer-only', '--desktops', '5', '--json', '-q', '--out', tempDir()]);
    const arm = (JSON.parse(result.stdout) as RunSummary).arms[0]!;
    expect(arm.stats).toBeUndefined();
    expect(arm.repetitions).toBeUndefined();
  });

  it('the verdict says when two arms cannot be told apart', () => {
    const dir = tempDir();
    const file = path.join(dir, 'twins.yml');
    writeFileSync(file, 'scenarios:\n  twins:\n    desktops: 10\n    arms: [{ name: a, method: composer }, { name: b, method: composer }]\n');
    const result = bench(['run', 'twins', '--file', file, '--repeat', '5', '--json', '--out', dir]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.replace(/\s+/g, ' ')).toMatch(/NOT significant \(Mann–Whitney p = 0\.\d+\): these runs cannot tell a and b apart/);
  });
});

describe('the gate on repeated runs', () => {
  const out = tempDir();
  const baseline = bench(['run', 'composer-only', '--desktops', '30', '--repeat', '5', '--json', '-q', '--out', out]);
  const baselineDir = path.resolve(repoRoot, (JSON.parse(baseline.stdout) as RunSummary).runDir);

  it('a candidate that differs only by seed passes, even held to 1 %', () => {
    const result = bench(['run', 'composer-only', '--desktops', '30', '--repeat', '5', '--seed', '2', '--json', '-q', '--out', out,
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=1%,peakIops=1%,desktopReadyP95S=1%']);
    expect(result.status, result.stderr).toBe(0);
    const gate = (JSON.parse(result.stdout) as RunSummary).gate!;
    expect(gate.passed).toBe(true);
    for (const check of gate.checks) expect(check.message).toMatch(/medians of 5 and 5 runs, Mann–Whitney p = /);
  });

  it('a 15 % slower candidate at N = 5 fails, significantly', () => {
    // A slower guest boot stretches Composer's customize and power-on steps.
    const result = bench(['run', 'composer-only', '--desktops', '30', '--repeat', '5', '--set', 'image.bootS=48', '--allow-different', '--json', '-q', '--out', out,
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=10%']);
    expect(result.status).toBe(99);
    const check = (JSON.parse(result.stdout) as RunSummary).gate!.checks[0]!;
    expect(check.value! / check.baseline!).toBeGreaterThan(1.15);
    expect(check.message).toMatch(/\(significant\)$/);
  });
});
