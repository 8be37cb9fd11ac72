/**
 * Streams a run's points into InfluxDB while the run goes, without ever blocking or
 * failing it. Writes are queued and delivered by the sink's own loop in batches; when
 * InfluxDB is down the loop warns once and retries with exponential backoff; memory stays
 * bounded (past `maxQueuedLines` the oldest points move to a file in the run folder); at the
 * end whatever could not be delivered is in `influx-undelivered.lp`. Every point is also in
 * metrics.lp, so `bench push` can always send the run again (InfluxDB overwrites identical
 * points, so pushing twice leaves no duplicates).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { MetricBatch, RunIdentity, Sink, SinkReport } from '../../contract/sink.js';
import { InfluxError, type InfluxTransport } from './transport.js';

export interface InfluxSinkOptions {
  /** Where undelivered points are kept (a file in the run folder: the run store names it). */
  undeliveredPath: string;
  batchLines?: number;
  flushIntervalMs?: number;
  maxQueuedLines?: number;
  /** How long close() keeps trying to deliver what is queued. */
  closeTimeoutMs?: number;
  /** The run's interruption (Ctrl-C): close() then gives up within a couple of seconds. */
  signal?: AbortSignal;
  maxBackoffMs?: number;
  warn?: (message: string) => void;
}

/** How long closing keeps delivering after Ctrl-C. */
const INTERRUPTED_CLOSE_MS = 2000;

export class InfluxSink implements Sink {
  readonly name = 'influxdb';
  private queue: string[] = [];
  private inflight: string[] = [];
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffUntilMs = 0;
  private failures = 0;
  private rejectedBatches = 0;
  private fatal: InfluxError | undefined;
  private warnedDown = false;
  /** The database was re-created once after a 404 (a restarted server). */
  private recreated = false;
  private delivered = 0;
  private spilled = 0;
  private spill: WriteStream | undefined;
  private readonly batchLines: number;
  private readonly maxQueuedLines: number;
  private readonly warn: (message: string) => void;

