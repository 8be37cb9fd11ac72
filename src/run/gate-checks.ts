/**
 * The regression gate around a run: settings from flags and the scenario, checked before
 * the run starts (a bad gate never costs a run), then applied to the run's one summary.
 */
import { writeFile } from 'node:fs/promises';
import { InputError } from '../contract/errors.js';
import type { ScenarioRecord } from '../contract/run-record.js';
import type { RunSummary } from '../contract/summary.js';
import type { GateResult } from '../contract/summary.js';
import { baselineDifferences, loadBaseline } from '../report/baseline.js';
import { evaluateGate, gateVerdict, parseMaxRegression, type GateSpec } from '../report/gate.js';
import { renderJunit } from '../report/junit.js';

export interface GateFlags {
  baseline?: string;
  'max-regression'?: string;
  'max-change'?: string;
  'allow-different'?: boolean;
  junit?: string;
}

export interface PreparedGate {
  spec: GateSpec;
  baseline?: RunSummary;
  /** The baseline as the user named it. */
  baselineName?: string;
  junit?: string;
  /** Whether there is anything to check. */
  active: boolean;
}

/** Everything a gate needs, validated before the run starts: a bad gate never costs a run. */
export async function prepareGate(flags: GateFlags, scenario: Pick<ScenarioRecord, 'gate' | 'arms'> & Partial<ScenarioRecord>): Promise<PreparedGate> {
  const maxRegression = new Map(Object.entries(scenario.gate.maxRegression));
  if (flags['max-regression'] !== undefined) {
    for (const [metric, limit] of parseMaxRegression(flags['max-regression'])) maxRegression.set(metric, limit);
  }
  const maxChange = flags['max-change'] === undefined ? new Map<string, number>() : parseMaxRegression(flags['max-change'], '--max-change');
  for (const flag of ['max-regression', 'max-change'] as const) {
    if (flags[flag] !== undefined && flags.baseline === undefined) throw new InputError(`--${flag} needs --baseline <run-dir|summary.json> to compare against`);
  }
  if (flags.baseline !== undefined && maxRegression.size === 0 && maxChange.size === 0) {
    throw new InputError('--baseline needs --max-regression (e.g. deployTimeS=10%,peakIops=15%), --max-change, or gate.maxRegression in the scenario');
  }
  const loaded = flags.baseline === undefined ? undefined : await loadBaseline(flags.baseline);
  const baseline = loaded?.summary;
  if (loaded && !flags['allow-different']) {
    const differences = baselineDifferences(loaded, scenario);
    if (differences.length > 0) {
      throw new InputError(`--baseline ${flags.baseline}: not comparable with this run (${differences.slice(0, 5).join('; ')}${differences.length > 5 ? `; and ${differences.length - 5} more` : ''})`,
        'gate against a baseline of the same desktops and parameters, or pass --allow-different if the difference is the point');
    }
  }
  if (baseline) {
    for (const arm of scenario.arms) {
      if (!baseline.arms.some((candidate) => candidate.name === arm.name)) {
        throw new InputError(`--baseline ${flags.baseline}: the baseline has no arm "${arm.name}" (it has: ${baseline.arms.map((candidate) => candidate.name).join(', ')})`);
      }
    }
  }
  const bands = new Map(Object.entries(scenario.gate.expect).map(([arm, metrics]) => [arm, new Map(Object.entries(metrics))]));
  const spec: GateSpec = { maxRegression: baseline ? maxRegression : new Map(), maxChange: baseline ? maxChange : new Map(), bands };
  return {
    spec, baseline, ...(flags.baseline !== undefined ? { baselineName: flags.baseline } : {}), junit: flags.junit,
    active: spec.maxRegression.size > 0 || maxChange.size > 0 || bands.size > 0,
  };
}

/** Evaluates the gate on the run's summary, prints the checks, writes JUnit when asked. */
export async function applyGate(gate: PreparedGate, summary: RunSummary, stream: NodeJS.WritableStream): Promise<GateResult> {
  const result = evaluateGate(summary, gate.spec, gate.baseline, gate.baselineName);
  stream.write(`\ngate: ${gateVerdict(result)}${gate.baselineName ? ` (baseline ${gate.baselineName})` : ''}\n`);
  for (const check of result.checks) stream.write(`  ${check.passed ? 'ok  ' : 'FAIL'} ${check.arm}: ${check.message}\n`);
  if (gate.junit) await writeFile(gate.junit, renderJunit(result, summary, new Date().toISOString()), 'utf8');
  return result;
}
