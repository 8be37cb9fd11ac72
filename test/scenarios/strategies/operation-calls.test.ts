/**
 * Day-2 operations call by call: the sim driver wrapped so every primitive an operation asks
 * for is recorded (which, on which VM, from which source), in the order asked, split into
 * deployment, operation and teardown. Pins what each operation does to each desktop and to
 * the internal VMs, not only the figures that come out of it.
 */
import { describe, expect, it } from 'vitest';
import type { OperationName } from '../../../src/contract/operation.js';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import type { CloneOptions, SnapshotRef, VmRef } from '../../../src/drivers/types.js';
import { runScenario, type RunOutcome } from '../../../src/scenarios/runner.js';
import { MemorySink, shippedScenario, START_MS } from '../../helpers/sim.js';

interface Call {
  step: string;
  method: string;
  vm: string;
  detail?: string;
}

async function record(scenarioName: string, method: 'composer' | 'instant-clone', set: string[] = []): Promise<{ calls: Call[]; outcome: RunOutcome; phases: string[] }> {
  const scenario = await shippedScenario(scenarioName, { desktops: 3, set: ['users.logoffWarningS=0', 'users.logoffWindowS=60', 'cluster.hosts=2', ...set] });
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS });
  const inventory = await driver.open();
  const calls: Call[] = [];
  let step = 'deploy';
  const wrap = <A extends unknown[], R>(name: string, describeCall: (...args: A) => [vm: string, detail?: string]) => {
    const original = (driver as unknown as Record<string, (...args: A) => Promise<R>>)[name]!.bind(driver);
    (driver as unknown as Record<string, (...args: A) => Promise<R>>)[name] = async (...args: A) => {
      const [vm, detail] = describeCall(...args);
      calls.push({ step, method: name, vm, ...(detail === undefined ? {} : { detail }) });
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
    runId: 'calls', scenario: { ...scenario, arms }, driver, inventory, sink: new MemorySink(),
    listener: {
      onOperation: (_arm, operation: OperationName) => { step = operation; },
      onTeardown: () => { step = 'teardown'; },
    },
  });
  for (const operation of outcome.arms[0]!.operations ?? []) phases.push(...operation.phases.map((phase) => phase.name));
  expect(driver.leftovers()).toEqual([]);
  return { calls, outcome, phases };
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
