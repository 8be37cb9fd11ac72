/**
 * Day-2 operations call by call: the sim driver wrapped so every primitive an operation asks
 * for is recorded (which, on which VM, from which source), in the order asked, split into
 * deployment, operation and teardown. Pins what each operation does to each desktop and to
 * the internal VMs, not only the figures that come out of it.
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../../src/contract/observations.js';
import type { OperationName } from '../../../src/contract/operation.js';
import { OperationError } from '../../../src/drivers/types.js';
import type { Scenario } from '../../../src/scenarios/schema.js';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import type { CloneOptions, SnapshotRef, VmRef } from '../../../src/drivers/types.js';
import { logoffSchedule } from '../../../src/scenarios/strategies/operations.js';
import { runScenario, type RunOutcome } from '../../../src/scenarios/runner.js';
import { MemorySink, shippedScenario, START_MS } from '../../helpers/sim.js';

interface Call {
  step: string;
  method: string;
  vm: string;
  detail?: string;
}

interface Options {
  set?: string[];
  /** Called before each recorded call is made; may throw (a fault) or abort the run. */
  before?: (call: Call, abort: () => void) => void;
  faults?: Scenario['faults'];
  retries?: number;
  maxFailedDesktops?: number;
}

async function record(scenarioName: string, method: 'composer' | 'instant-clone', options: Options | string[] = {}): Promise<{ calls: Call[]; outcome: RunOutcome; phases: string[]; events: LifecycleEvent[] }> {
  const { set = [], before, faults, retries, maxFailedDesktops } = Array.isArray(options) ? { set: options } as Options : options;
  const resolved = await shippedScenario(scenarioName, { desktops: 3, set: ['users.logoffWarningS=0', 'users.logoffWindowS=60', 'cluster.hosts=2', ...set] });
  const scenario: Scenario = { ...resolved, ...(faults ? { faults } : {}), ...(retries !== undefined ? { retries, retryBackoffS: 0 } : {}), ...(maxFailedDesktops !== undefined ? { maxFailedDesktops } : {}) };
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS, faults: scenario.faults });
  const controller = new AbortController();
  const events: LifecycleEvent[] = [];
  const inventory = await driver.open();
  const calls: Call[] = [];
  let step = 'deploy';
  const wrap = <A extends unknown[], R>(name: string, describeCall: (...args: A) => [vm: string, detail?: string]) => {
    const original = (driver as unknown as Record<string, (...args: A) => Promise<R>>)[name]!.bind(driver);
    (driver as unknown as Record<string, (...args: A) => Promise<R>>)[name] = async (...args: A) => {
      const [vm, detail] = describeCall(...args);
      const call: Call = { step, method: name, vm, ...(detail === undefined ? {} : { detail }) };
      calls.push(call);
      before?.(call, () => controller.abort());
      return original(...args);
    };
  };
  wrap('fullClone', (source: SnapshotRef, options: CloneOptions) => [options.name, `from ${source.vm.name}@${source.name}, ${options.role}, offload ${String(options.allowOffload)}`]);
  wrap('linkedClone', (source: SnapshotRef, options: CloneOptions) => [options.name, `from ${source.vm.name}@${source.name}, ${options.role}`]);
  wrap('instantClone', (parent: VmRef, options: CloneOptions) => [options.name, `from ${parent.name}`]);
  wrap('snapshot', (vm: VmRef, name: string) => [vm.name, name]);
  wrap('digest', (vm: VmRef) => [vm.name]);
  wrap('powerOn', (vm: VmRef) => [vm.name]);
  wrap('powerOff', (vm: VmRef) => [vm.name]);
  wrap('customize', (vm: VmRef, kind: string) => [vm.name, kind]);
  wrap('revert', (snapshot: SnapshotRef) => [snapshot.vm.name, snapshot.name]);
  wrap('destroy', (vm: VmRef) => [vm.name, vm.role]);
  wrap('prepareParent', (vm: VmRef) => [vm.name]);
  wrap('waitUntilReady', (vm: VmRef) => [vm.name]);
  const arms = scenario.arms.filter((arm) => arm.method === method);
  const phases: string[] = [];
  const outcome = await runScenario({
    runId: 'calls', scenario: { ...scenario, arms }, driver, inventory, sink: new MemorySink(), signal: controller.signal,
    listener: {
      onEvent: (_arm, event) => { events.push(event); },
      onOperation: (_arm, operation: OperationName) => { step = operation; },
      onTeardown: () => { step = 'teardown'; },
    },
  });
  for (const operation of outcome.arms[0]!.operations ?? []) phases.push(...operation.phases.map((phase) => phase.name));
  expect(driver.leftovers()).toEqual([]);
  return { calls, outcome, phases, events };
}

