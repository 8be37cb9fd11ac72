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
import pLimit, { type LimitFunction } from 'p-limit';
import { OperationError, type SnapshotRef, type VmRef } from '../../drivers/types.js';
import { checkNotStopping, errorText, internalName, provisionDesktop, type Strategy, type StrategyContext } from './context.js';

export const instantCloneStrategy: Strategy = async (outer) => {
  // A failure that is not one desktop's (the vCenter gone, a bug) stops the other desktops
  // from starting, and the strategy returns only once every operation it started has
  // settled: teardown follows at once, and a VM created after it would be left behind.
  let fatal: { error: unknown } | undefined;
  const context: StrategyContext = { ...outer, stopping: () => fatal !== undefined || outer.stopping() };
  const { driver, scenario, recorder, desktopNames, pool } = context;
  const { horizon } = scenario;
  const vcProvisioning = pLimit(horizon.maxVcProvisioning);
  const instantCloneEngine = pLimit(horizon.maxInstantCloneProvisioning);
  const powerOps = pLimit(horizon.maxPowerOps);

  const golden = await driver.goldenImage();
  const published = await publishImage(context, golden.snapshot, '', { vcProvisioning, powerOps });
  if (!published) return;
  Object.assign(pool, published);
  const { parents } = published;

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
      pool.desktops.set(name, { vm });
    }))).catch((error: unknown) => {
    fatal ??= { error };
  })));
  if (fatal) throw fatal.error;
};

export interface PublishedImage {
  template: VmRef;
  replica: VmRef;
  replicaSnapshot: SnapshotRef;
  parents: VmRef[];
}

/**
 * Publish an image for instant clones: the internal template, its full-copy replica, the
 * replica's digest and a running parent per host, each step a phase of `context.recorder`.
 * `suffix` tells a later image's VMs from the first's (`cp-replica-2`). Undefined when
 * the run stopped on the way (what was created is in `created`).
 */
export async function publishImage(context: StrategyContext, source: SnapshotRef, suffix: string, limits: { vcProvisioning: LimitFunction; powerOps: LimitFunction }): Promise<PublishedImage | undefined> {
  const { driver, recorder, created } = context;
  const { vcProvisioning, powerOps } = limits;
  if (context.stopping()) return undefined;
  const { template, templateSnapshot } = await recorder.track('template', async () => {
    const vm = await vcProvisioning(() => driver.linkedClone(source, { name: internalName(context, `cp-template${suffix}`), role: 'template' }));
    created.push(vm);
    return { template: vm, templateSnapshot: await driver.snapshot(vm, 'cp-template') };
  });
  if (context.stopping()) return undefined;
  const { replica, replicaSnapshot } = await recorder.track('replica', async () => {
    const vm = await vcProvisioning(() => driver.fullClone(templateSnapshot, { name: internalName(context, `cp-replica${suffix}`), role: 'replica', allowOffload: false }));
    created.push(vm);
    return { replica: vm, replicaSnapshot: await driver.snapshot(vm, 'cp-replica') };
  });
  if (context.stopping()) return undefined;
  const digest = await recorder.track('digest', () => driver.digest(replica));
  if (digest === 'not-supported') {
    recorder.notPerformed('digest', `the ${driver.name} driver has no way to compute a View Storage Accelerator digest`);
  }
  if (context.stopping()) return undefined;
  const parents = await recorder.track('parents', () => prepareParents(context, replicaSnapshot, `cp-parent${suffix}`, vcProvisioning, powerOps));
  if (context.stopping()) return undefined;
  return { template, replica, replicaSnapshot, parents };
}

/**
 * One running, prepared parent per host (`<prefix><arm>-<name>-<n>`); a host that fails its
 * parent is left out, the others carry the pool. Used by the deployment and by push image.
 */
async function prepareParents(context: StrategyContext, source: SnapshotRef, name: string, vcProvisioning: LimitFunction, powerOps: LimitFunction): Promise<VmRef[]> {
  const { driver, inventory, created } = context;
  const settled = await Promise.allSettled(inventory.hosts.map(async (host, index) => {
    const parent = await vcProvisioning(async () => {
      // Checked once the limiter admits it: parents queue behind each other.
      if (context.stopping()) return undefined;
      return driver.linkedClone(source, { name: internalName(context, `${name}-${index + 1}`), role: 'parent', host: host.name });
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
}
