import path from 'node:path';
import type { ArmSample } from '../../src/contract/observations.js';
import type { MetricBatch, Sink } from '../../src/contract/sink.js';
import type { ArmSummary } from '../../src/contract/summary.js';
import { SimDriver } from '../../src/drivers/sim/sim-driver.js';
import { executeRun } from '../../src/run/execute.js';
import { loadScenarioFile, resolveScenario, type ScenarioOverrides } from '../../src/scenarios/load.js';
import type { RunOutcome } from '../../src/scenarios/runner.js';
import type { Scenario } from '../../src/scenarios/schema.js';
import { repoRoot, tempDir } from './cli.js';

export const START_MS = Date.UTC(2026, 10, 26, 10, 0, 0);
const TEST_HARNESS = { name: 'vdibench', version: 'test', node: process.versions.node };

export async function shippedScenario(name: string, overrides: ScenarioOverrides = {}): Promise<Scenario> {
  const loaded = await loadScenarioFile(path.join(repoRoot, 'scenarios.yml'));
  return resolveScenario(loaded, name, overrides);
}

/** A sink that keeps every batch in memory. */
export class MemorySink implements Sink {
  readonly name = 'memory';
  readonly batches: MetricBatch[] = [];
  started = false;
  closed = false;
  async start(): Promise<void> { this.started = true; }
  write(batch: MetricBatch): void { this.batches.push(batch); }
  async flush(): Promise<void> {}
  async close(): Promise<void> { this.closed = true; }
}

export interface SimRun {
  scenario: Scenario;
  driver: SimDriver;
  outcome: RunOutcome;
  sink: MemorySink;
  /** Every host sample the run sent to its sinks. */
  samples: ArmSample[];
  /** The summary as the run stored it (summary.json): what users see. */
  summaries: ArmSummary[];
  runDir: string;
}

/** Run a scenario on the sim driver the way `bench run` does, into a temporary run folder. */
export async function simulate(scenario: Scenario): Promise<SimRun> {
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS, faults: scenario.faults });
  const sink = new MemorySink();
  const result = await executeRun({ scenario, scenarioFile: null, outDir: tempDir(), harness: TEST_HARNESS, driver, extraSinks: [sink], startMs: START_MS });
  const samples = sink.batches.flatMap((batch) => batch.samples ?? []);
  return { scenario, driver, outcome: result.outcome!, sink, samples, summaries: result.model.summary.arms, runDir: result.runDir };
}
