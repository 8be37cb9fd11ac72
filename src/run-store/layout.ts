/**
 * The run folder's layout: every file name and CSV column, in one place. Only the run
 * store reads and writes these files; other rooms ask it for a path when a tool of theirs
 * (the InfluxDB sink's spill file, `bench push`) must stream one.
 */
import path from 'node:path';

export const RUN_FILES = {
  record: 'run.json',
  samples: 'samples.csv',
  events: 'events.csv',
  lineProtocol: 'metrics.lp',
  undeliveredLineProtocol: 'influx-undelivered.lp',
  summary: 'summary.json',
  desktops: 'desktops.csv',
  phases: 'phases.csv',
  operations: 'operations.csv',
  report: 'index.html',
} as const;

export type RunFile = keyof typeof RUN_FILES;

export function runFilePath(runDir: string, file: RunFile): string {
  return path.join(runDir, RUN_FILES[file]);
}

export const SAMPLE_COLUMNS = [
  'time', 'tS', 'arm', 'method', 'host', 'cpuPct', 'cpuMhz', 'readIops', 'writeIops', 'diskReadIops', 'diskWriteIops',
] as const;

/** `operation`: the day-2 operation an event belongs to, empty for the deployment (absent in runs stored before operations). */
export const EVENT_COLUMNS = ['time', 'tS', 'arm', 'method', 'desktop', 'host', 'kind', 'error', 'operation'] as const;

export const DESKTOP_COLUMNS = ['arm', 'method', 'desktop', 'host', 'requestedS', 'clonedS', 'poweredOnS', 'customizedS', 'readyS', 'failedS', 'error', 'retries'] as const;

/** `operation`: the day-2 operation a phase belongs to, empty for the deployment's. */
export const PHASE_COLUMNS = ['arm', 'method', 'phase', 'startS', 'durationS', 'endS', 'performed', 'note', 'operation'] as const;

/** One row per desktop per day-2 operation (written only for runs that have one); seconds since the operation started. */
export const OPERATION_DESKTOP_COLUMNS = ['arm', 'method', 'operation', 'desktop', 'host', 'loggedOffS', 'outS', 'readyS', 'failedS', 'downtimeS', 'error', 'retries'] as const;
