/**
 * One interface for every place a run's data goes (the run folder, InfluxDB, ...), as k6's
 * outputs. `write` never blocks the runner: a sink buffers and delivers on its own schedule.
 */
import type { Method } from './method.js';
import type { OperationName } from './operation.js';
import type { ArmSample, LifecycleEvent, PhaseRecord } from './observations.js';
import type { ArmSummary } from './summary.js';

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
  /** When the deployment (or the operation) started: phases count from it. */
  startMs: number;
  phases: PhaseRecord[];
  /** A day-2 operation's phases (absent for the deployment's). */
  operation?: OperationName;
}

export interface MetricBatch {
  samples?: ArmSample[];
  events?: LifecycleEvent[];
  phases?: ArmPhases[];
  /** One summary point per finished arm. */
  summaries?: { arm: ArmSummary; timeMs: number }[];
  /** The batch as InfluxDB line protocol; filled in once by the fan-out. */
  lines?: string[];
}

/** What a sink did, for run.json (never a secret). */
export interface SinkReport {
  name: string;
  target: string;
  delivered: number;
  undelivered: number;
  /** Where the undelivered points are kept, relative to the run folder. */
  undeliveredFile?: string;
  error?: string;
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
  /** After close: what was delivered, for run.json. */
  report?(): SinkReport;
}
