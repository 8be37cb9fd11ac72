/**
 * Executes a scenario's arms one after another against a driver: samples the cluster while
 * each arm deploys, records phases and per-desktop events, sends everything to the sinks,
 * and tears each arm's VMs down before the next arm starts (unless `keep`).
 */
import pLimit from 'p-limit';
import type { HypervisorDriver, Inventory } from '../drivers/types.js';
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

  for (const [index, arm] of scenario.arms.entries()) {
    listener.onArmStart?.(arm, index, scenario.arms.length);
    const record = await runArm(input, arm, samples);
    arms.push(record);
    listener.onArmEnd?.(arm, record);
    if (record.desktops.some((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined)) status = 'failed';
    await sink.flush();
  }
  return { status, arms, samples };
}

async function runArm(input: RunInput, arm: ArmSpec, allSamples: ArmSample[]): Promise<ArmRecord> {
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

  const context: StrategyContext = {
    driver, inventory, scenario, arm, recorder,
    desktopNames: desktopNames(scenario, arm),
    created: [],
  };
  try {
    await strategies[arm.method](context);
  } finally {
    await sampler.stop();
    flushEvents();
  }
  const endMs = clock.nowMs();
  const phases = recorder.phases();
  sink.write({ phases: [{ arm: arm.name, method: arm.method, startMs, phases }] });

  let keptVms: string[] = [];
  if (scenario.keep) {
    keptVms = context.created.map((vm) => vm.name);
  } else {
    listener.onTeardown?.(arm, context.created.length);
    await teardown(context, recorder);
    flushEvents();
  }
  return {
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
}

/** Desktops first (within Horizon's maintenance limits), then the internal VMs, newest first. */
async function teardown(context: StrategyContext, recorder: ArmRecorder): Promise<void> {
  const { driver, scenario, arm, created } = context;
  const limit = pLimit(arm.method === 'composer' ? scenario.horizon.maxComposerMaintenance : scenario.horizon.maxInstantCloneProvisioning);
  const desktops = created.filter((vm) => vm.role === 'desktop');
  const internal = created.filter((vm) => vm.role !== 'desktop').reverse();
  await Promise.all(desktops.map((vm) => limit(async () => {
    await driver.destroy(vm);
    recorder.desktop(vm.name, vm.host, 'destroyed');
  })));
  const vcProvisioning = pLimit(scenario.horizon.maxVcProvisioning);
  await Promise.all(internal.map((vm) => vcProvisioning(() => driver.destroy(vm))));
  created.length = 0;
}
