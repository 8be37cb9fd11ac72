/**
 * Streaming into a real InfluxDB 1.x (Debian's influxd, started by the test on a free
 * loopback port with a temporary folder, stopped after).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, repoRoot, tempDir } from '../../helpers/cli.js';
import { countsByMeasurement, countsInLineProtocol, freePort, skipInfluxd, startInfluxd, type Influxd } from '../../helpers/influxd.js';

function runFolder(stdout: string): string {
  return path.resolve(repoRoot, JSON.parse(stdout).runDir);
}

describe.skipIf(skipInfluxd)('InfluxDB 1.x sink against a real influxd', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('streams every point of the run folder\'s metrics.lp, creating the database', async () => {
    const out = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '30', '--json', '-q', '--out', out, '--influx-url', influxd.url, '--influx-db', 'streamed']);
    expect(result.status, result.stderr).toBe(0);
    const dir = runFolder(result.stdout);
    const lineProtocol = readFileSync(path.join(dir, 'metrics.lp'), 'utf8');
    const expected = countsInLineProtocol(lineProtocol);
    expect(Object.keys(expected).sort()).toEqual(['vdibench_event', 'vdibench_phase', 'vdibench_storage', 'vdibench_summary', 'vsphere_host_cpu', 'vsphere_host_disk']);
    expect(await countsByMeasurement(influxd, 'streamed')).toEqual(expected);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    const total = lineProtocol.trim().split('\n').length;
    expect(record.sinks).toEqual([{ name: 'influxdb', target: `${influxd.url} db=streamed`, delivered: total, undelivered: 0 }]);
    expect(existsSync(path.join(dir, 'influx-undelivered.lp'))).toBe(false);
  });

  it('stores the very values of the file: host CPU per host and time, Telegraf names and tags', async () => {
    const out = tempDir();
    const result = bench(['run', 'composer-only', '--desktops', '10', '--json', '-q', '--out', out, '--influx-url', influxd.url, '--influx-db', 'values']);
    expect(result.status, result.stderr).toBe(0);
    const dir = runFolder(result.stdout);
    const fromFile = readFileSync(path.join(dir, 'metrics.lp'), 'utf8').split('\n').filter((line) => line.startsWith('vsphere_host_cpu,'))
      .map((line) => {
        const host = /esxhostname=([^, ]+)/.exec(line)![1];
        const usage = Number(/usage_average=([^, ]+)/.exec(line)![1]);
        const time = line.slice(line.lastIndexOf(' ') + 1);
        return `${time} ${host} ${usage}`;
      }).sort();
    const stored = await influxd.query('SELECT usage_average, esxhostname, clustername, run_id, arm, method FROM vsphere_host_cpu', 'values');
    const series = stored.results[0]!.series![0]!;
    const column = (name: string) => series.columns.indexOf(name);
    const fromDb = series.values.map((row) => `${row[column('time')]} ${row[column('esxhostname')]} ${row[column('usage_average')]}`).sort();
    expect(fromDb).toEqual(fromFile);
    const first = series.values[0]!;
    expect(first[column('clustername')]).toBe('sim-cluster');
    expect(first[column('run_id')]).toBe(JSON.parse(result.stdout).runId);
    expect([first[column('arm')], first[column('method')]]).toEqual(['composer', 'composer']);
  });

  it('bench push sends a stored run; pushing twice leaves no duplicates', async () => {
    const out = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const dir = runFolder(result.stdout);
    const expected = countsInLineProtocol(readFileSync(path.join(dir, 'metrics.lp'), 'utf8'));
    for (let attempt = 0; attempt < 2; attempt++) {
      const push = bench(['push', dir, '--influx-url', influxd.url, '--influx-db', 'pushed', '-q']);
      expect(push.status, push.stderr).toBe(0);
      expect(push.stdout).toMatch(/^pushed \d+ points of .* to http:\/\/127\.0\.0\.1:\d+ db=pushed/);
    }
    expect(await countsByMeasurement(influxd, 'pushed')).toEqual(expected);
  });

  it('an outage mid-run loses nothing: the run goes on, warns once, and a push afterwards completes the database', async () => {
    const out = tempDir();
    // Paced so the run lasts a few real seconds: InfluxDB goes away and comes back meanwhile.
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'run', 'composer-vs-instant', '--desktops', '20', '--json', '-q',
      '--out', out, '--time-scale', '250', '--influx-url', influxd.url, '--influx-db', 'outage'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await influxd.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await influxd.start();
    const status = await exited;
    expect(status, stderr + stdout).toBe(0);
    expect(stderr.match(/is unreachable/g)).toHaveLength(1);
    const dir = runFolder(stdout);
    const lineProtocol = readFileSync(path.join(dir, 'metrics.lp'), 'utf8');
    const total = lineProtocol.trim().split('\n').length;
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record.status).toBe('completed');
    expect(record.sinks[0].delivered + record.sinks[0].undelivered).toBe(total);
    const push = bench(['push', dir, '--influx-url', influxd.url, '--influx-db', 'outage', '-q']);
    expect(push.status, push.stderr).toBe(0);
    expect(await countsByMeasurement(influxd, 'outage')).toEqual(countsInLineProtocol(lineProtocol));
  });

  it('an unreachable InfluxDB never stops the run: undelivered points stay in the run folder', async () => {
    const out = tempDir();
    const port = await freePort();
    const result = bench(['run', 'composer-only', '--desktops', '5', '--json', '-q', '--out', out, '--influx-url', `http://127.0.0.1:${port}`, '--influx-db', 'nowhere'],
      { env: { VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS: '500' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`InfluxDB at http://127.0.0.1:${port} db=nowhere is unreachable (ECONNREFUSED); the run goes on`);
    const dir = runFolder(result.stdout);
    const undelivered = readFileSync(path.join(dir, 'influx-undelivered.lp'), 'utf8');
    expect(undelivered).toBe(readFileSync(path.join(dir, 'metrics.lp'), 'utf8'));
  });
});

describe.skipIf(skipInfluxd)('InfluxDB 1.x with authentication', () => {
  let influxd: Influxd;
  const password = 's3cret-Passw0rd-vdibench';

  beforeAll(async () => {
    influxd = await startInfluxd({ auth: true });
    // With no user yet, influxd accepts the first admin without credentials.
    await influxd.query(`CREATE USER admin WITH PASSWORD '${password}' WITH ALL PRIVILEGES`);
    await influxd.query(`CREATE USER writer WITH PASSWORD '${password}'`, undefined, { user: 'admin', password });
    await influxd.query('CREATE DATABASE allowed', undefined, { user: 'admin', password });
    await influxd.query('GRANT WRITE ON allowed TO writer', undefined, { user: 'admin', password });
    await influxd.query(`CREATE USER reader WITH PASSWORD '${password}'`, undefined, { user: 'admin', password });
    await influxd.query('GRANT READ ON allowed TO reader', undefined, { user: 'admin', password });
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('wrong credentials: a clear error, exit 1, no run folder, the password nowhere', () => {
    const out = path.join(tempDir(), 'runs');
    const result = bench(['run', 'composer-only', '--desktops', '3', '--out', out, '--influx-url', influxd.url, '--influx-db', 'allowed', '--influx-user', 'admin'],
      { env: { INFLUX_PASSWORD: 'not-the-password' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^bench: InfluxDB at http:\/\/127\.0\.0\.1:\d+ db=allowed user=admin refused the credentials \(401\)/m);
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('a database the user cannot use: a clear error before the run', () => {
    const result = bench(['run', 'composer-only', '--desktops', '3', '--out', tempDir(), '--influx-url', influxd.url, '--influx-db', 'forbidden', '--influx-user', 'writer'],
      { env: { INFLUX_PASSWORD: password } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no database "forbidden" that this user can see, and it could not be created/);
  });

  it('right credentials: points delivered, and the password is in no output and no file of the run', async () => {
    const out = tempDir();
    const result = bench(['run', 'composer-only', '--desktops', '5', '--json', '--out', out, '--influx-url', influxd.url, '--influx-db', 'allowed', '--influx-user', 'writer'],
      { env: { INFLUX_PASSWORD: password } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(password);
    const dir = runFolder(result.stdout);
    for (const file of readdirSync(dir)) expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toContain(password);
    const counts = await countsByMeasurementAs(influxd, 'allowed', password);
    expect(counts).toBeGreaterThan(0);
  });
});

describe.skipIf(skipInfluxd)('InfluxDB 1.x: refused writes and bench push', () => {
  let influxd: Influxd;
  const password = 's3cret-Passw0rd-vdibench';
  beforeAll(async () => {
    influxd = await startInfluxd({ auth: true });
    await influxd.query(`CREATE USER admin WITH PASSWORD '${password}' WITH ALL PRIVILEGES`);
    await influxd.query('CREATE DATABASE allowed', undefined, { user: 'admin', password });
    await influxd.query(`CREATE USER reader WITH PASSWORD '${password}'`, undefined, { user: 'admin', password });
    await influxd.query('GRANT READ ON allowed TO reader', undefined, { user: 'admin', password });
    await influxd.query(`CREATE USER writer WITH PASSWORD '${password}'`, undefined, { user: 'admin', password });
    await influxd.query('GRANT WRITE ON allowed TO writer', undefined, { user: 'admin', password });
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('a read-only user: the run completes in its folder but exits 1, saying InfluxDB refused the points', () => {
    const out = tempDir();
    const result = bench(['run', 'composer-only', '--desktops', '3', '--json', '--out', out, '--influx-url', influxd.url, '--influx-db', 'allowed', '--influx-user', 'reader'],
      { env: { INFLUX_PASSWORD: password } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^bench: influxdb at http:\/\/127\.0\.0\.1:\d+ db=allowed user=reader refused the points: .*403.*bench push /m);
    expect(JSON.parse(result.stdout).status).toBe('completed');
    expect(result.stderr + result.stdout).not.toContain(password);
  });

  it('bench push <run-dir> needs no flags (the target is in run.json), skips a torn last line with a warning and lands the rest', async () => {
    const out = tempDir();
    // The run streams as the reader (refused), so every point waits in the folder.
    const run = bench(['run', 'composer-only', '--desktops', '3', '--json', '--out', out, '--influx-url', influxd.url, '--influx-db', 'allowed', '--influx-user', 'reader'],
      { env: { INFLUX_PASSWORD: password } });
    const dir = runFolder(run.stdout);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record.influx).toEqual({ url: influxd.url, db: 'allowed', user: 'reader' });
    // Tear the last line, as a crash mid-write would.
    const lineProtocol = path.join(dir, 'metrics.lp');
    const lines = readFileSync(lineProtocol, 'utf8').trimEnd().split('\n');
    writeFileSync(lineProtocol, `${lines.join('\n')}\n${lines[0]!.slice(0, 25)}`);
    // As the reader: refused, exit 1, never 0.
    const refused = bench(['push', dir], { env: { INFLUX_PASSWORD: password } });
    expect(refused.status).toBe(1);
    // As the writer (flags win over run.json): every whole line lands, the torn one is left out with a warning.
    const pushed = bench(['push', dir, '--influx-user', 'writer'], { env: { INFLUX_PASSWORD: password } });
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stderr).toMatch(/warning: .*metrics\.lp: the last line is incomplete/);
    expect(pushed.stdout).toMatch(new RegExp(`^pushed ${lines.length} points`));
    expect(await countsByMeasurementAs(influxd, 'allowed', password)).toBeGreaterThan(0);
  });
});

async function countsByMeasurementAs(influxd: Influxd, db: string, password: string): Promise<number> {
  const result = await influxd.query('SELECT COUNT(usage_average) FROM vsphere_host_cpu', db, { user: 'admin', password });
  return Number(result.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
}