const during = (calls: Call[], step: string) => calls.filter((call) => call.step === step);
const forVm = (calls: Call[], vm: string) => calls.filter((call) => call.vm === vm).map((call) => `${call.method}${call.detail ? ` (${call.detail})` : ''}`);

describe('what each operation asks of the driver', () => {
  it('recompose: a new replica from the patched image, then per desktop power off, delete, link to it again, QuickPrep, power on; the old replica last', async () => {
    const { calls, phases } = await record('patch-composer-vs-instant', 'composer');
    const recompose = during(calls, 'recompose');
    expect(forVm(recompose, 'vdibench-composer-replica-2')).toEqual([
      'fullClone (from golden-image@patched, replica, offload true)', 'snapshot (replica)',
    ]);
    for (const desktop of ['vdibench-composer-1', 'vdibench-composer-2', 'vdibench-composer-3']) {
      expect(forVm(recompose, desktop)).toEqual([
        'powerOff', 'destroy (desktop)', 'linkedClone (from vdibench-composer-replica-2@replica, desktop)',
        // QuickPrep ends with the guest shut down (the sim's customize powers it off).
        'powerOn', 'customize (quickprep)', 'powerOff', 'snapshot (quickprep)', 'powerOn', 'waitUntilReady',
      ]);
    }
    // The old replica goes in the operation, after every desktop moved; teardown finds only the new one.
    expect(recompose.at(-1)).toEqual({ step: 'recompose', method: 'destroy', vm: 'vdibench-composer-replica', detail: 'replica' });
    expect(during(calls, 'teardown').map((call) => call.vm).filter((vm) => vm.includes('replica'))).toEqual(['vdibench-composer-replica-2']);
    // No digest unless the pool has View Storage Accelerator.
    expect(recompose.filter((call) => call.method === 'digest')).toEqual([]);
    expect(phases).toEqual(['replica', 'power-off', 'clone', 'customize', 'power-on', 'cleanup']);
  });

  it('recompose with View Storage Accelerator digests the new replica', async () => {
    const { calls, phases } = await record('patch-composer-vs-instant', 'composer', ['horizon.composerStorageAccelerator=true']);
    expect(during(calls, 'recompose').filter((call) => call.method === 'digest').map((call) => call.vm)).toEqual(['vdibench-composer-replica-2']);
    expect(phases).toContain('digest');
  });

  it('refresh: per desktop power off, revert to its post-QuickPrep snapshot, power on; nothing created', async () => {
    const { calls, phases } = await record('refresh-composer-vs-instant', 'composer', ['users.policy=force-logoff']);
    const refresh = during(calls, 'refresh');
    for (const desktop of ['vdibench-composer-1', 'vdibench-composer-2', 'vdibench-composer-3']) {
      expect(forVm(refresh, desktop)).toEqual(['powerOff', 'revert (quickprep)', 'powerOn', 'waitUntilReady']);
    }
    expect(refresh.filter((call) => /Clone|destroy/.test(call.method))).toEqual([]);
    expect(phases).toEqual(['power-off', 'revert', 'power-on']);
  });

  it('push image: the new image published (template, replica, digest, a parent per host), each desktop deleted and forked from its new parent, the old image last', async () => {
    const { calls, phases } = await record('patch-composer-vs-instant', 'instant-clone');
    const push = during(calls, 'push-image');
    expect(forVm(push, 'vdibench-instant-cp-template-2')).toEqual(['linkedClone (from golden-image@patched, template)', 'snapshot (cp-template)']);
    expect(forVm(push, 'vdibench-instant-cp-replica-2')).toEqual(['fullClone (from vdibench-instant-cp-template-2@cp-template, replica, offload false)', 'snapshot (cp-replica)', 'digest']);
    for (const parent of ['vdibench-instant-cp-parent-2-1', 'vdibench-instant-cp-parent-2-2']) {
      expect(forVm(push, parent)).toEqual(['linkedClone (from vdibench-instant-cp-replica-2@cp-replica, parent)', 'powerOn', 'prepareParent']);
    }
    for (const desktop of ['vdibench-instant-1', 'vdibench-instant-2', 'vdibench-instant-3']) {
      const steps = forVm(push, desktop);
      expect(steps).toHaveLength(4);
      expect(steps[0]).toBe('destroy (desktop)');
      expect(steps[1]).toMatch(/^instantClone \(from vdibench-instant-cp-parent-2-[12]\)$/);
      expect(steps.slice(2)).toEqual(['customize (cloneprep)', 'waitUntilReady']);
    }
    // No desktop is touched before the new parents are ready.
    const lastPublish = push.findLastIndex((call) => call.method === 'prepareParent');
    const firstDesktop = push.findIndex((call) => /^vdibench-instant-\d+$/.test(call.vm));
    expect(firstDesktop).toBeGreaterThan(lastPublish);
    // The old parents, replica and template go in the operation, after the desktops, newest first.
    const cleanup = push.slice(push.findLastIndex((call) => /^vdibench-instant-\d+$/.test(call.vm)) + 1);
    expect(cleanup.map((call) => call.vm).sort()).toEqual(['vdibench-instant-cp-parent-1', 'vdibench-instant-cp-parent-2', 'vdibench-instant-cp-replica', 'vdibench-instant-cp-template']);
    expect(cleanup.every((call) => call.method === 'destroy')).toBe(true);
    expect(during(calls, 'teardown').map((call) => call.vm).filter((vm) => vm.includes('-cp-')).sort()).toEqual([
      'vdibench-instant-cp-parent-2-1', 'vdibench-instant-cp-parent-2-2', 'vdibench-instant-cp-replica-2', 'vdibench-instant-cp-template-2',
    ]);
    expect(phases).toEqual(['template', 'replica', 'digest', 'parents', 'destroy', 'clone', 'customize', 'power-on', 'cleanup']);
  });

  it('recreate on logoff: each desktop deleted and forked again from the parent it came from', async () => {
    const { calls, phases } = await record('refresh-composer-vs-instant', 'instant-clone', ['users.loggedInPct=0']);
    const recreate = during(calls, 'logoff-recreate');
    const deployed = during(calls, 'deploy').filter((call) => call.method === 'instantClone');
    for (const desktop of ['vdibench-instant-1', 'vdibench-instant-2', 'vdibench-instant-3']) {
      const parent = deployed.find((call) => call.vm === desktop)!.detail;
      expect(forVm(recreate, desktop)).toEqual(['destroy (desktop)', `instantClone (${parent!})`, 'customize (cloneprep)', 'waitUntilReady']);
    }
    expect(recreate.filter((call) => call.vm.includes('-cp-'))).toEqual([]);
    expect(phases).toEqual(['destroy', 'clone', 'customize', 'power-on']);
  });
});

