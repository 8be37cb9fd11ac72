/**
 * Strings from outside (vCenter's cluster, endpoint and host names as tags; desktop names and
 * error messages as string fields) through the encoder and the sink into a real influxd, and
 * back; a point the server refuses never stops delivery; times keep their milliseconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArmSample, LifecycleEvent } from '../../../src/contract/observations.js';
import type { RunIdentity } from '../../../src/contract/sink.js';
import { InfluxSink } from '../../../src/metrics/influxdb/influx-sink.js';
import { Influx1Transport } from '../../../src/metrics/influxdb/transport.js';
import { LineProtocolEncoder } from '../../../src/metrics/line-protocol.js';
import { RUN_FILES } from '../../../src/run-store/layout.js';
import { tempDir } from '../../helpers/cli.js';
import { skipInfluxd, startInfluxd, type Influxd } from '../../helpers/influxd.js';
import { shippedScenario, simulate, START_MS } from '../../helpers/sim.js';

/** What a tag value from outside is stored as (docs/INFLUXDB.md): a backslash line protocol cannot carry becomes `/`. */
const storedTag = (value: string) => value.replace(/[\r\n]/g, ' ').replace(/\\(?=[,= ]|$)/g, '/');

const HOSTILE = [
  'esx 01.lab\\',
  'esx,02=a "b"',
  'ünïcødé 🖥️ host',
  'DOMAIN\\esx\\\\',
  'a\\,b\\ c\\=d',
  '\\',
  "it's = , \"quoted\"",
];

interface Rows {
  columns: string[];
  values: unknown[][];
}

