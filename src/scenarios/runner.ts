/**
 * Executes a scenario's arms one after another against a driver: samples the cluster while
 * each arm deploys, records phases and per-desktop events, sends everything to the sinks,
 * and tears each arm's VMs down before the next arm starts (unless `keep`).
 */
import pLimit from 'p-limit';
import { OperationError, type HypervisorDriver, type Inventory, type VmRef } from '../drivers/types.js';
import { desktopRecords, type ArmRecord, type RunStatus } from '../metrics/run-store/record.js';
import type { Sink } from '../metrics/sink.js';
import type { ArmSample, LifecycleEvent, PhaseName } from '../metrics/types.js';
import { ArmRecorder } from './recorder.js';
import type { ArmSpec, Method, Scenario } from './schema.js';
import { composerStrategy } from './strategies/composer.js';
import type { Strategy, StrategyContext } from './strategies/context.js';
import { instantCloneStrategy } from './strategies/instant-clone.js';

export const strategies: Record<Method, Strategy> = {
  composer: composerStrategy,
  'instant-clone': instantCloneStrategy,
};

export interface RunListener {
  onArmStart?(arm: ArmSpec, index: number, count: number): void;
  onPhase?(arm: ArmSpec, phase: PhaseName): void;
  onEvent?(arm: ArmSpec, event: LifecycleEvent): void;
  onArmEnd?(arm: ArmSpec, record: ArmRecord): void;
  onTeardown?(arm: ArmSpec, vms: number): void;
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
  samples: ArmSample[];
}

export function desktopNames(scenario: Scenario, arm: ArmSpec): string[] {
  return Array.from({ length: arm.desktops }, (_, index) => `${scenario.namePrefix}${arm.name}-${index + 1}`);
}

export async function runScenario(input: RunInput): Promise<RunOutcome> {
  const { scenario, sink, listener = {} } = input;
  const arms: ArmRecord[] = [];
  const samples: ArmSample[] = [];
  let status: RunStatus = 'completed';

  let error: string | undefined;
  for (const [index, arm] of scenario.arms.entries()) {
    if (input.signal?.aborted) break;
    listener.onArmStart?.(arm, index, scenario.arms.length);
    const { record, failed, armError } = await runArm(input, arm, samples);
    arms.push(record);
    listener.onArmEnd?.(arm, record);
    await sink.flush();
    await input.onCheckpoint?.(arms);
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
  return { status, arms, samples, ...(error ? { error } : {}) };
}

async function runArm(input: RunInput, arm: ArmSpec, allSamples: ArmSample[]): Promise<{ record: ArmRecord; failed: number; armError?: string }> {
  const { scenario, driver, inventory, sink, listener = {} } = input;
  const clock = driver.clock;
  const startMs = clock.nowMs();
  let pendingEvents: LifecycleEvent[] = [];
  const flushEvents = () => {
    if (pendingEvents.length) sink.write({ events: pendingEvents });
    pendingEvents = [];
  };
  const recorder = new ArmRecorder(arm.name, arm.method, startMs, clock, {
    onPhase: (phase) => listener.onPhase?.(arm, phase),
    onEvent: (event) => {
      pendingEvents.push(event);
      listener.onEvent?.(arm, event);
    },
  });
  const sampler = driver.startSampling(scenario.sampleIntervalS, (hostSamples) => {
    const tagged = hostSamples.map((sample): ArmSample => ({ ...sample, arm: arm.name, method: arm.method, tS: (sample.timeMs - startMs) / 1000 }));
    allSamples.push(...tagged);
    sink.write({ samples: tagged });
    flushEvents();
  });

  let failed = 0;
  const context: StrategyContext = {
    driver, inventory, scenario, arm, recorder,
    desktopNames: desktopNames(scenario, arm),
    created: [],
    stopping: () => Boolean(input.signal?.aborted) || failed > scenario.maxFailedDesktops,
    desktopFailed: () => { failed++; },
  };
  // An operation that fails outside any one desktop (replica, parents) ends the arm; the
  // run records why and keeps what it gathered.
  let armError: string | undefined;
  try {
    await strategies[arm.method](context);
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    armError = error.message;
  } finally {
    await sampler.stop();
    flushEvents();
  }
  const endMs = clock.nowMs();
  const phases = recorder.phases();
  sink.write({ phases: [{ arm: arm.name, method: arm.method, startMs, phases }] });

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
    desktopsRequested: arm.desktops,
    startedAt: new Date(startMs).toISOString(),
    startMs,
    endMs,
    phases,
    desktops: desktopRecords(recorder.events),
    keptVms,
  };
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
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
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
