import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bench, tempDir } from '../helpers/cli.js';

const PHASES = ['template', 'replica', 'digest', 'parents', 'clone', 'customize', 'power-on'];

describe('bench run --json: the machine-readable summary contract', () => {
  let out: string;
  let stdout: string;
  let stderr: string;
  let status: number | null;

  beforeAll(() => {
    out = tempDir();
    ({ stdout, stderr, status } = bench(['run', 'composer-vs-instant', '--desktops', '100', '--json', '--out', out]));
  });

  it('exits 0 and prints exactly one JSON object on stdout, human output on stderr', () => {
    expect(status, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0]!)).not.toThrow();
    expect(stderr).toMatch(/composer deployed fastest/);
  });

  it('has the documented fields and types', () => {
    const summary = JSON.parse(stdout);
    expect(Object.keys(summary).sort()).toEqual(['arms', 'driver', 'runDir', 'runId', 'scenario', 'status'].sort());
    expect(summary).toMatchObject({ scenario: 'composer-vs-instant', driver: 'sim', status: 'completed' });
    expect(summary.runId).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-composer-vs-instant$/);
    expect(existsSync(path.resolve(summary.runDir))).toBe(true);
    expect(summary.arms.map((arm: { name: string; method: string }) => [arm.name, arm.method])).toEqual([['composer', 'composer'], ['instant', 'instant-clone']]);
    for (const arm of summary.arms) {
      expect(arm.desktops).toEqual({ requested: 100, ready: 100, failed: 0 });
      expect(typeof arm.deployTimeS).toBe('number');
      for (const key of ['peakIops', 'avgIops', 'peakCpuPct']) expect(typeof arm[key]).toBe('number');
      expect(arm.peakIops).toBeGreaterThanOrEqual(arm.avgIops);
      for (const phase of arm.phases) {
        expect(PHASES).toContain(phase.name);
        expect(typeof phase.startS).toBe('number');
        expect(typeof phase.durationS).toBe('number');
      }
      expect(arm.desktopReadyS.p50).toBeLessThanOrEqual(arm.desktopReadyS.p95);
      expect(arm.desktopReadyS.p95).toBeLessThanOrEqual(arm.desktopReadyS.max);
      expect(arm.desktopReadyS.max).toBe(arm.deployTimeS);
    }
  });

  it('writes the run folder: run.json, samples.csv, events.csv, metrics.lp, index.html, summary.json', () => {
    const summary = JSON.parse(stdout);
    const dir = path.resolve(summary.runDir);
    for (const file of ['run.json', 'samples.csv', 'events.csv', 'metrics.lp', 'index.html', 'summary.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ schemaVersion: 1, status: 'completed', runId: summary.runId, harness: { name: 'vdibench' } });
    expect(record.scenario.horizon.maxComposerProvisioning).toBe(8);
    expect(record.driver.inventory.hosts).toHaveLength(4);
    expect(record.arms[0].desktops).toHaveLength(100);
    const { runDir: _stored, ...storedSummary } = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    const { runDir: _printed, ...printedSummary } = summary;
    expect(storedSummary).toEqual(printedSummary);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    // Self-contained: nothing loaded from elsewhere, and the page may not reach the network.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="http/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;;[^"]*connect-src &#39;none&#39;/);
    const lineProtocol = readFileSync(path.join(dir, 'metrics.lp'), 'utf8').trim().split('\n');
    expect(lineProtocol.every((line) => /^[a-z_]+(,[^ ]+)? [^ ]+ \d{19}$/.test(line))).toBe(true);
  });
});

describe('exit codes and bad input', () => {
  it.each([
    [['run', 'no-such-scenario'], /unknown scenario "no-such-scenario"/],
    [['run', 'composer-vs-instant', '--desktops', '0'], /^bench: --desktops: /],
    [['run', 'composer-vs-instant', '--desktops', 'lots'], /desktops/],
    [['run', 'composer-vs-instant', '--driver', 'hyperv'], /^bench: --driver: /],
    [['run', 'composer-vs-instant', '--set', 'cluster.hostz=3'], /did you mean "hosts"/],
    [['run'], /scenario/],
    [['frobnicate'], /frobnicate/],
  ])('bench %j exits 2 with one clear line, no stack trace, no run folder', (args, message) => {
    const out = tempDir();
    const result = bench([...args, '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    [['report', '/nonexistent-run-dir'], /^bench: \/nonexistent-run-dir: not a run folder/],
    [['report'], /name a run folder/],
  ])('bench %j exits 2 with one clear line', (args, message) => {
    const result = bench(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad scenario file gives file:line:column and exit 2', () => {
    const dir = tempDir();
    const file = path.join(dir, 'mine.yml');
    writeFileSync(file, 'scenarios:\n  demo:\n    arms:\n      - name: a\n        methd: composer\n');
    const result = bench(['validate', file], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^bench: mine\.yml:5:9: unknown key "methd" .*did you mean "method"/);
  });

  it('validate accepts the shipped file', () => {
    const result = bench(['validate']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ok, 7 scenario\(s\)/);
  });

  it('--help explains the run options', () => {
    const result = bench(['run', '--help']);
    expect(result.status).toBe(0);
    for (const flag of ['--desktops', '--set', '--out', '--json', '--name-prefix', '--keep', '--time-scale', '--seed']) expect(result.stdout).toContain(flag);
  });
});
