/**
 * Day-2 operations on a deployed pool (Horizon 7.x), written once against the driver
 * interface like the deployment strategies. Each runs on the same shared limits as a
 * deployment (docs/SIMULATOR.md, "Day-2 operations"):
 *
 * - recompose (View Composer): a new replica (and digest) from the patched image while the
 *   pool serves; then per desktop, within "Max concurrent View Composer maintenance
 *   operations": power off, a new OS disk linked to the new replica (on plain vSphere:
 *   delete the VM and link it again under the same name), QuickPrep, snapshot; then the
 *   final power-on (a power-operation slot) until ready. The old replica goes last.
 * - refresh (View Composer): per desktop, within the maintenance limit: power off, revert
 *   to the snapshot taken after QuickPrep; then power on until ready.
 * - push image (instant clones): the new image is published (template, replica, digest,
 *   parents) while the old pool serves; then per desktop, within the Instant Clone Engine
 *   limit: delete the old clone, fork a new one from the new parent on its host, ClonePrep,
 *   ready. The old parents, replica and template go last.
 * - recreate on logoff (instant clones): per desktop, delete the clone and fork a new one
 *   from the current parent.
 *
 * A desktop with a user is touched only once its user has logged off: forced off after
 * the warning once the operation is ready for that desktop (`force-logoff`), or on their own
 * within the window (`wait-for-logoff`). A desktop is out of service from when the
 * operation takes it (its user gone) until it is ready again.
 */
import pLimit from 'p-limit';
import type { OperationName, OperationSpec, UserPolicy } from '../../contract/operation.js';
import { hashString, SeededRandom } from '../../contract/random.js';
import { OperationError, type VmRef } from '../../drivers/types.js';
import { quickprep, startDesktop } from './composer.js';
import { checkNotStopping, forget, internalName, provisionDesktop, type PoolDesktop, type StrategyContext } from './context.js';
import { publishImage } from './instant-clone.js';

/** A day-2 operation: `context.recorder` is the operation's own; `context.pool` is updated in place. */
export type OperationStrategy = (context: StrategyContext, spec: OperationSpec) => Promise<void>;

/**
 * Per desktop with a user: when the user logs off on their own, in seconds from the start
 * of the rollout (wait-for-logoff), or the grace a forced logoff gives them (force-logoff);
 * undefined for a desktop nobody is logged in to. Which desktops have a user and when they leave is
 * drawn from the scenario's seed, so a run repeats exactly.
 */
