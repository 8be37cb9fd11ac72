/**
 * One run, composed: create and open the driver, start the sinks (InfluxDB, the run store),
 * run the arms, then compute the summary once, from the run as the store holds it, and
 * hand that one value to every sink (summary points in metrics.lp and InfluxDB) and every
 * exporter (summary.json, the report, the CSVs, run.json).
 */
import { hostname } from 'node:os';
import { isUserError, RunError } from '../contract/errors.js';
import { RUN_SCHEMA_VERSION, type RunRecord } from '../contract/run-record.js';
import type { Sink } from '../contract/sink.js';
import { createDriver, profiles } from '../drivers/index.js';
import type { HypervisorDriver } from '../drivers/types.js';
import type { Inventory } from '../contract/cluster.js';
import { SinkFanout } from '../metrics/fanout.js';
import { InfluxSink } from '../metrics/influxdb/influx-sink.js';
import { createTransport } from '../metrics/influxdb/transport.js';
import { publicTarget, type InfluxSettings } from '../metrics/influxdb/config.js';
import type { ReportModel } from '../report/model.js';
import { createRunFolder, makeRunId, removeRunFolder, writeRunRecord } from '../run-store/folder.js';
import { runFilePath } from '../run-store/layout.js';
import { describeStoreFailure, RunStoreSink } from '../run-store/writer.js';
import { runScenario, type RunListener, type RunOutcome } from '../scenarios/runner.js';
import type { Scenario } from '../scenarios/schema.js';
import { renderStoredRun } from './finish.js';

export interface InfluxTarget {
  settings: InfluxSettings;
  /** How long closing the sink keeps trying to deliver what is queued. */
  closeTimeoutMs?: number;
  warn?: (message: string) => void;
}

export interface ExecuteOptions {
  scenario: Scenario;
  scenarioFile: string | null;
  /** Parent folder of run folders, e.g. reports/. */
  outDir: string;
  harness: RunRecord['harness'];
  listener?: RunListener;
  /** Stream to InfluxDB as well as into the run folder. */
  influx?: InfluxTarget;
  /** For tests: a driver built elsewhere. */
  driver?: HypervisorDriver;
  /** For tests: more sinks beside the run store. */
  extraSinks?: Sink[];
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
  /** The report model: the one summary every output got. */
  model: ReportModel;
  reportPath: string;
}

/** Room kept for the final run.json on a full disk: a base, plus its size per desktop (about 250 bytes). */
const RESERVE_BASE_BYTES = 64 * 1024;
const RESERVE_PER_DESKTOP_BYTES = 300;

export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { scenario } = options;
  const startMs = options.startMs ?? Math.floor(Date.now() / 1000) * 1000;
  const runIdWanted = makeRunId(startMs, scenario.name);
  const driver = options.driver ?? createDriver(scenario.driver, {
    settings: scenario, methods: scenario.arms.map((arm) => arm.method), seed: scenario.seed, timeScale: scenario.timeScale,
    startMs, runId: runIdWanted, vspherePassword: options.vspherePassword,
  });
  // Connect and discover before any folder exists: a refused connection leaves nothing behind.
  let inventory;
  try {
    inventory = await driver.open(options.signal);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }

  // A write the run folder refuses (disk full, folder deleted, I/O error) stops the run like
  // an interrupt: no new work, what was created is torn down, then the failure is recorded.
  const storeFailed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, storeFailed.signal]) : storeFailed.signal;

  // Simulated time holds still while the folder and the sinks get ready (a fault due at 600 s stays there).
  let opened;
  try {
    opened = await driver.clock.outsideTime(() => openRunFolder(options, driver, inventory, runIdWanted, startMs, () => storeFailed.abort()));
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  const { runId, runDir, sink, store, record } = opened;

  let outcome: RunOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await runScenario({
      runId, scenario, driver, inventory, sink, listener: options.listener, signal, skipTeardown: options.skipTeardown,
      // After each arm run.json holds the arms so far: a crash later still leaves them.
      onCheckpoint: async (arms) => {
        record.arms = arms;
        await writeRunRecord(runDir, record).catch((error: unknown) => store.recordFailure('run.json', error));
      },
    });
    record.status = outcome.status;
    record.arms = outcome.arms;
    if (outcome.error) record.error = outcome.error;
  } catch (error) {
    failure = error;
    record.status = 'failed';
    record.error = error instanceof Error ? error.message : String(error);
  }
  record.finishedAt = new Date(driver.clock.nowMs()).toISOString();
  const finishedMs = driver.clock.nowMs();
  await driver.close();

  await sink.flush();
  if (store.failure) return recordStoreFailure(runDir, record, sink, store, failure);
  // The summary is computed once, from exactly what the store holds, then goes everywhere.
  await store.releaseReserve();
  await writeRunRecord(runDir, record).catch((error: unknown) => store.recordFailure('run.json', error));
  if (store.failure) return recordStoreFailure(runDir, record, sink, store, failure);
  let rendered;
  try {
    rendered = await renderStoredRun(runDir, {
      beforeExports: async (model) => {
        const endMs = new Map(record.arms.map((arm) => [arm.name, arm.endMs]));
        sink.write({ summaries: model.summary.arms.map((arm) => ({ arm, timeMs: endMs.get(arm.name) ?? finishedMs })) });
        await sink.close();
        const reports = sink.reports();
        if (reports.length > 0) model.record.sinks = reports;
      },
    });
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    await sink.close().catch(() => undefined);
    throw new RunError(`the run finished (${record.status}) but its report could not be written in ${runDir}: ${(error as Error).message}`, 'free some space, then `bench report <run-dir>` renders it from the folder');
  }
  // A user-facing failure is recorded in the run; a programming error still crashes loudly.
  if (failure !== undefined && !isUserError(failure)) throw failure;
  return { runDir, record: rendered.model.record, outcome, model: rendered.model, reportPath: rendered.reportPath };
}

