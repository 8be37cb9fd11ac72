/**
 * The run record (run.json): what a run did, versioned. Together with samples.csv it is
 * enough to re-render the report, compare runs or push the run into InfluxDB later. It
 * never holds a secret. The run store reads and writes it; every room may read its types.
 */
import type { Inventory } from './cluster.js';
import type { Method } from './method.js';
import type { LifecycleEvent, PhaseRecord } from './observations.js';
import type { RunStatus } from './run-status.js';
import type { SinkReport } from './sink.js';
import type { RunSummary, RunWarning } from './summary.js';

export const RUN_SCHEMA_VERSION = 1;

/** One arm as a scenario asks for it. */
export interface ArmSpec {
  name: string;
  method: Method;
  desktops: number;
  /** Repeated runs: the arm this is one run of (its name in the scenario), and which run (1-based). */
  repetitionOf?: string;
  repetition?: number;
  /** A warm-up run: kept in the folder, left out of the statistics. */
  warmup?: boolean;
}

/** What the regression gate checks a run against, as a scenario's `gate:` gives it. */
export interface GateSettings {
  /** Metric -> allowed regression as a fraction (0.1 = 10 %). */
  maxRegression: Record<string, number>;
  /** Arm -> metric -> band. */
  expect: Record<string, Record<string, { min?: number; max?: number }>>;
}

/**
 * The resolved scenario as run.json keeps it. The fields every room reads are named; the
 * sections a driver owns (`cluster`, `image`, `faults`, `vsphere`…) are kept as they are
 * and read only by that driver and by the report's configuration listing.
 */
export interface ScenarioRecord {
  name: string;
  description: string;
  driver: string;
  desktops: number;
  seed: number;
  namePrefix: string;
  keep: boolean;
  sampleIntervalS: number;
  arms: ArmSpec[];
  gate: GateSettings;
  [section: string]: unknown;
}

export interface DesktopRecord {
  name: string;
  host: string;
  /** Seconds since the arm started, per lifecycle event that happened. */
  requestedS?: number;
  clonedS?: number;
  poweredOnS?: number;
  customizedS?: number;
  readyS?: number;
  failedS?: number;
  /** Why the desktop failed (its last error); absent for a desktop that became ready, retried or not. */
  error?: string;
  /** Provisioning attempts after the first (absent when none). */
  retries?: number;
}

export interface ArmRecord {
  name: string;
  method: Method;
  /** Repeated runs (see ArmSpec). */
  repetitionOf?: string;
  repetition?: number;
  warmup?: boolean;
  desktopsRequested: number;
  startedAt: string;
  startMs: number;
  /** When the strategy finished (last desktop ready or failed). */
  endMs: number;
  phases: PhaseRecord[];
  desktops: DesktopRecord[];
  /** VMs left in place (--keep, or teardown skipped). */
  keptVms: string[];
  /** What the driver saw that the figures alone would hide (absent when nothing). */
  warnings?: RunWarning[];
}

export interface RunRecord {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  runId: string;
  status: RunStatus;
  error?: string;
  createdAt: string;
  finishedAt?: string;
  harness: { name: string; version: string; node: string };
  /** The process that wrote the run, to tell a crashed run from one still going. */
  process?: { pid: number; host: string };
  scenarioFile: string | null;
  scenario: ScenarioRecord;
  /** `calibration`: on a simulated cluster, the published measurement its parameters reproduce. */
  driver: { name: string; inventory: Inventory; calibration?: string };
  arms: ArmRecord[];
  /** What each sink beside the run store delivered (InfluxDB...). */
  sinks?: SinkReport[];
  /** The InfluxDB the run streamed to (url, db or org/bucket, user; never a secret), for `bench push`. */
  influx?: Record<string, string>;
  summary?: RunSummary;
}

const EVENT_FIELDS: Partial<Record<LifecycleEvent['kind'], keyof DesktopRecord>> = {
  requested: 'requestedS', cloned: 'clonedS', 'powered-on': 'poweredOnS', customized: 'customizedS', ready: 'readyS', failed: 'failedS',
};

/** Per-desktop lifecycle times from the events, in the order desktops first appear. */
export function desktopRecords(events: LifecycleEvent[]): DesktopRecord[] {
  const byName = new Map<string, DesktopRecord>();
  for (const event of events) {
    let desktop = byName.get(event.desktop);
    if (!desktop) {
      desktop = { name: event.desktop, host: event.host };
      byName.set(event.desktop, desktop);
    }
    if (event.host) desktop.host = event.host;
    const key = EVENT_FIELDS[event.kind];
    if (key) (desktop as unknown as Record<string, number>)[key] = Number(event.tS.toFixed(3));
    if (event.kind === 'retried') desktop.retries = (desktop.retries ?? 0) + 1;
    if (event.kind === 'failed' && event.error !== undefined) desktop.error = event.error;
  }
  return [...byName.values()];
}
