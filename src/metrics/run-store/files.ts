/** The run folder's file names and CSV columns: one place, read and written alike. */
export const RUN_FILES = {
  record: 'run.json',
  samples: 'samples.csv',
  events: 'events.csv',
  lineProtocol: 'metrics.lp',
  report: 'index.html',
} as const;

export const SAMPLE_COLUMNS = [
  'time', 'tS', 'arm', 'method', 'host', 'cpuPct', 'cpuMhz', 'readIops', 'writeIops', 'diskReadIops', 'diskWriteIops',
] as const;

export const EVENT_COLUMNS = ['time', 'tS', 'arm', 'method', 'desktop', 'host', 'kind', 'error'] as const;