/** An errno failure of the file system (ENOSPC, ENOENT, EIO…), as opposed to a bug. */
function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * The run folder refused a write: the run has stopped and torn down. run.json gets status
 * `failed` and the reason (the space set aside at start makes room for it on a full disk);
 * if even that cannot be written, the error says so. Either way: one line, exit 1.
 */
async function recordStoreFailure(runDir: string, record: RunRecord, sink: SinkFanout, store: RunStoreSink, failure: unknown): Promise<never> {
  const problem = describeStoreFailure(store.failure!);
  record.status = 'failed';
  record.error = `the run folder could not be written (${problem}); the run stopped and tore down what it created`;
  if (failure !== undefined && !isUserError(failure)) record.error += `; also: ${failure instanceof Error ? failure.message : String(failure)}`;
  await sink.close().catch(() => undefined);
  await store.releaseReserve();
  const unrecorded = await writeRunRecord(runDir, record).then(() => undefined, (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'error');
  const left = record.arms.flatMap((arm) => arm.keptVms);
  const leftNote = left.length > 0 ? `; VMs left: ${left.join(', ')}` : '';
  if (unrecorded) {
    throw new RunError(`${runDir}: ${problem}; the run stopped and tore down what it created, but run.json could not be updated either (${unrecorded}) and does not say so${leftNote}`, 'free some space or restore the folder; `bench report` marks such a run incomplete');
  }
  throw new RunError(`${runDir}: ${problem}; the run stopped, tore down what it created and recorded status failed in run.json${leftNote}`, 'free some space, then run again');
}

/**
 * The run folder (created exclusively), the sinks started and run.json written with status
 * `running`. A sink that refuses (wrong credentials) stops the run and its empty folder goes.
 */
async function openRunFolder(options: ExecuteOptions, driver: HypervisorDriver, inventory: Inventory, runIdWanted: string, startMs: number, onStoreFailure: () => void) {
  const { scenario } = options;
  const { runId, runDir } = await createRunFolder(options.outDir, runIdWanted);
  const sinks: Sink[] = [...(options.extraSinks ?? [])];
  if (options.influx) {
    sinks.unshift(new InfluxSink(createTransport(options.influx.settings), {
      undeliveredPath: runFilePath(runDir, 'undeliveredLineProtocol'), warn: options.influx.warn, closeTimeoutMs: options.influx.closeTimeoutMs, signal: options.signal,
    }));
  }
  const desktops = scenario.arms.reduce((sum, arm) => sum + arm.desktops, 0);
  const store = new RunStoreSink(runDir, { onFailure: onStoreFailure, reserveBytes: RESERVE_BASE_BYTES + RESERVE_PER_DESKTOP_BYTES * desktops });
  const sink = new SinkFanout([...sinks, store]);
  try {
    await sink.start({ runId, scenario: scenario.name, driver: driver.name, cluster: inventory.cluster, endpoint: inventory.endpoint });
  } catch (error) {
    await sink.close().catch(() => undefined);
    await removeRunFolder(runDir);
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
    driver: { name: driver.name, inventory, ...calibrationOf(scenario, driver) },
    ...(options.influx ? { influx: publicTarget(options.influx.settings) as Record<string, string> } : {}),
    arms: [],
  };
  try {
    await writeRunRecord(runDir, record);
  } catch (error) {
    await sink.close().catch(() => undefined);
    await removeRunFolder(runDir);
    throw new RunError(`cannot write ${runDir}/run.json (${(error as NodeJS.ErrnoException).code ?? 'error'}): the run did not start`, 'free some space, or point --out elsewhere');
  }
  return { runId, runDir, sink, store, record };
}

/** On a simulated cluster: the published measurement its parameters reproduce (shown on the report's first screen). */
function calibrationOf(scenario: Scenario, driver: HypervisorDriver): { calibration?: string } {
  if (driver.name !== 'sim') return {};
  const profile = Object.hasOwn(profiles, scenario.profile) ? profiles[scenario.profile] : undefined;
  return profile ? { calibration: `${profile.source} (profile ${scenario.profile})` } : {};
}
