import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfluxSink } from '../../../src/metrics/influxdb/influx-sink.js';
import { RUN_FILES } from '../../../src/run-store/layout.js';
import { Influx1Transport } from '../../../src/metrics/influxdb/transport.js';
import { tempDir } from '../../helpers/cli.js';
import { freePort } from '../../helpers/influxd.js';

describe('the InfluxDB sink with nobody listening', () => {
  it('never blocks a write, keeps memory bounded, and keeps every undelivered point, in order', async () => {
    const port = await freePort();
    const runDir = tempDir();
    const warnings: string[] = [];
    const sink = new InfluxSink(new Influx1Transport({ version: 1, url: `http://127.0.0.1:${port}`, db: 'x' }), {
      undeliveredPath: path.join(runDir, RUN_FILES.undeliveredLineProtocol), batchLines: 100, maxQueuedLines: 1000, closeTimeoutMs: 300, warn: (message) => warnings.push(message),
    });
    await sink.start({ runId: 'r', scenario: 's', driver: 'sim', cluster: 'c', endpoint: 'e' });
    const lines = Array.from({ length: 25_000 }, (_, index) => `m,t=a f=${index} ${1_700_000_000_000_000_000 + index}`);
    let mostQueued = 0;
    for (let index = 0; index < lines.length; index += 500) {
      sink.write({ lines: lines.slice(index, index + 500) });
      mostQueued = Math.max(mostQueued, sink.queuedLines);
    }
    // Memory stays bounded: past 1,000 queued points the oldest go to the run folder.
    expect(mostQueued).toBeLessThanOrEqual(1000 + 100);
    await sink.close();
    const kept = readFileSync(path.join(runDir, RUN_FILES.undeliveredLineProtocol), 'utf8').trim().split('\n');
    expect(kept).toEqual(lines);
    expect(sink.report()).toMatchObject({ delivered: 0, undelivered: lines.length, undeliveredFile: RUN_FILES.undeliveredLineProtocol });
    expect(warnings.filter((warning) => /is unreachable/.test(warning))).toHaveLength(1);
    expect(warnings.at(-1)).toMatch(/25000 of 25000 points were not delivered/);
  });
});
