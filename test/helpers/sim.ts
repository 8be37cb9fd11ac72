import path from 'node:path';
import { SimDriver } from '../../src/drivers/sim/sim-driver.js';
import { loadScenarioFile, resolveScenario, type ScenarioOverrides } from '../../src/scenarios/load.js';
import { runScenario, type RunOutcome } from '../../src/scenarios/runner.js';
import type { Scenario } from '../../src/scenarios/schema.js';
import type { MetricBatch, Sink } from '../../src/metrics/sink.js';
import { clusterCpuMhz, summarizeArm } from '../../src/report/summary.js';
import type { ArmSummary } from '../../src/report/summary-types.js';
import { repoRoot } from './cli.js';

export const START_MS = Date.UTC(2026, 10, 26, 10, 0, 0);

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
  summaries: ArmSummary[];
}

/** Run a scenario on the sim driver in-process, without touching the disk. */
export async function simulate(scenario: Scenario): Promise<SimRun> {
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS, faults: scenario.faults });
  const inventory = await driver.open();
  const sink = new MemorySink();
  const outcome = await runScenario({ runId: 'test', scenario, driver, inventory, sink });
  const capacity = clusterCpuMhz(inventory);
  const summaries = outcome.arms.map((arm) => summarizeArm(arm, outcome.samples, capacity));
  return { scenario, driver, outcome, sink, summaries };
}
