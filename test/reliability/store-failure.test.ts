/**
 * The run folder failing under a running run: the disk fills up (a real 200 KiB tmpfs) or
 * the folder is deleted. Never a crash or a stack trace: the run stops like an interrupt,
 * tears down, records status `failed` with the reason (or says in one line that it could
 * not), and exits 1. Then: events as they happen, and a failed arm keeps what it gathered.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { bench, repoRoot, tempDir, underCi } from '../helpers/cli.js';

const cliPath = path.join(repoRoot, 'dist', 'cli', 'main.js');

function expectOneLineFailure(result: { status: number | null; stderr: string }, message: RegExp): void {
  expect(result.status, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n').filter((line) => !/^(vdibench |\s*$)/.test(line));
  expect(lines.join('\n')).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal|bug in vdibench/);
}

function startRun(args: string[]) {
  const child = spawn(process.execPath, [cliPath, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done, stderrSoFar: () => stderr };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A tiny real file system; null when this machine does not let us mount one (not root). */
function mountTinyTmpfs(sizeKiB: number): string | null {
  const dir = path.join(tempDir(), 'tiny');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() === 0) throw new Error('running as root, yet mount -t tmpfs failed');
    return null;
  }
  mounted.push(dir);
  return dir;
}
const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted) execFileSync('umount', [dir]);
});

describe('a full disk mid-run', () => {
  it('stops the run, records status failed naming ENOSPC in run.json, exit 1, one line, no stack trace', (context) => {
    const out = mountTinyTmpfs(200);
    if (!out) {
      if (underCi) throw new Error('under CI this test must run: mount -t tmpfs needs root');
      context.skip();
      return;
    }
    const result = bench(['run', 'composer-vs-instant', '--desktops', '200', '--out', out, '--quiet']);
    expectOneLineFailure(result, /^bench: .*: (samples\.csv|events\.csv|metrics\.lp|run\.json): no space left on the device \(ENOSPC\); the run stopped, tore down what it created and recorded status failed in run\.json/);
    const [folder] = readdirSync(out);
    const record = JSON.parse(readFileSync(path.join(out, folder!, 'run.json'), 'utf8'));
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/the run folder could not be written \(.*no space left on the device \(ENOSPC\)\); the run stopped and tore down what it created/);
    // It stopped like an interrupt: the second arm never started, the first kept what it gathered.
    expect(record.arms.map((arm: { name: string }) => arm.name)).toEqual(['composer']);
    expect(record.arms[0].desktops.length).toBeGreaterThan(0);
    expect(record.arms[0].keptVms).toEqual([]);
    // The space set aside for the last run.json was given back.
    expect(readdirSync(path.join(out, folder!))).not.toContain('.space-reserve');
  });

  it('a disk too full to begin is a clear error before the run, and leaves no folder', (context) => {
    const out = mountTinyTmpfs(32);
    if (!out) {
      if (underCi) throw new Error('under CI this test must run: mount -t tmpfs needs root');
      context.skip();
      return;
    }
    const result = bench(['run', 'composer-only', '--desktops', '10', '--out', out, '--quiet']);
    expectOneLineFailure(result, /^bench: (cannot start the run folder .*: no space left on the device \(ENOSPC\); it needs about \d+ KiB free to begin|cannot write .*run\.json \(ENOSPC\): the run did not start)/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('the run folder deleted mid-run', () => {
  it('is noticed within a second; the run stops, tears down and says run.json could not be updated, exit 1', async () => {
    const out = tempDir();
    // ~100 simulated seconds per real second: the composer arm runs for several seconds.
    const run = startRun(['composer-vs-instant', '--desktops', '100', '--time-scale', '100', '--out', out]);
    await waitFor(() => /composer: \d+\/100 ready/.test(run.stderrSoFar()), 'the run under way');
    const [folder] = readdirSync(out);
    rmSync(path.join(out, folder!), { recursive: true, force: true });
    const deletedAtMs = Date.now();
    const result = await run.done;
    expect(Date.now() - deletedAtMs).toBeLessThan(10_000);
    const last = result.stderr.trim().split('\n').slice(-2).join('\n');
    expectOneLineFailure({ status: result.status, stderr: last }, /^bench: .*: the run folder: the run folder was deleted \(ENOENT\); the run stopped and tore down what it created, but run\.json could not be updated either \(ENOENT\)/);
    expect(existsSync(path.join(out, folder!))).toBe(false);
  });
});

describe('nothing lost', () => {
  it('events reach events.csv as they happen, not with the next sample: after kill -9 the ready desktops are there', async () => {
    const out = tempDir();
    // One sample an hour: before, events waited for it, so a killed run had none in events.csv.
    const run = startRun(['composer-only', '--desktops', '20', '--time-scale', '30', '--set', 'sampleIntervalS=3600', '--out', out]);
    await waitFor(() => /composer: [1-9]\d*\/20 ready/.test(run.stderrSoFar()), 'a desktop ready');
    const readyShown = Number(/composer: (\d+)\/20 ready/.exec(run.stderrSoFar())![1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.child.kill('SIGKILL');
    await run.done;
    const [folder] = readdirSync(out);
    const events = parse(readFileSync(path.join(out, folder!, 'events.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(events.filter((event) => event.kind === 'ready').length).toBeGreaterThanOrEqual(readyShown);
    expect(events.filter((event) => event.kind === 'requested').length).toBeGreaterThan(0);
  });

  it('an arm that fails mid-way (every host down) stays in run.json and the report with what it gathered', () => {
    const dir = tempDir();
    const file = path.join(dir, 'scenarios.yml');
    writeFileSync(file, [
      'scenarios:', '  s:', '    desktops: 100', '    faults:',
      '      hostDown: [{ host: 1, atS: 200 }, { host: 2, atS: 200 }, { host: 3, atS: 200 }, { host: 4, atS: 200 }]',
      '    arms:', '      - { name: composer, method: composer }', '      - { name: instant, method: instant-clone }', '',
    ].join('\n'));
    const out = path.join(dir, 'runs');
    const result = bench(['run', 's', '--file', file, '--out', out, '--json', '--quiet']);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const summary = JSON.parse(result.stdout);
    const record = JSON.parse(readFileSync(path.join(summary.runDir, 'run.json'), 'utf8'));
    expect(record.status).toBe('failed');
    expect(record.arms.map((arm: { name: string }) => arm.name)).toEqual(['composer']);
    const desktops = record.arms[0].desktops as { readyS?: number; failedS?: number }[];
    expect(desktops.filter((desktop) => desktop.readyS !== undefined).length).toBeGreaterThan(0);
    expect(desktops.filter((desktop) => desktop.failedS !== undefined).length).toBeGreaterThan(0);
    expect(summary.arms[0].desktops.ready).toBeGreaterThan(0);
    const html = readFileSync(path.join(summary.runDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<h2>Failed desktops \(\d+\)<\/h2>/);
    const failed = desktops.find((desktop) => desktop.failedS !== undefined) as { error: string };
    expect(html).toContain(failed.error.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
    expect(failed.error).toMatch(/down/);
  });
});
