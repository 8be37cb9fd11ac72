/**
 * The run record (run.json): what a run did, versioned. Together with samples.csv it is
 * enough to re-render the report, compare runs or push the run into InfluxDB later. It
 * never holds a secret. The run store reads and writes it; every room may read its types.
 */
import type { Inventory } from './cluster.js';
import type { Method } from './method.js';
import type { OperationName, OperationSpec } from './operation.js';
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
  /** Day-2 operations run on the pool after it is deployed, in order (absent: deploy only). */
  operations?: OperationSpec[];
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

/** One desktop through a day-2 operation; times are seconds since the operation started. */
export interface OperationDesktopRecord {
  name: string;
  host: string;
  /** Its user logged off (or was forced off); absent when nobody was logged in. */
  loggedOffS?: number;
  /** Horizon took it out of service for the operation. */
  outS?: number;
  /** Back in service (ready again). */
  readyS?: number;
  failedS?: number;
  error?: string;
  retries?: number;
}

/** One day-2 operation on an arm's pool. */
export interface OperationRecord {
  name: OperationName;
  /** When it started and ended (ms, the driver's clock); the arm's samples cover the span. */
  startMs: number;
  endMs: number;
  users: OperationSpec['users'];
  /** Desktops in the pool when the operation started (those it had to take). */
  desktopsInPool?: number;
  /** Seconds since the operation started. */
  phases: PhaseRecord[];
  desktops: OperationDesktopRecord[];
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
  /** When the deployment finished (last desktop ready or failed); day-2 operations follow. */
  endMs: number;
  phases: PhaseRecord[];
  desktops: DesktopRecord[];
  /** VMs left in place (--keep, or teardown skipped). */
  keptVms: string[];
  /** Day-2 operations after the deployment, as far as they ran (absent: deploy only). */
  operations?: OperationRecord[];
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

const OPERATION_EVENT_FIELDS: Partial<Record<LifecycleEvent['kind'], keyof OperationDesktopRecord>> = {
  'logged-off': 'loggedOffS', 'out-of-service': 'outS', ready: 'readyS', failed: 'failedS',
};

interface FoldedDesktop {
  name: string;
  host: string;
  error?: string;
  retries?: number;
}

/** Per-desktop records from events, in the order desktops first appear: each event's time in the field `fields` names. */
function foldDesktops<R extends FoldedDesktop>(events: LifecycleEvent[], fields: Partial<Record<LifecycleEvent['kind'], keyof R>>, secondsOf: (event: LifecycleEvent) => number): R[] {
  const byName = new Map<string, R>();
  for (const event of events) {
    let desktop = byName.get(event.desktop);
    if (!desktop) {
      desktop = { name: event.desktop, host: event.host } as R;
      byName.set(event.desktop, desktop);
    }
    // Teardown's `destroyed` names the host the desktop ended on (after a day-2 operation, maybe another).
    if (event.host && (desktop.host === '' || event.kind !== 'destroyed')) desktop.host = event.host;
    const key = fields[event.kind];
    if (key) (desktop as unknown as Record<string, number>)[key as string] = Number(secondsOf(event).toFixed(3));
    if (event.kind === 'retried') desktop.retries = (desktop.retries ?? 0) + 1;
    if (event.kind === 'failed' && event.error !== undefined) desktop.error = event.error;
  }
  return [...byName.values()];
}

/** Per-desktop lifecycle times from the deployment's events, in the order desktops first appear. */
export function desktopRecords(events: LifecycleEvent[]): DesktopRecord[] {
  return foldDesktops<DesktopRecord>(events.filter((event) => event.operation === undefined), EVENT_FIELDS, (event) => event.tS);
}

/** Per-desktop times through one operation from its events (`sinceMs`: when it started). */
export function operationDesktopRecords(events: LifecycleEvent[], operation: OperationName, sinceMs: number): OperationDesktopRecord[] {
  return foldDesktops<OperationDesktopRecord>(events.filter((event) => event.operation === operation), OPERATION_EVENT_FIELDS, (event) => (event.timeMs - sinceMs) / 1000);
}
