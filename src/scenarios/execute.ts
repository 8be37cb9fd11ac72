/**
 * One run from a resolved scenario to a finished run folder: open the driver, start the
 * sinks, run the arms, close the sinks, write run.json. Rendering the report is the report
 * room's job (src/report/render.ts).
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createDriver } from '../drivers/index.js';
import type { HypervisorDriver } from '../drivers/types.js';
import { isUserError } from '../errors.js';
import { RUN_SCHEMA_VERSION, writeRunRecord, type RunRecord } from '../metrics/run-store/record.js';
import { RunStoreSink } from '../metrics/run-store/run-store-sink.js';
import { SinkFanout, type Sink } from '../metrics/sink.js';
import { clusterCpuMhz, summarizeArm } from '../report/summary.js';
import { runScenario, type RunListener, type RunOutcome } from './runner.js';
import type { Scenario } from './schema.js';

export interface ExecuteOptions {
  scenario: Scenario;
  scenarioFile: string | null;
  /** Parent folder of run folders, e.g. reports/. */
  outDir: string;
  harness: RunRecord['harness'];
  listener?: RunListener;
  /** More sinks beside the run store (InfluxDB...), given the run folder they may keep files in. */
  extraSinks?: (runDir: string) => Sink[];
  /** For tests: a driver built elsewhere. */
  driver?: HypervisorDriver;
  /** Where the run starts in time (ms since the epoch); defaults to now. */
  startMs?: number;
  /** Interruption: see RunInput. */
  signal?: AbortSignal;
  /** The vsphere driver's password (never part of the scenario or run.json). */
  vspherePassword?: string;
  skipTeardown?: () => boolean;
}

export interface ExecuteResult {
  runDir: string;
  record: RunRecord;
  outcome: RunOutcome | undefined;
}

export function makeRunId(startMs: number, scenario: string): string {
  const stamp = new Date(Math.floor(startMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${scenario}`;
}

function uniqueRunDir(outDir: string, runId: string): { runId: string; runDir: string } {
  for (let attempt = 1; ; attempt++) {
    const id = attempt === 1 ? runId : `${runId}-${attempt}`;
    const dir = path.join(outDir, id);
    if (!existsSync(dir)) return { runId: id, runDir: dir };
  }
}

export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { scenario } = options;
  const startMs = options.startMs ?? Math.floor(Date.now() / 1000) * 1000;
  const { runId, runDir } = uniqueRunDir(options.outDir, makeRunId(startMs, scenario.name));
  const driver = options.driver ?? createDriver(scenario, { startMs, runId, vspherePassword: options.vspherePassword });
  // Connect and discover before any folder exists: a refused connection leaves nothing behind.
  let inventory;
  try {
    inventory = await driver.open();
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }

  const record: RunRecord = {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId,
    status: 'running',
    createdAt: new Date(startMs).toISOString(),
    harness: options.harness,
    process: { pid: process.pid, host: hostname() },
    scenarioFile: options.scenarioFile,
    scenario,
    driver: { name: driver.name, inventory },
    arms: [],
  };
  // Other sinks start first: one that refuses (wrong credentials) stops the run before its folder exists.
  const sink = new SinkFanout([...(options.extraSinks?.(runDir) ?? []), new RunStoreSink(runDir)]);
  try {
    await sink.start({ runId, scenario: scenario.name, driver: driver.name, cluster: inventory.cluster, endpoint: inventory.endpoint });
  } catch (error) {
    await driver.close();
    throw error;
  }
  await writeRunRecord(runDir, record);

  let outcome: RunOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await runScenario({
      runId, scenario, driver, inventory, sink, listener: options.listener, signal: options.signal, skipTeardown: options.skipTeardown,
      // After each arm run.json holds the arms so far: a crash later still leaves them.
      onCheckpoint: async (arms) => {
        record.arms = arms;
        await writeRunRecord(runDir, record);
      },
    });
    record.status = outcome.status;
    record.arms = outcome.arms;
    if (outcome.error) record.error = outcome.error;
    const capacity = clusterCpuMhz(inventory);
    const finished = outcome;
    sink.write({ summaries: finished.arms.map((arm) => ({ arm: summarizeArm(arm, finished.samples, capacity), timeMs: arm.endMs })) });
  } catch (error) {
    failure = error;
    record.status = 'failed';
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    await sink.close();
    await driver.close();
    const reports = sink.reports();
    if (reports.length > 0) record.sinks = reports;
    record.finishedAt = new Date(driver.clock.nowMs()).toISOString();
    await writeRunRecord(runDir, record);
  }
  // A user-facing failure is recorded in the run; a programming error still crashes loudly.
  if (failure !== undefined && !isUserError(failure)) throw failure;
  return { runDir, record, outcome };
}
