/**
 * Render a stored run: read the folder back, build the report model (the summary, computed
 * once), and write every export (summary.json, desktops.csv, phases.csv, index.html) plus
 * the summary into run.json. `bench run` and `bench report` both come through here, so a
 * re-render equals the original.
 */
import path from 'node:path';
import type { GateResult } from '../contract/summary.js';
import { renderDesktopsCsv, renderOperationsCsv, renderPhasesCsv } from '../report/csv.js';
import { renderHtml } from '../report/html.js';
import { buildReportModel, type ReportModel } from '../report/model.js';
import { writeRunFile, writeRunRecord } from '../run-store/folder.js';
import { readRun } from '../run-store/read.js';

export interface RenderedRun {
  model: ReportModel;
  reportPath: string;
}

export interface RenderOptions {
  /** Runs after the model exists and before anything is written (a run sends its summary to the sinks here). */
  beforeExports?: (model: ReportModel) => Promise<void>;
}

/** A path for the summary and messages: relative to the working folder when inside it, else absolute. */
export function shownPath(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return !relative || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(target) : relative;
}

/** Keeps a gate's verdict with the run: summary.json, run.json and the report show it. */
export async function storeGateResult(runDir: string, model: ReportModel, gate: GateResult): Promise<void> {
  model.summary.gate = gate;
  model.record.summary = model.summary;
  await writeRunRecord(runDir, model.record);
  await writeRunFile(runDir, 'summary', JSON.stringify(model.summary, null, 2) + '\n');
  await writeRunFile(runDir, 'report', renderHtml(model));
}

export async function renderStoredRun(runDir: string, options: RenderOptions = {}): Promise<RenderedRun> {
  const run = await readRun(runDir);
  const model = buildReportModel(run, shownPath(runDir));
  await options.beforeExports?.(model);
  model.record.summary = model.summary;
  await writeRunRecord(runDir, model.record);
  await writeRunFile(runDir, 'summary', JSON.stringify(model.summary, null, 2) + '\n');
  await writeRunFile(runDir, 'desktops', renderDesktopsCsv(model));
  await writeRunFile(runDir, 'phases', renderPhasesCsv(model));
  const operations = renderOperationsCsv(model);
  if (operations !== undefined) await writeRunFile(runDir, 'operations', operations);
  const reportPath = await writeRunFile(runDir, 'report', renderHtml(model));
  return { model, reportPath };
}
