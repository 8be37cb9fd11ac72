/**
 * Interruption as a user causes it: Ctrl-C (SIGINT), a second Ctrl-C, SIGTERM, and kill -9,
 * sent to a real `bench run` process paced with --time-scale so it is mid-run.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

interface Started {
  out: string;
  kill(signal: NodeJS.Signals): void;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stderrSoFar(): string;
}

function startRun(args: string[]): Started {
  const out = tempDir();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'run', ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { out, kill: (signal) => child.kill(signal), done, stderrSoFar: () => stderr };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function runDirOf(out: string): string {
  const folders = readdirSync(out);
  expect(folders).toHaveLength(1);
  return path.join(out, folders[0]!);
}

const record = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
// ~30 simulated s per real second: the composer arm is mid-clone a second in.
const PACED = ['composer-vs-instant', '--desktops', '20', '--time-scale', '30'];

describe('interruption', () => {
  it('Ctrl-C stops new operations, tears down what was created, flushes, and records the run as aborted', async () => {
    const run = startRun(PACED);
    await waitFor(() => /phase clone/.test(run.stderrSoFar()), 'the clone phase');
    run.kill('SIGINT');
    const result = await run.done;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SIGINT: stopping: no new operations/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const dir = runDirOf(run.out);
    const stored = record(dir);
    expect(stored.status).toBe('aborted');
    expect(stored.error).toBe('interrupted');
    expect(stored.arms.map((arm: { name: string }) => arm.name)).toEqual(['composer']);
    expect(stored.arms[0].keptVms).toEqual([]);
    const desktops = stored.arms[0].desktops as { readyS?: number; clonedS?: number }[];
    expect(desktops.filter((desktop) => desktop.readyS !== undefined).length).toBeLessThan(20);
    // Every desktop that was cloned was destroyed again.
    const events = readFileSync(path.join(dir, 'events.csv'), 'utf8');
    const cloned = new Set([...events.matchAll(/,(vdibench-composer-\d+),[^,]*,cloned,/g)].map((match) => match[1]));
    const destroyed = new Set([...events.matchAll(/,(vdibench-composer-\d+),[^,]*,destroyed,/g)].map((match) => match[1]));
    expect(cloned.size).toBeGreaterThan(0);
    expect(destroyed).toEqual(cloned);
    // The report renders and says the run was aborted.
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain('This run is aborted: interrupted.');
  });

  it('a second Ctrl-C skips teardown and lists what was left', async () => {
    const run = startRun(PACED);
    await waitFor(() => /phase customize/.test(run.stderrSoFar()), 'the customize phase');
    run.kill('SIGINT');
    await waitFor(() => /SIGINT: stopping/.test(run.stderrSoFar()), 'the first stop');
    run.kill('SIGINT');
    const result = await run.done;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SIGINT again: skipping teardown/);
    const stored = record(runDirOf(run.out));
    expect(stored.status).toBe('aborted');
    const left: string[] = stored.arms[0].keptVms;
    expect(left.length).toBeGreaterThan(0);
    expect(left).toContain('vdibench-composer-replica');
    expect(result.stderr).toContain(`VMs left in place (${left.length}): `);
  });

  it('SIGTERM behaves as Ctrl-C', async () => {
    const run = startRun(PACED);
    await waitFor(() => /phase clone/.test(run.stderrSoFar()), 'the clone phase');
    run.kill('SIGTERM');
    const result = await run.done;
    expect(result.status).toBe(1);
    expect(record(runDirOf(run.out)).status).toBe('aborted');
  });

  it('after kill -9, run.json is whole, and bench report renders what was gathered, marked incomplete', async () => {
    const run = startRun(PACED);
    await waitFor(() => /composer: \d+\/20 ready/.test(run.stderrSoFar()), 'some desktops ready');
    // Events reach events.csv as they happen; a moment more lets some complete.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.kill('SIGKILL');
    const result = await run.done;
    expect(result.signal).toBe('SIGKILL');
    const dir = runDirOf(run.out);
    expect(record(dir).status).toBe('running');
    const report = bench(['report', dir, '--json']);
    expect(report.status, report.stderr).toBe(0);
    const summary = JSON.parse(report.stdout);
    expect(summary.status).toBe('failed');
    expect(summary.arms[0].name).toBe('composer');
    expect(summary.arms[0].desktops.ready).toBeGreaterThan(0);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/This run is failed: the run stopped without finishing \(its process is gone: killed or crashed\)/);
  });
});
