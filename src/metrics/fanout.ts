/** Fans every batch out to all sinks, with its line protocol encoded once. */
import type { MetricBatch, RunIdentity, Sink, SinkReport } from '../contract/sink.js';
import { LineProtocolEncoder } from './line-protocol.js';

export class SinkFanout implements Sink {
  readonly name = 'fanout';
  private encoder: LineProtocolEncoder | undefined;
  constructor(readonly sinks: Sink[]) {}

  async start(run: RunIdentity): Promise<void> {
    this.encoder = new LineProtocolEncoder(run);
    for (const sink of this.sinks) await sink.start(run);
  }

  write(batch: MetricBatch): void {
    if (!this.encoder) throw new Error('sink fan-out: write before start');
    const encoded: MetricBatch = { ...batch, lines: this.encoder.encode(batch) };
    for (const sink of this.sinks) sink.write(encoded);
  }

  reports(): SinkReport[] {
    return this.sinks.flatMap((sink) => (sink.report ? [sink.report()] : []));
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }
}