export function logoffSchedule(names: string[], users: UserPolicy, seed: number, stream: string): Map<string, number | undefined> {
  const random = new SeededRandom((hashString(stream) ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0);
  // Exactly round(n x pct) users, on desktops chosen by a seeded shuffle.
  const order = names.map((name) => ({ name, key: random.next() })).sort((a, b) => a.key - b.key);
  const loggedIn = Math.round((names.length * users.loggedInPct) / 100);
  const schedule = new Map<string, number | undefined>(names.map((name) => [name, undefined]));
  order.slice(0, loggedIn).forEach(({ name }) => {
    schedule.set(name, users.policy === 'force-logoff' ? users.logoffWarningS : random.next() * users.logoffWindowS);
  });
  return schedule;
}

/** Takes a desktop out of service for the operation (inside its slot); see rollOut. */
type TakeDesktop = (host: string, attempt: number) => Promise<void>;

/**
 * Runs `work` on every desktop of the pool (retries as a deployment has them); a failure
 * that is not one desktop's stops the others and is thrown once every desktop started has
 * settled. Users, as Horizon's logoff settings have them (View API `LogoffSetting`):
 * - wait-for-logoff: "the operation starts immediately on machines without active
 *   sessions", the others once their user has left (drawn over the window);
 * - force-logoff: users are "forced to log off when the system is ready to operate on
 *   their virtual machines", after the grace period of the global settings: `take`, called
 *   once the operation's limiter admits the desktop, warns its user and waits out the grace
 *   (`logoffWarningS`) holding the slot, then logs the user off.
 * Either way `take` records the desktop out of service, once.
 */
async function rollOut(
  context: StrategyContext,
  spec: OperationSpec,
  work: (name: string, desktop: PoolDesktop | undefined, attempt: number, track: (vm: VmRef) => void, take: TakeDesktop, forcedUser: boolean) => Promise<void>,
): Promise<void> {
  const { driver, recorder, pool, scenario, arm } = context;
  // In the order the desktops were asked for, with a stream that names neither the arm nor
  // the method: desktop n of every arm meets the same user (each repetition its own users).
  const order = new Map(context.desktopNames.map((name, index) => [name, index]));
  const names = [...pool.desktops.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const round = (arm.operations ?? []).indexOf(spec);
  const schedule = logoffSchedule(names, spec.users, scenario.seed, `day2/${round}/${arm.repetition ?? 0}`);
  const forced = spec.users.policy === 'force-logoff';
  const startMs = driver.clock.nowMs();
  // On a real vCenter these waits are real time: Ctrl-C must not wait them out.
  const waitS = async (seconds: number) => {
    if (seconds > 0) await recorder.track('logoff', () => driver.clock.sleep(seconds * 1000, context.signal));
  };
  let fatal: { error: unknown } | undefined;
  await Promise.all(names.map(async (name) => {
    const atS = schedule.get(name);
    if (atS !== undefined && !forced) {
      await waitS(Math.max(0, (startMs - driver.clock.nowMs()) / 1000 + atS));
      if (fatal || context.stopping()) return;
      recorder.desktop(name, pool.desktops.get(name)?.vm.host ?? '', 'logged-off');
    }
    const take: TakeDesktop = async (host, attempt) => {
      checkNotStopping(context);
      if (attempt > 0) return;
      if (atS !== undefined && forced) {
        await waitS(atS);
        checkNotStopping(context);
        recorder.desktop(name, host, 'logged-off');
      }
      recorder.desktop(name, host, 'out-of-service');
    };
    await provisionDesktop(context, name, (attempt, track) => work(name, pool.desktops.get(name), attempt, track, take, forced && atS !== undefined), { requested: false })
      .catch((error: unknown) => {
        fatal ??= { error };
      });
  }));
  if (fatal) throw fatal.error;
}

/** Destroy a VM the operation replaces; it leaves the pool and teardown's list. */
async function retire(context: StrategyContext, vm: VmRef): Promise<void> {
  await context.driver.destroy(vm);
  forget(context, vm);
}

/**
 * Whether the old image's VMs can go: the run goes on and every desktop left in the pool
 * is on the new image (an interrupted or partly failed patch keeps them for teardown,
 * which removes the desktops first).
 */
function everyDesktopMoved(context: StrategyContext, moved: Set<string>): boolean {
  return !context.stopping() && [...context.pool.desktops.keys()].every((name) => moved.has(name));
}

/** Remove what the old image left, newest first; a VM that will not go is left for teardown. */
async function cleanUp(context: StrategyContext, vms: (VmRef | undefined)[]): Promise<void> {
  const vcProvisioning = pLimit(context.scenario.horizon.maxVcProvisioning);
  const present = vms.filter((vm): vm is VmRef => vm !== undefined);
  if (present.length === 0) return;
  await context.recorder.track('cleanup', () => Promise.all(present.map((vm) => vcProvisioning(async () => {
    try {
      await retire(context, vm);
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
    }
  }))));
}

const recompose: OperationStrategy = async (context, spec) => {
  const { driver, scenario, recorder, pool, created } = context;
  const { horizon } = scenario;
  const vcProvisioning = pLimit(horizon.maxVcProvisioning);
  const maintenance = pLimit(horizon.maxComposerMaintenance);
  const powerOps = pLimit(horizon.maxPowerOps);
  const generation = nextGeneration(context);

  const image = await driver.patchedImage();
  if (context.stopping()) return;
  const { replica, replicaSnapshot } = await recorder.track('replica', async () => {
    const vm = await vcProvisioning(() => driver.fullClone(image.snapshot, { name: internalName(context, `replica-${generation}`), role: 'replica', allowOffload: true }));
    created.push(vm);
    return { replica: vm, replicaSnapshot: await driver.snapshot(vm, 'replica') };
  });
  if (horizon.composerStorageAccelerator && !context.stopping()) {
    const digest = await recorder.track('digest', () => driver.digest(replica));
    if (digest === 'not-supported') recorder.notPerformed('digest', `the ${driver.name} driver has no way to compute a View Storage Accelerator digest`);
  }
  if (context.stopping()) return;
  const oldReplica = pool.replica;
  pool.replica = replica;
  pool.replicaSnapshot = replicaSnapshot;

  const moved = new Set<string>();
  await rollOut(context, spec, async (name, desktop, attempt, track, take) => {
    const fresh = await maintenance(async () => {
      await take(desktop?.vm.host ?? '', attempt);
      if (desktop) {
        await recorder.track('power-off', () => powerOps(() => driver.powerOff(desktop.vm)));
        // The old OS disk goes; on a retry it is already gone.
        await recorder.track('clone', () => retire(context, desktop.vm));
        pool.desktops.delete(name);
      }
      const clone = await recorder.track('clone', () => driver.linkedClone(replicaSnapshot, { name, role: 'desktop' }));
      track(clone);
      recorder.desktop(name, clone.host, 'cloned');
      return { vm: clone, snapshot: await quickprep(context, name, clone, powerOps) };
    });
    await startDesktop(context, name, fresh.vm, powerOps);
    pool.desktops.set(name, fresh);
    moved.add(name);
    recorder.desktop(name, fresh.vm.host, 'ready');
  });
  if (everyDesktopMoved(context, moved)) await cleanUp(context, [oldReplica]);
};

/**
 * View Composer refresh: each desktop back to its post-QuickPrep snapshot. `forcedLimit`:
 * how many desktops whose user is forced off may be in the operation at once (rebalance).
 */
function refreshDesktops(forcedLimit?: number): OperationStrategy {
  return async (context, spec) => {
    const { driver, scenario, recorder } = context;
    const maintenance = pLimit(scenario.horizon.maxComposerMaintenance);
    const withForcedLogoff = forcedLimit === undefined ? undefined : pLimit(forcedLimit);
    const powerOps = pLimit(scenario.horizon.maxPowerOps);
    await rollOut(context, spec, async (name, desktop, attempt, _track, take, forcedUser) => {
      if (!desktop?.snapshot) throw new OperationError(`${name} has no snapshot to refresh to`, name);
      const { vm, snapshot } = desktop;
      const refreshOne = () => maintenance(async () => {
        await take(vm.host, attempt);
        await recorder.track('power-off', () => powerOps(() => driver.powerOff(vm)));
        await recorder.track('revert', () => driver.revert(snapshot));
      });
      await (forcedUser && withForcedLogoff ? withForcedLogoff(refreshOne) : refreshOne());
      await startDesktop(context, name, vm, powerOps);
      recorder.desktop(name, vm.host, 'ready');
    });
  };
}

const refresh = refreshDesktops();

/**
 * View Composer rebalance: redistributes linked clones evenly among the datastores, and
 * "also refreshes the linked clones" (Horizon 7 administration guide). vdibench deploys a
 * balanced pool (desktops spread over `cluster.datastores` as Horizon places them), so no
 * clone moves and the rebalance is its refresh; with users forced off, at most half the
 * maintenance limit of such desktops at once ("the maximum number of concurrent rebalance
 * operations on remote desktops that require logoffs is half the value of the Max
 * concurrent View Composer maintenance operations setting").
 */
const rebalance: OperationStrategy = (context, spec) =>
  refreshDesktops(Math.max(1, Math.floor(context.scenario.horizon.maxComposerMaintenance / 2)))(context, spec);

/** Delete an instant clone and fork its successor from `parents` (the next parent on a retry). */
function recreate(context: StrategyContext, parents: () => VmRef[], moved?: Set<string>) {
  const { driver, recorder, pool } = context;
  const engine = pLimit(context.scenario.horizon.maxInstantCloneProvisioning);
  const names = [...pool.desktops.keys()];
  return (name: string, desktop: PoolDesktop | undefined, attempt: number, track: (vm: VmRef) => void, take: TakeDesktop) => engine(async () => {
    await take(desktop?.vm.host ?? '', attempt);
    if (desktop) {
      await recorder.track('destroy', () => retire(context, desktop.vm));
      pool.desktops.delete(name);
    }
    const available = parents();
    const parent = available[(names.indexOf(name) + attempt) % available.length]!;
    const vm = await recorder.track('clone', () => driver.instantClone(parent, { name, role: 'desktop', host: parent.host }));
    track(vm);
    recorder.desktop(name, vm.host, 'cloned');
    recorder.desktop(name, vm.host, 'powered-on');
    await recorder.track('customize', () => driver.customize(vm, 'cloneprep'));
    recorder.desktop(name, vm.host, 'customized');
    await recorder.track('power-on', () => driver.waitUntilReady(vm));
    pool.desktops.set(name, { vm });
    moved?.add(name);
    recorder.desktop(name, vm.host, 'ready');
  });
}

const pushImage: OperationStrategy = async (context, spec) => {
  const { driver, scenario, pool } = context;
  const vcProvisioning = pLimit(scenario.horizon.maxVcProvisioning);
  const powerOps = pLimit(scenario.horizon.maxPowerOps);
  const generation = nextGeneration(context);
  const image = await driver.patchedImage();
  // The old image keeps serving while the new one is published.
  const published = await publishImage(context, image.snapshot, `-${generation}`, { vcProvisioning, powerOps });
  if (!published) return;
  const old = { template: pool.template, replica: pool.replica, parents: pool.parents };
  Object.assign(pool, published);
  const moved = new Set<string>();
  await rollOut(context, spec, recreate(context, () => pool.parents, moved));
  if (everyDesktopMoved(context, moved)) await cleanUp(context, [...old.parents, old.replica, old.template]);
};

const logoffRecreate: OperationStrategy = async (context, spec) => {
  if (context.pool.parents.length === 0) throw new OperationError('the pool has no parent VM to fork from', '');
  await rollOut(context, spec, recreate(context, () => context.pool.parents));
};

/** 2 for the first image after the deployed one, and so on (names of the new internal VMs). */
function nextGeneration(context: StrategyContext): number {
  context.pool.generation = (context.pool.generation ?? 1) + 1;
  return context.pool.generation;
}

export const operationStrategies: Readonly<Record<OperationName, OperationStrategy>> = {
  recompose,
  refresh,
  rebalance,
  'push-image': pushImage,
  'logoff-recreate': logoffRecreate,
};
