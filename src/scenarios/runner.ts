/**
 * Executes a scenario's arms one after another against a driver: samples the cluster while
 * each arm deploys, records phases and per-desktop events, sends everything to the sinks,
 * and tears each arm's VMs down before the next arm starts (unless `keep`).
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { Inventory } from '../contract/cluster.js';
import { RunError } from '../contract/errors.js';
import type { Method } from '../contract/method.js';
import type { ArmSample, LifecycleEvent, PhaseName } from '../contract/observations.js';
import { OPERATION_LABELS, type OperationName } from '../contract/operation.js';
import { desktopRecords, operationDesktopRecords, type ArmRecord, type ArmSpec, type OperationRecord } from '../contract/run-record.js';
import type { RunStatus } from '../contract/run-status.js';
import type { Sink } from '../contract/sink.js';
import { OperationError, type HypervisorDriver, type VmRef, type WaitState } from '../drivers/types.js';
import { ArmRecorder } from './recorder.js';
import type { Scenario } from './schema.js';
import { composerStrategy } from './strategies/composer.js';
import { emptyPool, type Strategy, type StrategyContext } from './strategies/context.js';
import { instantCloneStrategy } from './strategies/instant-clone.js';
import { operationStrategies } from './strategies/operations.js';

const strategies: Record<Method, Strategy> = {
  composer: composerStrategy,
  'instant-clone': instantCloneStrategy,
};

export interface RunListener {
  /** `waits`: what the driver's desktops wait for now (drivers that wait on real time). */
  onArmStart?(arm: ArmSpec, index: number, count: number, waits?: () => WaitState | undefined): void;
  onPhase?(arm: ArmSpec, phase: PhaseName): void;
  /** A day-2 operation starts on the arm's pool (after its deployment). */
  onOperation?(arm: ArmSpec, operation: OperationName): void;
  onEvent?(arm: ArmSpec, event: LifecycleEvent): void;
  onArmEnd?(arm: ArmSpec, record: ArmRecord): void;
  onTeardown?(arm: ArmSpec, vms: number): void;
  /** Each batch of host samples as it comes (live IOPS and CPU in the progress line). */
  onSamples?(arm: ArmSpec, samples: ArmSample[]): void;
}

export interface RunInput {
  runId: string;
  scenario: Scenario;
  driver: HypervisorDriver;
  inventory: Inventory;
  sink: Sink;
  listener?: RunListener;
  /** Aborted on the first Ctrl-C / SIGTERM: no new operation starts; what was created is torn down. */
  signal?: AbortSignal;
  /** True once teardown should be skipped too (a second Ctrl-C). */
  skipTeardown?: () => boolean;
  /** Called after each arm with the arms so far, to checkpoint run.json. */
  onCheckpoint?: (arms: ArmRecord[]) => Promise<void>;
}

export interface RunOutcome {
  status: RunStatus;
  error?: string;
  arms: ArmRecord[];
}

function desktopNames(scenario: Scenario, arm: ArmSpec): string[] {
  return Array.from({ length: arm.desktops }, (_, index) => `${scenario.namePrefix}${arm.name}-${index + 1}`);
}

export async function runScenario(input: RunInput): Promise<RunOutcome> {
  const { scenario, sink, listener = {} } = input;
  // Every desktop waiting for its user's logoff listens to the signal while it waits: many
  // at once is expected, not a leak (each listener goes when its wait ends).
  if (input.signal) setMaxListeners(0, input.signal);
  const arms: ArmRecord[] = [];
  let status: RunStatus = 'completed';

  let error: string | undefined;
  for (const [index, arm] of scenario.arms.entries()) {
    if (input.signal?.aborted) break;
    listener.onArmStart?.(arm, index, scenario.arms.length, () => input.driver.waiting?.());
    const { record, failed, armError } = await runArm(input, arm);
    arms.push(record);
    listener.onArmEnd?.(arm, record);
    await input.driver.clock.outsideTime(async () => {
      await sink.flush();
      await input.onCheckpoint?.(arms);
    });
    if (armError) {
      status = 'failed';
      error = `arm ${arm.name}: ${armError}`;
      break;
    }
    if (failed > scenario.maxFailedDesktops) {
      status = 'failed';
      error = `${failed} desktop(s) of arm ${arm.name} failed, more than maxFailedDesktops (${scenario.maxFailedDesktops}); the run stopped`;
      break;
    }
  }
  if (input.signal?.aborted) {
    status = 'aborted';
    error = 'interrupted';
  }
  return { status, arms, ...(error ? { error } : {}) };
}

