/**
 * The regression gate as a lab CI meets it: it refuses a baseline that is not comparable,
 * says how many checks failed, can hold a metric to a two-sided band, keeps its verdict with
 * the run (summary.json, run.json, the report) and writes JUnit with real times.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/contract/summary.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

describe('the regression gate, stored with the run', () => {
  let work: string;
  let baselineDir: string;

  beforeAll(() => {
    work = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', path.join(work, 'runs')]);
    expect(result.status, result.stderr).toBe(0);
    baselineDir = path.resolve(repoRoot, (JSON.parse(result.stdout) as RunSummary).runDir);
  });

  it('refuses a baseline with another desktop count or other parameters (exit 2), unless --allow-different', () => {
    const fewer = bench(['run', 'composer-vs-instant', '--desktops', '10', '--json', '-q', '--out', path.join(work, 'runs'),
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=10%']);
    expect(fewer.status).toBe(2);
    expect(fewer.stderr).toMatch(/^bench: --baseline .*: not comparable with this run \(arm composer: 10 desktops, baseline 20; arm instant: 10 desktops, baseline 20\)/);
    expect(fewer.stderr).not.toMatch(/\n\s+at /);
    const otherHosts = bench(['run', 'composer-vs-instant', '--desktops', '20', '--set', 'cluster.hosts=8', '-q', '--out', path.join(work, 'runs'),
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=10%']);
    expect(otherHosts.status).toBe(2);
    expect(otherHosts.stderr).toMatch(/cluster\.hosts: 8, baseline 4/);
    const allowed = bench(['run', 'composer-vs-instant', '--desktops', '10', '--json', '-q', '--out', path.join(work, 'runs'),
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=1000%', '--allow-different']);
    expect(allowed.status, allowed.stderr).toBe(0);
  });

  it('keeps the verdict in summary.json, run.json and the report, worded as "N of M checks failed"', () => {
    const junit = path.join(work, 'slow.xml');
    const slow = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', path.join(work, 'runs'),
      '--set', 'image.bootS=90', '--allow-different', '--baseline', baselineDir, '--max-regression', 'deployTimeS=10%,peakIops=15%,totalIos=50%', '--junit', junit]);
    expect(slow.status).toBe(99);
    const printed = JSON.parse(slow.stdout) as RunSummary;
    const failed = printed.gate!.checks.filter((check) => !check.passed).length;
    expect(failed).toBeGreaterThan(0);
    expect(printed.gate!.failed).toBe(failed);
    expect(slow.stderr).toContain(`gate: REGRESSION: ${failed} of 6 checks failed (baseline ${baselineDir})`);
    const runDir = path.resolve(repoRoot, printed.runDir);
    const stored = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(stored.gate).toEqual(printed.gate);
    expect(stored.gate!.baseline).toBe(baselineDir);
    expect((JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { summary: RunSummary }).summary.gate).toEqual(printed.gate);
    const html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    expect(html).toContain(`Regression gate failed: ${failed} of 6 checks failed`);
    expect(html).toMatch(/id="gate" data-passed="false"/);

    // JUnit: each test case's time is its arm's deploy time, not 0.
    const suite = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(junit, 'utf8')).testsuites.testsuite;
    for (const testCase of suite.testcase as Record<string, string>[]) {
      const arm = printed.arms.find((candidate) => testCase['@_classname']!.endsWith(`.${candidate.name}`))!;
      expect(Number(testCase['@_time'])).toBeCloseTo(arm.deployTimeS!, 3);
    }
  });

  it('a two-sided band (--max-change) fails a large drop that a one-sided gate lets through', () => {
    // A quarter of the desktops: the boot storm, and so the peak, drops far below the baseline's.
    const lighter = ['run', 'composer-only', '--desktops', '5', '--json', '-q', '--out', path.join(work, 'runs'), '--allow-different', '--baseline', baselineDir];
    const oneSided = bench([...lighter, '--max-regression', 'peakIops=20%']);
    expect(oneSided.status, oneSided.stderr).toBe(0);
    const twoSided = bench([...lighter, '--max-change', 'peakIops=20%']);
    expect(twoSided.status).toBe(99);
    const check = (JSON.parse(twoSided.stdout) as RunSummary).gate!.checks[0]!;
    expect(check).toMatchObject({ kind: 'change', metric: 'peakIops', passed: false });
    expect(check.message).toMatch(/allowed ±20%/);
  });

  it('bench gate on a stored run stores its verdict too', () => {
    const result = bench(['gate', baselineDir, '--baseline', baselineDir, '--max-regression', 'deployTimeS=0%']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('gate: passed: 2 of 2 checks');
    const stored = JSON.parse(readFileSync(path.join(baselineDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(stored.gate).toMatchObject({ passed: true, failed: 0 });
  });
});

describe('bench gate on a repeated run', () => {
  it('gates the scenario\'s arms (their medians), so a run against itself passes', () => {
    const out = tempDir();
    const ran = bench(['run', 'composer-vs-instant', '--desktops', '6', '--repeat', '2', '--json', '-q', '--out', out]);
    expect(ran.status, ran.stderr).toBe(0);
    const runDir = path.resolve(repoRoot, (JSON.parse(ran.stdout) as RunSummary).runDir);
    const gated = bench(['gate', runDir, '--baseline', runDir, '--max-regression', 'deployTimeS=0%,peakIops=0%']);
    expect(gated.status, gated.stderr).toBe(0);
    expect(gated.stdout).toMatch(/passed: 4 of 4 checks/);
    expect(gated.stdout).toMatch(/ok {3}composer: deployTimeS .* medians of 2 and 2 runs/);
  });
});
