/** A stored run as `bench gate` and `bench compare` use it: read back, its model built once. */
import { buildReportModel, type ReportModel } from '../report/model.js';
import { readRun } from '../run-store/read.js';
import { shownPath } from './finish.js';

export async function loadStoredRun(runDir: string): Promise<ReportModel> {
  return buildReportModel(await readRun(runDir), shownPath(runDir));
}
