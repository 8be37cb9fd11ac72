/**
 * Reading a run folder back: run.json, samples.csv and events.csv, with crash recovery for
 * a run that never finished. Every problem is an InputError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../contract/errors.js';
import type { Method } from '../contract/method.js';
import type { ArmSample, LifecycleEvent } from '../contract/observations.js';
import { OPERATIONS, type OperationName } from '../contract/operation.js';
import { desktopRecords, operationDesktopRecords, RUN_SCHEMA_VERSION, type OperationRecord, type RunRecord } from '../contract/run-record.js';
import { RUN_FILES } from './layout.js';

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
    const deployEvents = armEvents.filter((event) => event.operation === undefined);
    // A day-2 operation that had started: from its first event to its last (its phases were not recorded yet).
    const operations = (spec.operations ?? []).flatMap((operation): OperationRecord[] => {
      const own = armEvents.filter((event) => event.operation === operation.name);
      if (own.length === 0) return [];
      const sinceMs = own[0]!.timeMs;
      return [{ name: operation.name, startMs: sinceMs, endMs: own[own.length - 1]!.timeMs, users: operation.users, phases: [], desktops: operationDesktopRecords(own, operation.name, sinceMs) }];
    });
    record.arms.push({
      name: spec.name, method: spec.method, desktopsRequested: spec.desktops,
      ...(spec.repetitionOf !== undefined ? { repetitionOf: spec.repetitionOf, repetition: spec.repetition, ...(spec.warmup ? { warmup: true } : {}) } : {}),
      startedAt: new Date(startMs).toISOString(), startMs, endMs: (deployEvents[deployEvents.length - 1] ?? first).timeMs,
      phases: [], desktops: desktopRecords(armEvents), keptVms: [],
      ...(operations.length > 0 ? { operations } : {}),
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
  const rows = (csv: string) => parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true }) as Record<string, string>[];
  try {
    return rows(text);
  } catch (error) {
    // A run cut off while writing a quoted field leaves an open quote on the last line: that
    // torn line is dropped, as any torn last line is. Anything else is an unreadable file.
    const lastNewline = text.lastIndexOf('\n');
    if (!text.endsWith('\n') && lastNewline >= 0) {
      try {
        return rows(text.slice(0, lastNewline + 1));
      } catch {
        // fall through: unreadable even without the last line
      }
    }
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
    if (row.operation && (OPERATIONS as readonly string[]).includes(row.operation)) event.operation = row.operation as OperationName;
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
