/**
 * A real InfluxDB 1.x server (Debian's `influxd`) on free loopback ports with a temporary
 * data folder, for integration tests. Under CI a missing influxd fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { tempDir, underCi } from './cli.js';

const INFLUXD_PATH = process.env.INFLUXD_PATH ?? '/usr/bin/influxd';
const influxdAvailable = existsSync(INFLUXD_PATH);
export const skipInfluxd = !influxdAvailable && !underCi;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Influxd {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freeze the server (SIGSTOP) and thaw it (SIGCONT). */
  pause(): void;
  resume(): void;
  /** Run an InfluxQL query; returns the parsed JSON. */
  query(q: string, db?: string, auth?: { user: string; password: string }): Promise<InfluxQueryResult>;
}

export interface InfluxQueryResult {
  results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[];
}

export async function startInfluxd(options: { auth?: boolean } = {}): Promise<Influxd> {
  if (!influxdAvailable) throw new Error(`${INFLUXD_PATH} not found: install Debian's influxdb package (apt-get install influxdb); .ci/run does`);
  const dir = tempDir('vdibench-influxd-');
  const port = await freePort();
  const rpcPort = await freePort();
  const config = path.join(dir, 'influxdb.conf');
  writeFileSync(config, `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${port}"
  auth-enabled = ${options.auth ? 'true' : 'false'}
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "error"
`);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    child = spawn(INFLUXD_PATH, ['-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => { output += chunk; });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`influxd exited (${child.exitCode}): ${output.slice(-500)}`);
      try {
        const response = await fetch(`${url}/ping`);
        if (response.status === 204) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`influxd did not answer on ${url} within 30 s: ${output.slice(-500)}`);
  };

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const query = async (q: string, db?: string, auth?: { user: string; password: string }) => {
    const params = new URLSearchParams({ q, epoch: 'ns' });
    if (db) params.set('db', db);
    if (auth) {
      params.set('u', auth.user);
      params.set('p', auth.password);
    }
    const response = await fetch(`${url}/query?${params}`, { method: 'POST' });
    return (await response.json()) as InfluxQueryResult;
  };

  // SIGSTOP / SIGCONT: a server that accepts connections and then answers nothing (a stall).
  const pause = () => { child?.kill('SIGSTOP'); };
  const resume = () => { child?.kill('SIGCONT'); };

  await start();
  return { url, port, stop, start, query, pause, resume };
}

/** Point counts per measurement in a database. */
export async function countsByMeasurement(influxd: Influxd, db: string): Promise<Record<string, number>> {
  const measurements = await influxd.query('SHOW MEASUREMENTS', db);
  const names = (measurements.results[0]?.series?.[0]?.values ?? []).map((row) => String(row[0]));
  const counts: Record<string, number> = {};
  for (const name of names) {
    // Every point has a different set of fields per measurement; count the series rows.
    const result = await influxd.query(`SELECT * FROM "${name}"`, db);
    counts[name] = (result.results[0]?.series ?? []).reduce((sum, series) => sum + series.values.length, 0);
  }
  return counts;
}

/** Point counts per measurement in a line-protocol file's text. */
export function countsInLineProtocol(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const name = /^((?:[^,\\ ]|\\.)+)/.exec(line)![1]!;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