async function runArm(input: RunInput, arm: ArmSpec): Promise<{ record: ArmRecord; failed: number; armError?: string }> {
  const { scenario, driver, inventory, sink, listener = {} } = input;
  const clock = driver.clock;
  const startMs = clock.nowMs();
  // Events go to the sinks as they happen: those of one instant are batched on a microtask,
  // which runs before the virtual clock's next event and at once on a real clock, so a
  // killed run loses at most what the OS had not yet written (never a sampling interval).
  let pendingEvents: LifecycleEvent[] = [];
  const flushEvents = () => {
    if (pendingEvents.length) sink.write({ events: pendingEvents });
    pendingEvents = [];
  };
  const recorderListener = {
    onPhase: (phase: PhaseName) => listener.onPhase?.(arm, phase),
    onEvent: (event: LifecycleEvent) => {
      if (pendingEvents.length === 0) queueMicrotask(flushEvents);
      pendingEvents.push(event);
      listener.onEvent?.(arm, event);
    },
  };
  const recorder = new ArmRecorder(arm.name, arm.method, startMs, clock, recorderListener);
  const sample = () => driver.startSampling(scenario.sampleIntervalS, (hostSamples) => {
    const tagged = hostSamples.map((sample): ArmSample => ({ ...sample, arm: arm.name, method: arm.method, tS: (sample.timeMs - startMs) / 1000 }));
    sink.write({ samples: tagged });
    listener.onSamples?.(arm, tagged);
    flushEvents();
  });

  let failed = 0;
  const context: StrategyContext = {
    driver, inventory, scenario, arm, recorder,
    desktopNames: desktopNames(scenario, arm),
    created: [],
    pool: emptyPool(),
    ...(input.signal ? { signal: input.signal } : {}),
    stopping: () => Boolean(input.signal?.aborted) || failed > scenario.maxFailedDesktops,
    desktopFailed: () => { failed++; },
  };
  // An operation that fails outside any one desktop (replica, parents) ends the arm; the
  // run records why and keeps what it gathered.
  let armError: string | undefined;
  // Anything else (a bug, a write that failed) still tears down what was created first, then surfaces.
  let unexpected: { error: unknown } | undefined;
  // Each step samples on its own (deploy, then each operation): its last, partial interval
  // ends where it ends, so no sample mixes two steps.
  const step = async (work: () => Promise<void>): Promise<string | undefined> => {
    const sampler = sample();
    try {
      await work();
    } catch (error) {
      if (error instanceof OperationError || error instanceof RunError) return error.message;
      unexpected = { error };
    } finally {
      await sampler.stop();
      flushEvents();
    }
    return undefined;
  };
  armError = await step(() => strategies[arm.method](context));
  const endMs = clock.nowMs();
  // What the driver saw, per step: the deployment's own, then each operation's, said as such.
  const warnings = driver.takeWarnings?.(arm.name) ?? [];
  const phases = recorder.phases();
  sink.write({ phases: [{ arm: arm.name, method: arm.method, startMs, phases }] });

  const operations: OperationRecord[] = [];
  for (const spec of arm.operations ?? []) {
    if (armError !== undefined || unexpected || context.stopping()) break;
    const operationStartMs = clock.nowMs();
    const desktopsInPool = context.pool.desktops.size;
    const operationRecorder = new ArmRecorder(arm.name, arm.method, operationStartMs, clock, recorderListener, { name: spec.name, armStartMs: startMs });
    listener.onOperation?.(arm, spec.name);
    const operationError = await step(() => operationStrategies[spec.name]({ ...context, recorder: operationRecorder }, spec));
    if (operationError !== undefined) armError = `${spec.name}: ${operationError}`;
    warnings.push(...(driver.takeWarnings?.(arm.name) ?? []).map((warning) => ({ ...warning, message: `during ${OPERATION_LABELS[spec.name].toLowerCase()}: ${warning.message}` })));
    sink.write({ phases: [{ arm: arm.name, method: arm.method, startMs: operationStartMs, phases: operationRecorder.phases(), operation: spec.name }] });
    operations.push({
      name: spec.name,
      startMs: operationStartMs,
      endMs: clock.nowMs(),
      users: spec.users,
      desktopsInPool,
      phases: operationRecorder.phases(),
      desktops: operationDesktopRecords(operationRecorder.events, spec.name, operationStartMs),
    });
  }

  let keptVms: string[] = [];
  if (scenario.keep || input.skipTeardown?.()) {
    keptVms = context.created.map((vm) => vm.name);
  } else {
    listener.onTeardown?.(arm, context.created.length);
    keptVms = await teardown(context, recorder, input.skipTeardown);
    flushEvents();
  }
  const record: ArmRecord = {
    name: arm.name,
    method: arm.method,
    ...repetitionFields(arm),
    desktopsRequested: arm.desktops,
    startedAt: new Date(startMs).toISOString(),
    startMs,
    endMs,
    phases,
    desktops: desktopRecords(recorder.events),
    keptVms,
    ...(operations.length > 0 ? { operations } : {}),
  };
  if (warnings.length > 0) record.warnings = warnings;
  if (unexpected) throw unexpected.error;
  return { record, failed, ...(armError ? { armError } : {}) };
}

/**
 * Desktops first (within Horizon's maintenance limits), then the internal VMs, newest first.
 * Returns the names of VMs that could not be destroyed (or were left by a second Ctrl-C).
 */
async function teardown(context: StrategyContext, recorder: ArmRecorder, skip?: () => boolean): Promise<string[]> {
  const { driver, scenario, arm, created } = context;
  const left: string[] = [];
  const destroy = async (vm: VmRef) => {
    if (skip?.()) {
      left.push(vm.name);
      return;
    }
    try {
      await driver.destroy(vm);
      if (vm.role === 'desktop') recorder.desktop(vm.name, vm.host, 'destroyed');
    } catch {
      // One VM that cannot be destroyed never abandons the rest of the teardown; it is listed as left.
      left.push(vm.name);
    }
  };
  const limit = pLimit(arm.method === 'composer' ? scenario.horizon.maxComposerMaintenance : scenario.horizon.maxInstantCloneProvisioning);
  await Promise.all(created.filter((vm) => vm.role === 'desktop').map((vm) => limit(() => destroy(vm))));
  const vcProvisioning = pLimit(scenario.horizon.maxVcProvisioning);
  await Promise.all(created.filter((vm) => vm.role !== 'desktop').reverse().map((vm) => vcProvisioning(() => destroy(vm))));
  created.length = 0;
  return left;
}

/** A repeated arm keeps which arm and which run it is (absent on a single run: run.json as before). */
function repetitionFields(arm: ArmSpec): Pick<ArmRecord, 'repetitionOf' | 'repetition' | 'warmup'> {
  if (arm.repetitionOf === undefined) return {};
  return { repetitionOf: arm.repetitionOf, repetition: arm.repetition, ...(arm.warmup ? { warmup: true } : {}) };
}
