/**
 * A stalled InfluxDB (a real influxd frozen with SIGSTOP: connections are accepted, nothing
 * is answered) never stalls the run: no wait between arms, a bounded wait at the end, and
 * every point it did not get kept in the run folder for `bench push`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchAsync, tempDir } from '../../helpers/cli.js';
import { skipInfluxd, startInfluxd, type Influxd } from '../../helpers/influxd.js';

describe.skipIf(skipInfluxd)('a stalled InfluxDB', () => {
  let influxd: Influxd;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    influxd?.resume();
    await influxd?.stop();
  });

  it('costs the run no more than the close timeout, and loses no point', async () => {
    const out = tempDir();
    // Create the database first, then freeze the server for the run.
    await influxd.query('CREATE DATABASE stalled');
    influxd.pause();
    const started = Date.now();
    const result = await benchAsync(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', out, '--influx-url', influxd.url, '--influx-db', 'stalled'],
      { env: { VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS: '2000' } });
    const elapsedMs = Date.now() - started;
    influxd.resume();
    expect(result.status, result.stderr).toBe(0);
    // Before: a flush between the arms waited out the 15 s request timeout, and the close waited for it again.
    expect(elapsedMs).toBeLessThan(12_000);
    const [folder] = readdirSync(out);
    const undelivered = readFileSync(path.join(out, folder!, 'influx-undelivered.lp'), 'utf8').trim().split('\n');
    const all = readFileSync(path.join(out, folder!, 'metrics.lp'), 'utf8').trim().split('\n');
    expect(undelivered.length).toBeGreaterThan(0);
    expect(new Set(all)).toEqual(new Set([...all.filter((line) => !undelivered.includes(line)), ...undelivered]));
    expect(result.stderr).toMatch(/were not delivered/);
  }, 60_000);
});
