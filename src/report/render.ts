/**
 * Render a run folder: read it back, compute the summary once, and write every export
 * (index.html, summary.json, desktops.csv, phases.csv) plus the summary into run.json. `bench run` and
 * `bench report` both come through here, so a re-render equals the original.
 */
import path from 'node:path';
import { writeFileAtomic } from '../metrics/run-store/atomic.js';
import { RUN_FILES } from '../metrics/run-store/files.js';
import { readRun, writeRunRecord, type StoredRun } from '../metrics/run-store/record.js';
import { DESKTOPS_FILE, desktopsCsv, PHASES_FILE, phasesCsv } from './csv.js';
import { renderHtml } from './html.js';
import { summarizeRun } from './summary.js';
import type { RunSummary } from './summary-types.js';

export interface RenderedRun {
  run: StoredRun;
  summary: RunSummary;
  reportPath: string;
}

export const SUMMARY_FILE = 'summary.json';

export async function renderRunFolder(runDir: string): Promise<RenderedRun> {
  const run = await readRun(runDir);
  const summary = summarizeRun(run.record, run.samples, runDir);
  run.record.summary = summary;
  await writeRunRecord(runDir, run.record);
  await writeFileAtomic(path.join(runDir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
  await writeFileAtomic(path.join(runDir, DESKTOPS_FILE), desktopsCsv(run.record));
  await writeFileAtomic(path.join(runDir, PHASES_FILE), phasesCsv(run.record));
  const reportPath = path.join(runDir, RUN_FILES.report);
  await writeFileAtomic(reportPath, renderHtml(run, summary));
  return { run, summary, reportPath };
}
