/**
 * The run store as a sink: streams samples.csv, events.csv and metrics.lp into the run's
 * folder while the run goes. run.json and index.html are written at the end (record.ts,
 * src/report).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../../errors.js';
import type { MetricBatch, RunIdentity, Sink } from '../sink.js';
import type { ArmSample, LifecycleEvent } from '../types.js';
import { EVENT_COLUMNS, RUN_FILES, SAMPLE_COLUMNS } from './files.js';

export class RunStoreSink implements Sink {
  readonly name = 'run-store';
  private run: RunIdentity | undefined;
  private samples: WriteStream | undefined;
  private events: WriteStream | undefined;
  private lineProtocol: WriteStream | undefined;

  constructor(readonly dir: string) {}

  async start(run: RunIdentity): Promise<void> {
    this.run = run;
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw new InputError(`cannot create the run folder ${this.dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'point --out at a folder you can write');
    }
    this.samples = createWriteStream(path.join(this.dir, RUN_FILES.samples));
    this.events = createWriteStream(path.join(this.dir, RUN_FILES.events));
    this.lineProtocol = createWriteStream(path.join(this.dir, RUN_FILES.lineProtocol));
    this.samples.write(stringify([[...SAMPLE_COLUMNS]]));
    this.events.write(stringify([[...EVENT_COLUMNS]]));
  }

  write(batch: MetricBatch): void {
    if (!this.run || !this.samples || !this.events || !this.lineProtocol) throw new Error('run store: write before start');
    if (batch.samples?.length) this.samples.write(stringify(batch.samples.map(sampleRow)));
    if (batch.events?.length) this.events.write(stringify(batch.events.map(eventRow)));
    // Exactly the lines meant for InfluxDB (encoded once by the fan-out).
    if (batch.lines?.length) this.lineProtocol.write(batch.lines.join('\n') + '\n');
  }

  async flush(): Promise<void> {
    await Promise.all([this.samples, this.events, this.lineProtocol].map(async (stream) => {
      if (stream?.writableNeedDrain) await once(stream, 'drain');
    }));
  }

  async close(): Promise<void> {
    await Promise.all([this.samples, this.events, this.lineProtocol].map(async (stream) => {
      if (!stream || stream.closed) return;
      stream.end();
      await once(stream, 'close');
    }));
  }
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
/** A gap stays an empty cell. */
const cell = (value: number | null, digits: number) => (value === null ? '' : round(value, digits));

function sampleRow(sample: ArmSample): (string | number)[] {
  return [
    new Date(sample.timeMs).toISOString(), round(sample.tS), sample.arm, sample.method, sample.host,
    cell(sample.cpuPct, 2), cell(sample.cpuMhz, 1), cell(sample.readIops, 1), cell(sample.writeIops, 1),
    cell(sample.diskReadIops, 1), cell(sample.diskWriteIops, 1),
  ];
}

function eventRow(event: LifecycleEvent): (string | number)[] {
  return [new Date(event.timeMs).toISOString(), round(event.tS), event.arm, event.method, event.desktop, event.host, event.kind, event.error ?? ''];
}