const kinds = (events: LifecycleEvent[], desktop: string) => events.filter((event) => event.desktop === desktop && event.operation !== undefined).map((event) => event.kind);

describe('what each operation records, and how it fails', () => {
  it('each desktop\'s events, with its host: out of service once, then the steps, then ready; no "requested"', async () => {
    const { events } = await record('patch-composer-vs-instant', 'composer');
    expect(kinds(events, 'vdibench-composer-2')).toEqual(['logged-off', 'out-of-service', 'cloned', 'customized', 'powered-on', 'ready']);
    expect(events.filter((event) => event.operation !== undefined).every((event) => event.host.startsWith('esx-'))).toBe(true);
    const push = await record('patch-composer-vs-instant', 'instant-clone', ['users.loggedInPct=0']);
    expect(kinds(push.events, 'vdibench-instant-3')).toEqual(['out-of-service', 'cloned', 'powered-on', 'customized', 'ready']);
  });

  it('a desktop that fails and is retried leaves service once, and a retried fork moves to the next parent', async () => {
    let failures = 0;
    const { events, calls, outcome } = await record('patch-composer-vs-instant', 'instant-clone', {
      set: ['users.loggedInPct=0'], retries: 2,
      before: (call) => {
        if (call.step === 'push-image' && call.method === 'instantClone' && call.vm === 'vdibench-instant-1' && failures++ === 0) throw new OperationError('fork failed (test)', call.vm);
      },
    });
    expect(outcome.status).toBe('completed');
    expect(kinds(events, 'vdibench-instant-1')).toEqual(['out-of-service', 'retried', 'cloned', 'powered-on', 'customized', 'ready']);
    const forks = calls.filter((call) => call.step === 'push-image' && call.method === 'instantClone' && call.vm === 'vdibench-instant-1').map((call) => call.detail);
    expect(forks).toEqual(['from vdibench-instant-cp-parent-2-1', 'from vdibench-instant-cp-parent-2-2']);
  });

  it('a desktop that cannot be taken keeps the old replica in use: no cleanup, teardown removes it after the desktops', async () => {
    // The run goes on (one failure allowed): only the desktop still on the old replica keeps it.
    const { calls, phases, outcome } = await record('patch-composer-vs-instant', 'composer', {
      retries: 0, maxFailedDesktops: 1,
      before: (call) => {
        if (call.step === 'recompose' && call.method === 'powerOff' && call.vm === 'vdibench-composer-2') throw new OperationError('power off refused (test)', call.vm);
      },
    });
    expect(outcome.status).toBe('completed');
    const recomposed = outcome.arms[0]!.operations![0]!.desktops;
    expect(recomposed.find((desktop) => desktop.name === 'vdibench-composer-2')!.failedS).toBeDefined();
    expect(recomposed.filter((desktop) => desktop.readyS !== undefined)).toHaveLength(2);
    expect(phases).not.toContain('cleanup');
    const teardown = calls.filter((call) => call.step === 'teardown').map((call) => call.vm);
    expect(teardown.indexOf('vdibench-composer-replica')).toBeGreaterThan(teardown.indexOf('vdibench-composer-2'));
  });

  it('an old VM that will not go in cleanup is left for teardown; the operation completes', async () => {
    let refused = false;
    const { calls, outcome } = await record('patch-composer-vs-instant', 'composer', {
      before: (call) => {
        if (call.step === 'recompose' && call.method === 'destroy' && call.vm === 'vdibench-composer-replica' && !refused) {
          refused = true;
          throw new OperationError('in use (test)', call.vm);
        }
      },
    });
    expect(outcome.status).toBe('completed');
    expect(calls.filter((call) => call.step === 'teardown' && call.vm === 'vdibench-composer-replica')).toHaveLength(1);
  });

  it('a bug in an operation stops the run, and teardown still removes everything', async () => {
    await expect(record('refresh-composer-vs-instant', 'composer', {
      set: ['users.policy=force-logoff'],
      before: (call) => {
        if (call.method === 'revert' && call.vm === 'vdibench-composer-1') throw new TypeError('a bug (test)');
      },
    })).rejects.toThrow('a bug (test)');
  });

  it('interrupted while the new replica is made: no desktop is taken and nothing is cleaned up early', async () => {
    const { events, phases, outcome } = await record('patch-composer-vs-instant', 'composer', {
      before: (call, abort) => {
        if (call.method === 'fullClone' && call.vm === 'vdibench-composer-replica-2') abort();
      },
    });
    expect(outcome.status).toBe('aborted');
    expect(events.filter((event) => event.operation !== undefined)).toEqual([]);
    expect(phases).toEqual(['replica']);
  });

  it('interrupted while users have yet to log off: those desktops are never taken', async () => {
    let taken = 0;
    const { events, outcome } = await record('refresh-composer-vs-instant', 'composer', {
      set: ['users.logoffWindowS=3600', 'users.loggedInPct=67'],
      before: (call, abort) => {
        if (call.step === 'refresh' && call.method === 'powerOff' && ++taken === 1) abort();
      },
    });
    expect(outcome.status).toBe('aborted');
    expect(events.filter((event) => event.kind === 'out-of-service')).toHaveLength(1);
    expect(events.filter((event) => event.kind === 'logged-off')).toEqual([]);
  });
});

