/** The regression gate as the CLI uses it: settings from flags and the scenario, checked before a run. */
import { writeFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { loadBaseline } from '../report/baseline.js';
import { evaluateGate, parseMaxRegression, type GateResult, type GateSpec } from '../report/gate.js';
import { renderJunit } from '../report/junit.js';
import type { RunSummary } from '../report/summary-types.js';
import type { Scenario } from '../scenarios/schema.js';

export interface GateFlags {
  baseline?: string;
  'max-regression'?: string;
  junit?: string;
}

export interface PreparedGate {
  spec: GateSpec;
  baseline?: RunSummary;
  junit?: string;
  /** Whether there is anything to check. */
  active: boolean;
}

/** Everything a gate needs, validated before the run starts: a bad gate never costs a run. */
export async function prepareGate(flags: GateFlags, scenario: Pick<Scenario, 'gate' | 'arms'>): Promise<PreparedGate> {
  const maxRegression = new Map(Object.entries(scenario.gate.maxRegression));
  if (flags['max-regression'] !== undefined) {
    for (const [metric, limit] of parseMaxRegression(flags['max-regression'])) maxRegression.set(metric, limit);
  }
  if (flags['max-regression'] !== undefined && flags.baseline === undefined) {
    throw new InputError('--max-regression needs --baseline <run-dir|summary.json> to compare against');
  }
  if (flags.baseline !== undefined && maxRegression.size === 0) {
    throw new InputError('--baseline needs --max-regression (e.g. deployTimeS=10%,peakIops=15%) or gate.maxRegression in the scenario');
  }
  const baseline = flags.baseline === undefined ? undefined : await loadBaseline(flags.baseline);
  if (baseline) {
    for (const arm of scenario.arms) {
      if (!baseline.arms.some((candidate) => candidate.name === arm.name)) {
        throw new InputError(`--baseline ${flags.baseline}: the baseline has no arm "${arm.name}" (it has: ${baseline.arms.map((candidate) => candidate.name).join(', ')})`);
      }
    }
  }
  const bands = new Map(Object.entries(scenario.gate.expect).map(([arm, metrics]) => [arm, new Map(Object.entries(metrics))]));
  const spec: GateSpec = { maxRegression: baseline ? maxRegression : new Map(), bands };
  return { spec, baseline, junit: flags.junit, active: spec.maxRegression.size > 0 || bands.size > 0 };
}

export async function applyGate(gate: PreparedGate, summary: RunSummary, stream: NodeJS.WritableStream): Promise<GateResult> {
  const result = evaluateGate(summary, gate.spec, gate.baseline);
  stream.write(`\ngate: ${result.passed ? 'passed' : 'REGRESSION'} (${result.checks.filter((check) => check.passed).length}/${result.checks.length} checks)\n`);
  for (const check of result.checks) stream.write(`  ${check.passed ? 'ok  ' : 'FAIL'} ${check.arm}: ${check.message}\n`);
  if (gate.junit) await writeFile(gate.junit, renderJunit(result, summary.scenario, new Date().toISOString()), 'utf8');
  return result;
}
