/** A baseline for the gate: a run folder (its summary) or a summary.json file. */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../contract/errors.js';
import type { ScenarioRecord } from '../contract/run-record.js';
import type { RunSummary } from '../contract/summary.js';
import { RUN_FILES } from '../run-store/layout.js';
import { readRun } from '../run-store/read.js';
import { scenarioDifferences } from './compare.js';
import { buildReportModel } from './model.js';

export interface Baseline {
  summary: RunSummary;
  /** The baseline's scenario, when it is a run folder (a summary.json alone does not keep it). */
  scenario?: ScenarioRecord;
}

/**
 * What differs between a baseline and the scenario about to run, in words; empty when they
 * are comparable. A gate against a different cluster or desktop count would pass or fail for
 * the wrong reason.
 */
export function baselineDifferences(baseline: Baseline, scenario: Pick<ScenarioRecord, 'arms'> & Partial<ScenarioRecord>): string[] {
  const differences: string[] = [];
  for (const arm of scenario.arms) {
    const reference = baseline.summary.arms.find((candidate) => candidate.name === arm.name);
    if (reference && reference.desktops.requested !== arm.desktops) {
      differences.push(`arm ${arm.name}: ${arm.desktops} desktops, baseline ${reference.desktops.requested}`);
    }
  }
  return baseline.scenario ? [...differences, ...scenarioDifferences(scenario, baseline.scenario)] : differences;
}

export async function loadBaseline(location: string): Promise<Baseline> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new InputError(`--baseline ${location}: no such file or folder`, 'pass a run folder or its summary.json');
  }
  if (info.isDirectory()) {
    const run = await readRun(location);
    return { summary: buildReportModel(run, location).summary, scenario: run.record.scenario };
  }
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(location, 'utf8')) as RunSummary;
  } catch (error) {
    throw new InputError(`--baseline ${location}: not valid JSON (${(error as Error).message})`);
  }
  if (!summary || !Array.isArray(summary.arms) || summary.arms.some((arm) => typeof arm?.name !== 'string')) {
    throw new InputError(`--baseline ${location}: not a vdibench summary (expected ${RUN_FILES.summary} with "arms")`);
  }
  return { summary };
}
