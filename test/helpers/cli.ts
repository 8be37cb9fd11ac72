import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = path.join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `bench` command as a user would. */
export function bench(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does)`);
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'vdibench-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Like bench(), without blocking this process (for tests that serve something to the CLI). */
export function benchAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A `bench run` a test interrupts (Ctrl-C is `interrupt()`), writing its one run folder under `out`. */
export interface InterruptibleRun {
  /** What it printed on stderr so far. */
  stderr(): string;
  /** events.csv of its run folder as written so far ('' before there is one). */
  events(): string;
  /** SIGINT, as Ctrl-C sends; resolves with the exit status and how long it took to exit. */
  interrupt(): Promise<{ status: number | null; exitMs: number }>;
}

export function spawnRun(args: string[], out: string, env: NodeJS.ProcessEnv = {}): InterruptibleRun {
  const child = spawn(process.execPath, [cliPath, ...args, '--out', out], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const done = new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
  return {
    stderr: () => stderr,
    events: () => {
      const [folder] = readdirSync(out);
      try {
        return folder ? readFileSync(path.join(out, folder, 'events.csv'), 'utf8') : '';
      } catch {
        return '';
      }
    },
    interrupt: async () => {
      const interruptedAt = Date.now();
      child.kill('SIGINT');
      const status = await done;
      return { status, exitMs: Date.now() - interruptedAt };
    },
  };
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` has passed. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Under CI (any CI value but "false"), a missing real peer fails its tests instead of skipping them. */
export const underCi = Boolean(process.env.CI) && process.env.CI !== 'false';
