/**
 * View Composer linked clones (Horizon 7.x): one replica from the golden image snapshot
 * (offloaded to the storage where VAAI allows; the driver keeps one per datastore), the View
 * Storage Accelerator digest where the pool has it, then per desktop a linked clone, QuickPrep
 * customization (boot, customize, shut down), a snapshot, and the final power-on.
 *
 * Where Horizon's limits apply (docs/SIMULATOR.md, "Horizon's concurrency limits"):
 * - the Composer provisioning limit covers the linked-clone creation only: held over the
 *   customization as well, 8 slots could not deploy the reference's 100 desktops in 5 min;
 * - a power-operation slot is held from the power-on until the guest is up (Horizon sizes
 *   the limit as start time x power-on rate), for both boots: the QuickPrep boot until the
 *   customization has shut the guest down, the final boot until the agent is ready.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { SnapshotRef, VmRef } from '../../drivers/types.js';
import { checkNotStopping, internalName, provisionDesktop, type Strategy, type StrategyContext } from './context.js';

export const composerStrategy: Strategy = async (outer) => {
  // A failure that is not one desktop's (the vCenter gone, a bug) stops the other desktops
  // from starting, and the strategy returns only once every operation it started has
  // settled: teardown follows at once, and a VM created after it would be left behind.
  let fatal: { error: unknown } | undefined;
  const context: StrategyContext = { ...outer, stopping: () => fatal !== undefined || outer.stopping() };
  const { driver, scenario, recorder, desktopNames, created, pool } = context;
  const { horizon } = scenario;
  const vcProvisioning = pLimit(horizon.maxVcProvisioning);
  const composerProvisioning = pLimit(horizon.maxComposerProvisioning);
  const powerOps = pLimit(horizon.maxPowerOps);

  const golden = await driver.goldenImage();
  const { replica, replicaSnapshot } = await recorder.track('replica', async () => {
    const vm = await vcProvisioning(() => driver.fullClone(golden.snapshot, { name: internalName(context, 'replica'), role: 'replica', allowOffload: true }));
    created.push(vm);
    return { replica: vm, replicaSnapshot: await driver.snapshot(vm, 'replica') };
  });
  pool.replica = replica;
  pool.replicaSnapshot = replicaSnapshot;
  if (horizon.composerStorageAccelerator) {
    const digest = await recorder.track('digest', () => driver.digest(replica));
    if (digest === 'not-supported') {
      recorder.notPerformed('digest', `the ${driver.name} driver has no way to compute a View Storage Accelerator digest`);
    }
  }

  await Promise.all(desktopNames.map((name) => provisionDesktop(context, name, async (_attempt, track) => {
    const vm = await recorder.track('clone', () => composerProvisioning(() => {
      checkNotStopping(context);
      return driver.linkedClone(replicaSnapshot, { name, role: 'desktop' });
    }));
    track(vm);
    recorder.desktop(name, vm.host, 'cloned');
    const snapshot = await quickprep(context, name, vm, powerOps);
    await startDesktop(context, name, vm, powerOps);
    pool.desktops.set(name, { vm, snapshot });
    recorder.desktop(name, vm.host, 'ready');
  }).catch((error: unknown) => {
    fatal ??= { error };
  })));
  if (fatal) throw fatal.error;
};

/**
 * QuickPrep on a new linked clone: power on and customize in one power slot (the guest
 * shuts down as QuickPrep ends), then the snapshot a refresh goes back to.
 */
export async function quickprep(context: StrategyContext, name: string, vm: VmRef, powerOps: LimitFunction): Promise<SnapshotRef> {
  const { driver, recorder } = context;
  const snapshot = await recorder.track('customize', async () => {
    await powerOps(async () => {
      await driver.powerOn(vm);
      await driver.customize(vm, 'quickprep');
    });
    return driver.snapshot(vm, 'quickprep');
  });
  recorder.desktop(name, vm.host, 'customized');
  return snapshot;
}

/** The final power-on, a power slot held until the desktop is ready. */
export async function startDesktop(context: StrategyContext, name: string, vm: VmRef, powerOps: LimitFunction): Promise<void> {
  const { driver, recorder } = context;
  await recorder.track('power-on', () => powerOps(async () => {
    await driver.powerOn(vm);
    recorder.desktop(name, vm.host, 'powered-on');
    await driver.waitUntilReady(vm);
  }));
}
