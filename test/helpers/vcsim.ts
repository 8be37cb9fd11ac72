/**
 * govmomi's vCenter simulator (Debian's golang-github-vmware-govmomi-dev, built with
 * golang-go from test/vcsim/main.go), started on a free loopback port with TLS and fixed
 * credentials. Under CI a missing toolchain fails the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { repoRoot, tempDir, underCi } from './cli.js';

const GOPATH = '/usr/share/gocode';
const vcsimBuildable = existsSync('/usr/bin/go') && existsSync(path.join(GOPATH, 'src/github.com/vmware/govmomi/simulator'));
export const skipVcsim = !vcsimBuildable && !underCi;

export const VCSIM_USER = 'vdibench';
export const VCSIM_PASSWORD = 'vcsim-Secret-Pa55';

/** Build test/vcsim/main.go once (rebuilt when main.go changes). */
function buildVcsim(): string {
  if (!vcsimBuildable) throw new Error('cannot build the vCenter simulator: install golang-go and golang-github-vmware-govmomi-dev (apt-get); .ci/run does');
  const source = path.join(repoRoot, 'test', 'vcsim');
  const outDir = path.join(tmpdir(), 'vdibench-vcsim');
  mkdirSync(outDir, { recursive: true });
  const binary = path.join(outDir, `vcsim-${Math.floor(Math.max(...['main.go', 'observe.go'].map((file) => statSync(path.join(source, file)).mtimeMs)))}`);
  if (!existsSync(binary)) {
    const partial = `${binary}.${process.pid}.tmp`;
    const result = spawnSync('go', ['build', '-o', partial, '.'], {
      cwd: source, encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' }, timeout: 300_000,
    });
    if (result.status !== 0) throw new Error(`go build of test/vcsim failed: ${result.stderr}`);
    spawnSync('mv', [partial, binary]);
  }
  return binary;
}

export interface Vcsim {
  url: string;
  certFile: string;
  stop(): Promise<void>;
  /** Stall the whole server (SIGSTOP) until resume() (SIGCONT): a vCenter that stops answering. */
  pause(): void;
  resume(): void;
  /** End every session on the server (main.go's SIGUSR1: SessionManager.TerminateSession); how many it ended. */
  terminateSessions(): Promise<number>;
  /** What the simulator counted (test/vcsim/observe.go); `reset` starts the counts over after reading them. */
  stats(reset?: boolean): Promise<VcsimStats>;
  /** The environment and flags that point bench at this simulator. */
  env: NodeJS.ProcessEnv;
  flags: string[];
}

/** test/vcsim/observe.go's counts, from the simulator's side. */
export interface VcsimStats {
  /** SOAP calls per method. */
  calls: Record<string, number>;
  /** Successful Logins. */
  logins: number;
  /** Property filters alive (CreateFilter minus DestroyPropertyFilter since the last reset), and the most at once. */
  liveFilters: number;
  maxLiveFilters: number;
  /** Delayed tasks in flight now, and the most at once per method. */
  inFlight: number;
  maxInFlight: Record<string, number>;
  /** Every delayed task that ended: method, start and end (ms since the epoch). */
  tasks: { method: string; startMs: number; endMs: number }[];
}

export interface VcsimOptions {
  apiVersion?: string;
  hosts?: number;
  /** Delay of SOAP methods, in ms (the simulator's DelayConfig.MethodDelay), e.g. { CloneVM_Task: 300 }. */
  methodDelayMs?: Record<string, number>;
  /** How long tasks of these methods take, in ms (test/vcsim/observe.go), e.g. { CloneVM_Task: 1500 }. */
  taskDelayMs?: Record<string, number>;
  /** Jitter of every delay, as a coefficient of variation (0.1: 10 %). */
  delayJitter?: number;
}

const delayList = (delays: Record<string, number>) => Object.entries(delays).map(([method, ms]) => `${method}=${ms}`).join(',');

export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  const binary = buildVcsim();
  const dir = tempDir('vdibench-vcsim-');
  const certFile = path.join(dir, 'vcsim.pem');
  const child: ChildProcess = spawn(binary, [
    '-listen', '127.0.0.1:0', '-user', VCSIM_USER, '-password', VCSIM_PASSWORD, '-cert-out', certFile,
    '-api-version', options.apiVersion ?? '7.0', '-hosts', String(options.hosts ?? 4),
    ...(options.methodDelayMs ? ['-method-delay', delayList(options.methodDelayMs)] : []),
    ...(options.taskDelayMs ? ['-task-delay', delayList(options.taskDelayMs)] : []),
    ...(options.delayJitter ? ['-delay-jitter', String(options.delayJitter)] : []),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vcsim did not start: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /VCSIM_URL=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`vcsim exited (${code}): ${output}`)));
  });
  const statsAgent = new Agent({ connect: { ca: readFileSync(certFile, 'utf8') } });
  return {
    url,
    certFile,
    env: { VSPHERE_URL: url, VSPHERE_USER: VCSIM_USER, VSPHERE_PASSWORD: VCSIM_PASSWORD },
    flags: ['--driver', 'vsphere', '--golden-image', 'golden-win10', '--snapshot', 'base', '--ca', certFile, '--ready-when', 'powered-on'],
    stats: async (reset = false) => {
      const response = await request(`${new URL('/vdibench/stats', url).toString()}${reset ? '?reset=1' : ''}`, { dispatcher: statsAgent });
      const stats = await response.body.json() as VcsimStats;
      return { ...stats, tasks: stats.tasks ?? [] };
    },
    stop: async () => {
      await statsAgent.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT'); // a paused server handles no SIGTERM
      child.kill('SIGTERM');
      await exited;
    },
    pause: () => {
      child.kill('SIGSTOP');
    },
    resume: () => {
      child.kill('SIGCONT');
    },
    terminateSessions: () => new Promise<number>((resolve, reject) => {
      const seen = output.length;
      const timer = setTimeout(() => reject(new Error(`vcsim did not terminate the sessions: ${output.slice(seen)}`)), 30_000);
      const onData = () => {
        const match = /VCSIM_TERMINATED=(\d+)/.exec(output.slice(seen));
        if (!match) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(match[1]));
      };
      child.stdout!.on('data', onData);
      child.kill('SIGUSR1');
    }),
  };
}