  constructor(private readonly transport: InfluxTransport, private readonly options: InfluxSinkOptions) {
    this.batchLines = options.batchLines ?? 5000;
    this.maxQueuedLines = Math.max(options.maxQueuedLines ?? 200_000, this.batchLines);
    this.warn = options.warn ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /** Fails only when InfluxDB answers and refuses (credentials, database); an unreachable server is retried. */
  async start(_run: RunIdentity): Promise<void> {
    try {
      await this.transport.prepare();
    } catch (error) {
      if (!(error instanceof InfluxError) || !error.retryable) throw error;
      this.noteFailure(error);
    }
    this.timer = setInterval(() => this.pump(), this.options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  write(batch: MetricBatch): void {
    const lines = batch.lines;
    if (!lines?.length) return;
    for (const line of lines) this.queue.push(line);
    if (this.queue.length > this.maxQueuedLines) this.spillOldest(this.queue.length - this.maxQueuedLines);
    if (this.queue.length >= this.batchLines) this.pump();
  }

  /**
   * Returns at once: delivery goes on in the sink's own loop, and every point is in metrics.lp
   * anyway. A stalled InfluxDB must never stall the run between arms; close() bounds the last wait.
   */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.timer);
    // After Ctrl-C, a couple of seconds at most: what is not delivered stays in the run folder for bench push.
    const timeoutMs = this.options.signal?.aborted ? Math.min(INTERRUPTED_CLOSE_MS, this.options.closeTimeoutMs ?? 15_000) : this.options.closeTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeoutMs;
    const untilDeadline = (work: Promise<void> | undefined) =>
      Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref())]);
    while ((this.queue.length > 0 || this.sending) && !this.fatal && Date.now() < deadline) {
      if (this.sending) {
        await untilDeadline(this.sending);
        continue;
      }
      const waitMs = this.backoffUntilMs - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, Math.max(0, deadline - Date.now()))));
      if (Date.now() >= deadline) break;
      this.pump();
    }
    // A request still hanging past the deadline is cut by the transport's close; its lines go to the spill file.
    if (this.sending) {
      await this.transport.close().catch(() => undefined);
      await this.sending.catch(() => undefined);
    }
    if (this.queue.length > 0) this.spillOldest(this.queue.length);
    if (this.spill) {
      this.spill.end();
      await once(this.spill, 'close');
    }
    await this.transport.close();
    if (this.spilled > 0) {
      this.warn(`InfluxDB: ${this.spilled} of ${this.spilled + this.delivered} points were not delivered to ${this.transport.target}${this.fatal ? ` (${this.fatal.message})` : ''}; `
        + `they are in ${this.options.undeliveredPath}, and every point is in metrics.lp: send them later with \`bench push ${path.dirname(this.options.undeliveredPath)}\` (it knows the target; secrets from the environment as for the run)`);
    }
  }

  /** Points held in memory now (queued and in flight). */
  get queuedLines(): number {
    return this.queue.length + this.inflight.length;
  }

  report(): SinkReport {
    const report: SinkReport = { name: this.name, target: this.transport.target, delivered: this.delivered, undelivered: this.spilled };
    if (this.spilled > 0) report.undeliveredFile = path.basename(this.options.undeliveredPath);
    if (this.fatal) report.error = this.fatal.message;
    return report;
  }

  /** Send the next batch unless one is under way, the server refused us, or we are backing off. */
  private pump(): void {
    if (this.sending || this.fatal || this.queue.length === 0) return;
    if (Date.now() < this.backoffUntilMs) return;
    this.inflight = this.queue.splice(0, this.batchLines);
    const sending: Promise<void> = this.transport.write(this.inflight).then(
      () => {
        this.delivered += this.inflight.length;
        this.inflight = [];
        if (this.failures > 0 && this.warnedDown) this.warn(`InfluxDB at ${this.transport.target} is reachable again; delivering ${this.queue.length} queued points`);
        this.failures = 0;
        this.warnedDown = false;
      },
      (error: unknown) => {
        if (error instanceof InfluxError && error.status === 400) {
          // The server refused these points (a value it cannot parse, a field type conflict):
          // sending them again cannot help, and the batches after them are fine. They go to
          // the undelivered file and delivery goes on.
          this.rejectedBatches++;
          if (this.rejectedBatches === 1) this.warn(`${error.message}; those points are kept in ${path.basename(this.options.undeliveredPath)} and delivery goes on`);
          this.spillLines(this.inflight);
          this.inflight = [];
          return;
        }
        // Back to the front of the queue: order is kept, nothing is lost.
        this.queue = this.inflight.concat(this.queue);
        this.inflight = [];
        if (error instanceof InfluxError && error.status === 404 && this.transport.createsDatabase && !this.recreated) {
          // The database was there when the run started: a server restarted on a fresh data
          // folder has lost it. Create it again (once) and go on.
          this.recreated = true;
          const recreating: Promise<void> = this.transport.prepare().then(
            () => this.warn(`InfluxDB at ${this.transport.target} had lost the database; created it again, delivery goes on`),
            (again: unknown) => { this.fatal = again instanceof InfluxError ? again : error; },
          ).finally(() => {
            if (this.sending === recreating) this.sending = undefined;
          });
          this.sending = recreating;
          return;
        }
        if (error instanceof InfluxError && !error.retryable) {
          this.fatal = error;
          this.warn(`${error.message}; the run goes on, points are kept in the run folder${error.hint ? ` (${error.hint})` : ''}`);
        } else {
          this.noteFailure(error);
        }
      },
    ).finally(() => {
      // Unless the failure handler started the database's re-creation in its place.
      if (this.sending === sending) this.sending = undefined;
      if (this.queue.length >= this.batchLines) this.pump();
    });
    this.sending = sending;
  }

  private noteFailure(error: unknown): void {
    this.failures++;
    const delayMs = Math.min(this.options.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(this.failures, 20));
    this.backoffUntilMs = Date.now() + delayMs;
    if (!this.warnedDown) {
      this.warnedDown = true;
      this.warn(`${(error as Error).message}; the run goes on, points are queued and retried (every point is also in metrics.lp)`);
    }
  }

  private spillOldest(count: number): void {
    this.spillLines(this.queue.splice(0, count));
  }

  private spillLines(lines: string[]): void {
    this.spill ??= createWriteStream(this.options.undeliveredPath, { flags: 'a' });
    this.spill.write(lines.join('\n') + '\n');
    this.spilled += lines.length;
  }
}
