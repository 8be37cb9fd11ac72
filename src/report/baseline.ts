/** A baseline for the gate: a run folder (its summary) or a summary.json file. */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { readRun } from '../metrics/run-store/record.js';
import { SUMMARY_FILE } from './render.js';
import { summarizeRun } from './summary.js';
import type { RunSummary } from './summary-types.js';

export async function loadBaseline(location: string): Promise<RunSummary> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new InputError(`--baseline ${location}: no such file or folder`, 'pass a run folder or its summary.json');
  }
  if (info.isDirectory()) {
    const run = await readRun(location);
    return summarizeRun(run.record, run.samples, location);
  }
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(location, 'utf8')) as RunSummary;
  } catch (error) {
    throw new InputError(`--baseline ${location}: not valid JSON (${(error as Error).message})`);
  }
  if (!summary || !Array.isArray(summary.arms) || summary.arms.some((arm) => typeof arm?.name !== 'string')) {
    throw new InputError(`--baseline ${location}: not a vdibench summary (expected ${SUMMARY_FILE} with "arms")`);
  }
  return summary;
}
