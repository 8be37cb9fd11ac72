/**
 * Instant Clones (Horizon 7.x, vmFork). Per image, once: the internal template, a full-copy
 * replica (no VAAI in Horizon 7.0), the View Storage Accelerator digest of the replica, and
 * one running parent VM per host. Then per desktop: a fork from the parent on its host and
 * ClonePrep (rename, domain join, no reboot).
 *
 * Stopping (Ctrl-C, too many failures) is checked between the shared steps and before each
 * parent, as before each desktop: nothing new is created once the run stops, and what was
 * created is in `created` for teardown.
 */
import pLimit from 'p-limit';
import { OperationError, type VmRef } from '../../drivers/types.js';
import { checkNotStopping, errorText, internalName, provisionDesktop, type Strategy, type StrategyContext } from './context.js';

export const instantCloneStrategy: Strategy = async (outer) => {
  // A failure that is not one desktop's (the vCenter gone, a bug) stops the other desktops
  // from starting, and the strategy returns only once every operation it started has
  // settled: teardown follows at once, and a VM created after it would be left behind.
  let fatal: { error: unknown } | undefined;
  const context: StrategyContext = { ...outer, stopping: () => fatal !== undefined || outer.stopping() };
  const { driver, scenario, recorder, desktopNames, created, inventory } = context;
  const { horizon } = scenario;
  const vcProvisioning = pLimit(horizon.maxVcProvisioning);
  const instantCloneEngine = pLimit(horizon.maxInstantCloneProvisioning);
  const powerOps = pLimit(horizon.maxPowerOps);

  const golden = await driver.goldenImage();
  if (context.stopping()) return;
  const templateSnapshot = await recorder.track('template', async () => {
    const template = await vcProvisioning(() => driver.linkedClone(golden.snapshot, { name: internalName(context, 'cp-template'), role: 'template' }));
    created.push(template);
    return driver.snapshot(template, 'cp-template');
  });
  if (context.stopping()) return;
  const { replica, replicaSnapshot } = await recorder.track('replica', async () => {
    const vm = await vcProvisioning(() => driver.fullClone(templateSnapshot, { name: internalName(context, 'cp-replica'), role: 'replica', allowOffload: false }));
    created.push(vm);
    return { replica: vm, replicaSnapshot: await driver.snapshot(vm, 'cp-replica') };
  });
  if (context.stopping()) return;
  const digest = await recorder.track('digest', () => driver.digest(replica));
  if (digest === 'not-supported') {
    recorder.notPerformed('digest', `the ${driver.name} driver has no way to compute a View Storage Accelerator digest`);
  }
  if (context.stopping()) return;
  // One parent per host; a host that fails its parent is left out, the others carry the pool.
  const parents: VmRef[] = await recorder.track('parents', async () => {
    const settled = await Promise.allSettled(inventory.hosts.map(async (host, index) => {
      const parent = await vcProvisioning(async () => {
        // Checked once the limiter admits it: parents queue behind each other.
        if (context.stopping()) return undefined;
        return driver.linkedClone(replicaSnapshot, { name: internalName(context, `cp-parent-${index + 1}`), role: 'parent', host: host.name });
      });
      if (!parent) return undefined;
      created.push(parent);
      if (context.stopping()) return undefined;
      await powerOps(() => driver.powerOn(parent));
      await driver.prepareParent(parent);
      return parent;
    }));
    const ready = settled.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure && !(failure.reason instanceof OperationError)) throw failure.reason;
    if (context.stopping()) return ready;
    if (ready.length === 0) throw new OperationError(`no parent VM could be prepared: ${errorText(failure?.reason)}`, '');
    return ready;
  });
  if (context.stopping()) return;

  await Promise.all(desktopNames.map((name, index) => provisionDesktop(context, name, (attempt, track) =>
    recorder.track('clone', () => instantCloneEngine(async () => {
      checkNotStopping(context);
      // A retry moves to the next parent: the first one's host may be the trouble.
      const parent = parents[(index + attempt) % parents.length]!;
      const vm = await driver.instantClone(parent, { name, role: 'desktop', host: parent.host });
      track(vm);
      recorder.desktop(name, vm.host, 'cloned');
      recorder.desktop(name, vm.host, 'powered-on');
      await driver.customize(vm, 'cloneprep');
      recorder.desktop(name, vm.host, 'customized');
      await driver.waitUntilReady(vm);
      recorder.desktop(name, vm.host, 'ready');
    }))).catch((error: unknown) => {
    fatal ??= { error };
  })));
  if (fatal) throw fatal.error;
};
