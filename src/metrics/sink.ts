/**
 * One interface for every place a run's data goes (the run folder, InfluxDB, ...), as k6's
 * outputs. `write` never blocks the runner: a sink buffers and delivers on its own schedule.
 */
import type { ArmSample, LifecycleEvent, PhaseRecord } from './types.js';
import type { Method } from '../scenarios/schema.js';

export interface RunIdentity {
  runId: string;
  scenario: string;
  driver: string;
  /** Cluster name and endpoint, used as tags. */
  cluster: string;
  endpoint: string;
}

export interface ArmPhases {
  arm: string;
  method: Method;
  startMs: number;
  phases: PhaseRecord[];
}

export interface MetricBatch {
  samples?: ArmSample[];
  events?: LifecycleEvent[];
  phases?: ArmPhases[];
}

export interface Sink {
  readonly name: string;
  start(run: RunIdentity): Promise<void>;
  /** Queue a batch; returns at once. */
  write(batch: MetricBatch): void;
  /** Deliver everything queued so far. */
  flush(): Promise<void>;
  /** Flush and release resources. */
  close(): Promise<void>;
}

/** Fans every batch out to all sinks. */
export class SinkFanout implements Sink {
  readonly name = 'fanout';
  constructor(readonly sinks: Sink[]) {}

  async start(run: RunIdentity): Promise<void> {
    for (const sink of this.sinks) await sink.start(run);
  }

  write(batch: MetricBatch): void {
    for (const sink of this.sinks) sink.write(batch);
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }
}
