/**
 * run.json: the run's versioned record. Together with samples.csv it is enough to re-render
 * the report, compare runs or push the run into InfluxDB later. It never holds a secret.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors.js';
import type { Inventory } from '../../drivers/types.js';
import type { RunSummary } from '../../report/summary-types.js';
import type { Method, Scenario } from '../../scenarios/schema.js';
import type { SinkReport } from '../sink.js';
import type { ArmSample, LifecycleEvent, PhaseRecord } from '../types.js';
import { writeFileAtomic } from './atomic.js';
import { RUN_FILES } from './files.js';

export const RUN_SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'completed' | 'failed' | 'aborted';

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
  error?: string;
}

export interface ArmRecord {
  name: string;
  method: Method;
  desktopsRequested: number;
  startedAt: string;
  startMs: number;
  /** When the strategy finished (last desktop ready or failed). */
  endMs: number;
  phases: PhaseRecord[];
  desktops: DesktopRecord[];
  /** VMs left in place (--keep, or teardown skipped). */
  keptVms: string[];
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
  scenario: Scenario;
  driver: { name: string; inventory: Inventory };
  arms: ArmRecord[];
  /** What each sink beside the run store delivered (InfluxDB...). */
  sinks?: SinkReport[];
  summary?: RunSummary;
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(path.join(dir, RUN_FILES.record), JSON.stringify(record, null, 2) + '\n');
}

export interface StoredRun {
  dir: string;
  record: RunRecord;
  samples: ArmSample[];
}

/** Read a run folder back; every problem is an InputError naming the file. */
export async function readRun(dir: string): Promise<StoredRun> {
  const recordPath = path.join(dir, RUN_FILES.record);
  let text: string;
  try {
    text = await readFile(recordPath, 'utf8');
  } catch {
    throw new InputError(`${dir}: not a run folder (no ${RUN_FILES.record})`, 'pass a folder that `bench run` wrote, e.g. reports/<run-id>');
  }
  let record: RunRecord;
  try {
    record = JSON.parse(text) as RunRecord;
  } catch (error) {
    throw new InputError(`${recordPath}: not valid JSON (${(error as Error).message})`);
  }
  if (record?.schemaVersion !== RUN_SCHEMA_VERSION || !Array.isArray(record.arms)) {
    throw new InputError(`${recordPath}: unsupported run record (schemaVersion ${String(record?.schemaVersion)}, expected ${RUN_SCHEMA_VERSION})`);
  }
  if (record.status === 'running') await recoverUnfinished(dir, record);
  const samples = await readSamples(path.join(dir, RUN_FILES.samples), record);
  return { dir, record, samples };
}

/**
 * A run folder whose run.json still says `running`: either the run is still going, or its
 * process was killed or crashed. The arms not yet checkpointed are rebuilt from events.csv
 * (desktops only: phases are recorded when an arm ends), and a run whose process is gone is
 * marked failed, so its report says it is incomplete.
 */
async function recoverUnfinished(dir: string, record: RunRecord): Promise<void> {
  const events = await readEvents(path.join(dir, RUN_FILES.events), record);
  const known = new Set(record.arms.map((arm) => arm.name));
  for (const spec of record.scenario.arms) {
    if (known.has(spec.name)) continue;
    const armEvents = events.filter((event) => event.arm === spec.name);
    if (armEvents.length === 0) continue;
    const first = armEvents[0]!;
    const startMs = first.timeMs - first.tS * 1000;
    record.arms.push({
      name: spec.name, method: spec.method, desktopsRequested: spec.desktops,
      startedAt: new Date(startMs).toISOString(), startMs, endMs: armEvents[armEvents.length - 1]!.timeMs,
      phases: [], desktops: desktopRecords(armEvents), keptVms: [],
    });
  }
  if (!processAlive(record.process)) {
    record.status = 'failed';
    record.error = 'the run stopped without finishing (its process is gone: killed or crashed); the figures cover what was gathered';
  }
}

function processAlive(owner: RunRecord['process']): boolean {
  if (!owner || owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A CSV file of the run folder as rows by column name; none when the file is missing. */
async function readCsvRows(csvPath: string): Promise<Record<string, string>[]> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch {
    return [];
  }
  try {
    return parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true }) as Record<string, string>[];
  } catch (error) {
    throw new InputError(`${csvPath}: unreadable CSV (${(error as Error).message})`);
  }
}

/** Arm name -> method, from the scenario (which names every arm, finished or not). */
function armMethods(record: RunRecord): Map<string, Method> {
  return new Map(record.scenario.arms.map((arm) => [arm.name, arm.method]));
}

async function readEvents(eventsPath: string, record: RunRecord): Promise<LifecycleEvent[]> {
  const rows = await readCsvRows(eventsPath);
  const methods = armMethods(record);
  return rows.flatMap((row): LifecycleEvent[] => {
    const timeMs = Date.parse(row.time ?? '');
    const method = methods.get(row.arm ?? '');
    if (!Number.isFinite(timeMs) || !method || !row.kind || !row.desktop) return [];
    const event: LifecycleEvent = { arm: row.arm!, method, desktop: row.desktop, host: row.host ?? '', kind: row.kind as LifecycleEvent['kind'], timeMs, tS: Number(row.tS) };
    if (row.error) event.error = row.error;
    return [event];
  });
}

async function readSamples(samplesPath: string, record: RunRecord): Promise<ArmSample[]> {
  const rows = await readCsvRows(samplesPath);
  const methods = armMethods(record);
  const samples: ArmSample[] = [];
  for (const row of rows) {
    const timeMs = Date.parse(row.time ?? '');
    const arm = row.arm ?? '';
    const method = methods.get(arm);
    // A torn last line (a crashed run) is skipped, not fatal.
    if (!Number.isFinite(timeMs) || !method) continue;
    const value = (cell: string | undefined) => (cell === undefined || cell === '' ? null : Number(cell));
    samples.push({
      timeMs, arm, method, host: row.host ?? '', tS: Number(row.tS),
      cpuPct: value(row.cpuPct), cpuMhz: value(row.cpuMhz),
      readIops: value(row.readIops), writeIops: value(row.writeIops),
      diskReadIops: value(row.diskReadIops), diskWriteIops: value(row.diskWriteIops),
    });
  }
  return samples;
}

export function desktopRecords(events: LifecycleEvent[]): DesktopRecord[] {
  const byName = new Map<string, DesktopRecord>();
  const keys: Partial<Record<LifecycleEvent['kind'], keyof DesktopRecord>> = {
    requested: 'requestedS', cloned: 'clonedS', 'powered-on': 'poweredOnS', customized: 'customizedS', ready: 'readyS', failed: 'failedS',
  };
  for (const event of events) {
    let desktop = byName.get(event.desktop);
    if (!desktop) {
      desktop = { name: event.desktop, host: event.host };
      byName.set(event.desktop, desktop);
    }
    if (event.host) desktop.host = event.host;
    const key = keys[event.kind];
    if (key) (desktop as unknown as Record<string, number>)[key] = Number(event.tS.toFixed(3));
    if (event.error !== undefined) desktop.error = event.error;
  }
  return [...byName.values()];
}