describe('rebalance', () => {
  it('is a refresh of every desktop (a balanced pool moves no clone), at most half the maintenance limit with users forced off', async () => {
    const scenario = await shippedScenario('refresh-composer-vs-instant', { desktops: 12, set: ['users.policy=force-logoff', 'users.logoffWarningS=30', 'horizon.maxComposerMaintenance=4'] });
    const arm = { ...scenario.arms[0]!, operations: [{ ...scenario.arms[0]!.operations![0]!, name: 'rebalance' as const }] };
    const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS });
    const events: LifecycleEvent[] = [];
    const outcome = await runScenario({ runId: 'r', scenario: { ...scenario, arms: [arm] }, driver, inventory: await driver.open(), sink: new MemorySink(),
      listener: { onEvent: (_arm, event) => { if (event.operation === 'rebalance') events.push(event); } } });
    const operation = outcome.arms[0]!.operations![0]!;
    expect(operation.desktops.filter((desktop) => desktop.readyS !== undefined)).toHaveLength(12);
    expect(operation.phases.map((phase) => phase.name)).toEqual(['logoff', 'power-off', 'revert', 'power-on']);
    // In the operation (warned, then out of service) until the final power-on: never more than 4 / 2.
    let open = 0;
    let most = 0;
    for (const event of events) {
      if (event.kind === 'logged-off') most = Math.max(most, ++open);
      if (event.kind === 'powered-on') open--;
    }
    expect(most).toBe(2);
    // Without users the whole maintenance limit applies.
    const idle = await record('refresh-composer-vs-instant', 'composer', { set: ['users.loggedInPct=0'] });
    expect(idle.outcome.arms[0]!.operations![0]!.name).toBe('refresh');
  });
});

