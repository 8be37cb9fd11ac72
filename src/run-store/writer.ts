/**
 * The run store as a sink: streams samples.csv, events.csv and metrics.lp into the run's
 * folder while the run goes. After `flush()` everything written so far is in the files, so
 * the run can read its own folder back (the summary is computed from what was stored).
 *
 * A write that fails (disk full, the folder deleted, an I/O error) never crashes the
 * process: the store records the first failure, drops later writes and tells `onFailure`,
 * so the run can stop like an interrupt, tear down and say what could not be recorded.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { RunError } from '../contract/errors.js';
import type { ArmSample, LifecycleEvent } from '../contract/observations.js';
import type { MetricBatch, RunIdentity, Sink } from '../contract/sink.js';
import { EVENT_COLUMNS, runFilePath, SAMPLE_COLUMNS } from './layout.js';

/** What could not be written, and why. */
export interface StoreFailure {
  /** A file of the run folder, or the folder itself. */
  what: string;
  /** The errno code, e.g. ENOSPC. */
  code: string;
}

export interface RunStoreOptions {
  /** Called once, on the first failure. */
  onFailure?: (failure: StoreFailure) => void;
  /**
   * Bytes set aside at start and given back before the last run.json is written, so a
   * full disk still leaves room to record that the run failed.
   */
  reserveBytes?: number;
  /** How often the folder is checked to still exist (a deleted folder keeps open files writable). */
  folderCheckMs?: number;
}

const RESERVE_FILE = '.space-reserve';
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', ENOENT: 'the run folder was deleted',
  EIO: 'input/output error', EROFS: 'the file system became read-only', EACCES: 'permission denied', EFBIG: 'file too large',
};

/** `samples.csv: no space left on the device (ENOSPC)`. */
export function describeStoreFailure(failure: StoreFailure): string {
  return `${failure.what}: ${Object.hasOwn(REASONS, failure.code) ? REASONS[failure.code]! : 'cannot write'} (${failure.code})`;
}

export class RunStoreSink implements Sink {
  readonly name = 'run-store';
  private run: RunIdentity | undefined;
  private samples: WriteStream | undefined;
  private events: WriteStream | undefined;
  private lineProtocol: WriteStream | undefined;
  private firstFailure: StoreFailure | undefined;
  private folderCheck: NodeJS.Timeout | undefined;

  constructor(readonly dir: string, private readonly options: RunStoreOptions = {}) {}

  /** The first write that failed; undefined while all is well. */
  get failure(): StoreFailure | undefined {
    return this.firstFailure;
  }

  /** Records a failure seen elsewhere (run.json at a checkpoint): the run stops the same way. */
  recordFailure(what: string, error: unknown): void {
    if (this.firstFailure) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    this.firstFailure = { what, code };
    this.options.onFailure?.(this.firstFailure);
  }

  async start(run: RunIdentity): Promise<void> {
    this.run = run;
    if (this.options.reserveBytes) await this.reserve(this.options.reserveBytes);
    const streams: [WriteStream, string][] = [
      [this.samples = createWriteStream(runFilePath(this.dir, 'samples')), 'samples.csv'],
      [this.events = createWriteStream(runFilePath(this.dir, 'events')), 'events.csv'],
      [this.lineProtocol = createWriteStream(runFilePath(this.dir, 'lineProtocol')), 'metrics.lp'],
    ];
    for (const [stream, file] of streams) stream.on('error', (error) => this.recordFailure(file, error));
    this.samples.write(stringify([[...SAMPLE_COLUMNS]]));
    this.events.write(stringify([[...EVENT_COLUMNS]]));
    // Real time, unref'd: never keeps the process alive, never touches a virtual clock.
    this.folderCheck = setInterval(() => {
      stat(this.dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') this.recordFailure('the run folder', error);
      });
    }, this.options.folderCheckMs ?? 1000);
    this.folderCheck.unref();
  }

  write(batch: MetricBatch): void {
    if (!this.run || !this.samples || !this.events || !this.lineProtocol) throw new Error('run store: write before start');
    if (this.firstFailure) return;
    if (batch.samples?.length) this.samples.write(stringify(batch.samples.map(sampleRow)));
    if (batch.events?.length) this.events.write(stringify(batch.events.map(eventRow)));
    // Exactly the lines meant for InfluxDB (encoded once by the fan-out).
    if (batch.lines?.length) this.lineProtocol.write(batch.lines.join('\n') + '\n');
  }

  /** Resolves once every write so far is in the files, or has failed (see `failure`). */
  async flush(): Promise<void> {
    await Promise.all(this.streams().map((stream) => new Promise<void>((resolve) => {
      if (stream.destroyed || stream.closed || stream.writableEnded) return resolve();
      // A failed write calls back with its error; the 'error' listener has recorded it.
      stream.write('', () => resolve());
    })));
  }

  async close(): Promise<void> {
    clearInterval(this.folderCheck);
    await Promise.all(this.streams().map(async (stream) => {
      if (stream.closed) return;
      const closed = once(stream, 'close').catch(() => undefined);
      if (stream.destroyed) return closed;
      stream.end();
      await closed;
    }));
  }

  /** Gives the reserved space back (before the last run.json is written). */
  async releaseReserve(): Promise<void> {
    await rm(path.join(this.dir, RESERVE_FILE), { force: true }).catch(() => undefined);
  }

  private streams(): WriteStream[] {
    return [this.samples, this.events, this.lineProtocol].filter((stream): stream is WriteStream => stream !== undefined);
  }

  /** Real blocks, not a sparse file: zeros written in 1 MiB chunks. */
  private async reserve(bytes: number): Promise<void> {
    const reservePath = path.join(this.dir, RESERVE_FILE);
    try {
      const handle = await open(reservePath, 'w');
      try {
        const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
        for (let written = 0; written < bytes; written += chunk.length) await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(reservePath, { force: true }).catch(() => undefined);
      const failure = { what: this.dir, code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
      throw new RunError(`cannot start the run folder ${describeStoreFailure(failure)}; it needs about ${Math.ceil(bytes / 1024)} KiB free to begin`, 'free some space, or point --out elsewhere');
    }
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
  return [new Date(event.timeMs).toISOString(), round(event.tS), event.arm, event.method, event.desktop, event.host, event.kind, event.error ?? '', event.operation ?? ''];
}
