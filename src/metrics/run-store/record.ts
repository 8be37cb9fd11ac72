/**
 * run.json: the run's versioned record. Together with samples.csv it is enough to re-render
 * the report, compare runs or push the run into InfluxDB later. It never holds a secret.
 */
import { readFile } from 'node:fs/promises';
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
  const samples = await readSamples(path.join(dir, RUN_FILES.samples), record);
  return { dir, record, samples };
}

async function readSamples(samplesPath: string, record: RunRecord): Promise<ArmSample[]> {
  let text: string;
  try {
    text = await readFile(samplesPath, 'utf8');
  } catch {
    return [];
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  } catch (error) {
    throw new InputError(`${samplesPath}: unreadable CSV (${(error as Error).message})`);
  }
  const methods = new Map(record.arms.map((arm) => [arm.name, arm.method]));
  const samples: ArmSample[] = [];
  for (const row of rows) {
    const timeMs = Date.parse(row.time ?? '');
    const arm = row.arm ?? '';
    const method = methods.get(arm);
    // A torn last line (a crashed run) is skipped, not fatal.
    if (!Number.isFinite(timeMs) || !method) continue;
    samples.push({
      timeMs, arm, method, host: row.host ?? '', tS: Number(row.tS),
      cpuPct: Number(row.cpuPct), cpuMhz: Number(row.cpuMhz),
      readIops: Number(row.readIops), writeIops: Number(row.writeIops),
      diskReadIops: Number(row.diskReadIops), diskWriteIops: Number(row.diskWriteIops),
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