describe('who logs off when', () => {
  const names = Array.from({ length: 100 }, (_, index) => `d-${index + 1}`);
  const users = { policy: 'wait-for-logoff', loggedInPct: 50, logoffWarningS: 0, logoffWindowS: 600 } as const;

  it('the users are a seeded draw over the pool, not its first desktops', () => {
    const schedule = logoffSchedule(names, users, 1, 's');
    const withUser = names.filter((name) => schedule.get(name) !== undefined);
    expect(withUser).toHaveLength(50);
    expect(withUser).not.toEqual(names.slice(0, 50));
    expect(withUser.filter((name) => Number(name.slice(2)) <= 50).length).toBeGreaterThan(15);
    expect(withUser.filter((name) => Number(name.slice(2)) <= 50).length).toBeLessThan(35);
  });

  it('each round of operations and each repetition meets its own users', async () => {
    const rounds = await record('refresh-composer-vs-instant', 'composer', { set: ['users.loggedInPct=100', 'users.logoffWindowS=3000'] });
    expect(rounds.outcome.arms[0]!.operations).toHaveLength(1);
    const scenario = await shippedScenario('refresh-composer-vs-instant', { desktops: 3 });
    const arm = { ...scenario.arms[0]!, operations: [scenario.arms[0]!.operations![0]!, { ...scenario.arms[0]!.operations![0]! }] };
    const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS });
    const twice = await runScenario({ runId: 'r', scenario: { ...scenario, arms: [arm] }, driver, inventory: await driver.open(), sink: new MemorySink() });
    const [first, second] = twice.arms[0]!.operations!;
    const times = (operation: typeof first) => operation!.desktops.map((desktop) => desktop.loggedOffS);
    expect(times(first)).not.toEqual(times(second));
    const repeated = { ...arm, operations: [arm.operations[0]!], repetition: 2, repetitionOf: arm.name };
    const driver2 = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS });
    const again = await runScenario({ runId: 'r', scenario: { ...scenario, arms: [repeated] }, driver: driver2, inventory: await driver2.open(), sink: new MemorySink() });
    expect(times(again.arms[0]!.operations![0])).not.toEqual(times(first));
  });
});