describe.skipIf(skipInfluxd)('hostile values into a real influxd', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  /** Rows of a query, times in milliseconds since the epoch (exact: ns would not fit a JSON number). */
  async function rows(q: string, db: string): Promise<Record<string, unknown>[]> {
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ q, db, epoch: 'ms' })}`, { method: 'POST' });
    const body = (await response.json()) as { results: { series?: Rows[]; error?: string }[] };
    expect(body.results[0]!.error).toBeUndefined();
    return (body.results[0]!.series ?? []).flatMap((series) => series.values.map((row) => Object.fromEntries(series.columns.map((column, index) => [column, row[index]]))));
  }

  function sink(db: string, batchLines: number, warnings: string[]) {
    const runDir = tempDir();
    const undeliveredPath = path.join(runDir, RUN_FILES.undeliveredLineProtocol);
    const influx = new InfluxSink(new Influx1Transport({ version: 1, url: influxd.url, db }), {
      undeliveredPath, batchLines, flushIntervalMs: 20, closeTimeoutMs: 10_000, warn: (message) => warnings.push(message),
    });
    return { influx, undeliveredPath };
  }

  it('stores tags and string fields from outside as they are; a trailing backslash neither breaks its point nor stops delivery', async () => {
    const run: RunIdentity = { runId: 'r-hostile', scenario: 'demo', driver: 'vsphere', cluster: 'Prod, "Blue"=1 \\', endpoint: 'https://vc é.lab/sdk\\' };
    const encoder = new LineProtocolEncoder(run);
    const samples: ArmSample[] = HOSTILE.map((host, index) => ({
      timeMs: START_MS + index * 20_000 + 7, arm: 'composer', method: 'composer', host, tS: index * 20,
      cpuPct: index + 0.5, cpuMhz: 100, readIops: 1, writeIops: 2, diskReadIops: null, diskWriteIops: null,
    }));
    const events: LifecycleEvent[] = HOSTILE.map((text, index) => ({
      arm: 'composer', method: 'composer', desktop: `desk ${text}`, host: text, kind: 'failed', timeMs: START_MS + index * 1000 + 123, tS: index,
      error: `clone failed: "${text}"\nat C:\\temp\\`,
    }));
    const lines = encoder.encode({ samples, events });
    const warnings: string[] = [];
    const { influx, undeliveredPath } = sink('hostile', 2, warnings);
    await influx.start(run);
    // Small batches, hostile points first: one refused batch would have stopped all that follow.
    for (let index = 0; index < lines.length; index += 3) influx.write({ lines: lines.slice(index, index + 3) });
    await influx.close();
    expect(warnings).toEqual([]);
    expect(influx.report()).toEqual({ name: 'influxdb', target: `${influxd.url} db=hostile`, delivered: lines.length, undelivered: 0 });
    expect(existsSync(undeliveredPath)).toBe(false);

    const cpu = await rows('SELECT usage_average, esxhostname, source, clustername, vcenter, cpu FROM vsphere_host_cpu', 'hostile');
    expect(cpu.map((row) => [row.time, row.esxhostname, row.source, row.usage_average]).sort())
      .toEqual(samples.map((sample) => [sample.timeMs, storedTag(sample.host), storedTag(sample.host), sample.cpuPct]).sort());
    expect(new Set(cpu.map((row) => `${row.clustername}|${row.vcenter}|${row.cpu}`))).toEqual(new Set(['Prod, "Blue"=1 /|https://vc é.lab/sdk/|instance-total']));

    const stored = await rows('SELECT desktop, "error", host, kind FROM vdibench_event', 'hostile');
    expect(stored.map((row) => [row.time, row.desktop, row.error, row.host, row.kind]).sort())
      .toEqual(events.map((event) => [event.timeMs, event.desktop, event.error!.replace('\n', ' '), event.host, 'failed']).sort());
  });

  it('a batch the server refuses is kept aside and delivery goes on with the next ones', async () => {
    const good = (index: number) => `m,k=v f=${index} ${BigInt(START_MS + index) * 1_000_000n}`;
    // Not from our encoder (it cannot write this): influxd answers 400 for a tag ending in a backslash.
    const refused = `m,k=bad\\ f=1 ${BigInt(START_MS) * 1_000_000n}`;
    const lines = [good(1), good(2), refused, good(3), good(4), good(5)];
    const warnings: string[] = [];
    const { influx, undeliveredPath } = sink('refused', 1, warnings);
    await influx.start({ runId: 'r', scenario: 's', driver: 'sim', cluster: 'c', endpoint: 'e' });
    influx.write({ lines });
    await influx.close();
    expect(influx.report()).toMatchObject({ delivered: 5, undelivered: 1, undeliveredFile: RUN_FILES.undeliveredLineProtocol });
    expect(influx.report().error).toBeUndefined();
    expect(readFileSync(undeliveredPath, 'utf8')).toBe(`${refused}\n`);
    expect(warnings[0]).toMatch(/rejected the points \(400\).*kept in influx-undelivered\.lp and delivery goes on/);
    expect(warnings.filter((warning) => /rejected/.test(warning))).toHaveLength(1);
    expect((await rows('SELECT f FROM m', 'refused')).map((row) => row.f)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stores each event at the millisecond events.csv gives it', async () => {
    const run = await simulate(await shippedScenario('composer-vs-instant', { desktops: 6 }));
    const lines = readFileSync(path.join(run.runDir, RUN_FILES.lineProtocol), 'utf8').split('\n').filter(Boolean);
    await new Influx1Transport({ version: 1, url: influxd.url, db: 'times' }).prepare();
    await new Influx1Transport({ version: 1, url: influxd.url, db: 'times' }).write(lines);
    const csv = parse(readFileSync(path.join(run.runDir, RUN_FILES.events), 'utf8'), { columns: true }) as Record<string, string>[];
    const fromCsv = csv.map((row) => `${Date.parse(row.time!)} ${row.arm} ${row.desktop} ${row.kind}`).sort();
    // The check means something only if the run's times are not whole seconds.
    expect(csv.some((row) => !row.time!.endsWith('.000Z'))).toBe(true);
    const stored = await rows('SELECT desktop, arm, kind FROM vdibench_event', 'times');
    expect(stored.map((row) => `${row.time} ${row.arm} ${row.desktop} ${row.kind}`).sort()).toEqual(fromCsv);
  });
});
