import type { Inventory } from '../../contract/cluster.js';
import type { ArmSpec } from '../../contract/run-record.js';
import { OperationError, type HypervisorDriver, type SnapshotRef, type VmRef } from '../../drivers/types.js';
import type { ArmRecorder } from '../recorder.js';
import type { Scenario } from '../schema.js';

/** A desktop of the deployed pool, as day-2 operations find it. */
export interface PoolDesktop {
  vm: VmRef;
  /** Composer: the snapshot taken after QuickPrep, which a refresh reverts to. */
  snapshot?: SnapshotRef;
}

/**
 * What a deployment leaves for day-2 operations: the desktops that became ready and the
 * internal VMs they hang off. Operations update it as they replace either.
 */
export interface PoolState {
  /** Ready desktops by name. */
  desktops: Map<string, PoolDesktop>;
  /** The replica clones link to, and its snapshot. */
  replica?: VmRef;
  replicaSnapshot?: SnapshotRef;
  /** Instant clones: the internal template and the running parents (one per host that has one). */
  template?: VmRef;
  parents: VmRef[];
  /** Images published so far (1 = the deployed one): names a patch's new internal VMs. */
  generation?: number;
}

export const emptyPool = (): PoolState => ({ desktops: new Map(), parents: [] });

export interface StrategyContext {
  driver: HypervisorDriver;
  inventory: Inventory;
  scenario: Scenario;
  arm: ArmSpec;
  recorder: ArmRecorder;
  /** `<prefix><arm>-<n>`, n from 1. */
  desktopNames: string[];
  /** Everything the strategy created, in creation order, for teardown. */
  created: VmRef[];
  /** The pool as deployed, for day-2 operations (the deploy strategy fills it). */
  pool: PoolState;
  /** True once no new desktop may start: interrupted, or too many desktops failed. */
  stopping(): boolean;
  /** Aborted on Ctrl-C: long waits of the strategy's own (a user's logoff) end at once. */
  signal?: AbortSignal;
  /** Count a desktop that failed for good. */
  desktopFailed(): void;
}

/** Thrown where a desktop would start while the run is stopping; it is simply not provisioned. */
class StopRequested extends Error {
  override readonly name = 'StopRequested';
}

/** Call at the start of each desktop's first step (after its limiter admits it). */
export function checkNotStopping(context: StrategyContext): void {
  if (context.stopping()) throw new StopRequested('the run is stopping');
}

/**
 * Provision one desktop: `attempt` is retried on operation failures (scenario `retries`,
 * backoff `retryBackoffS` doubling), a partly created VM removed before the next try. A
 * desktop that still fails is recorded as failed with its error. A day-2 operation
 * (`requested: false`) records its own first event.
 */
export async function provisionDesktop(
  context: StrategyContext,
  name: string,
  attempt: (attemptIndex: number, track: (vm: VmRef) => void) => Promise<void>,
  { requested = true }: { requested?: boolean } = {},
): Promise<void> {
  const { recorder, scenario, driver } = context;
  if (requested) recorder.desktop(name, '', 'requested');
  for (let attemptIndex = 0; ; attemptIndex++) {
    let vm: VmRef | undefined;
    try {
      await attempt(attemptIndex, (created) => {
        vm = created;
        context.created.push(created);
      });
      return;
    } catch (error) {
      if (error instanceof StopRequested) return;
      if (!(error instanceof OperationError)) throw error;
      if (vm) await removePartial(context, vm);
      if (attemptIndex >= scenario.retries || context.stopping()) {
        recorder.desktop(name, vm?.host ?? '', 'failed', errorText(error));
        context.desktopFailed();
        return;
      }
      // Recorded when the retry is decided, so events.csv and the summary show every retry.
      recorder.desktop(name, vm?.host ?? '', 'retried', errorText(error));
      await driver.clock.sleep(scenario.retryBackoffS * 1000 * 2 ** attemptIndex);
    }
  }
}

/** A VM destroyed on purpose is no longer teardown's business. */
export function forget(context: StrategyContext, vm: VmRef): void {
  const index = context.created.indexOf(vm);
  if (index >= 0) context.created.splice(index, 1);
}

async function removePartial(context: StrategyContext, vm: VmRef): Promise<void> {
  try {
    await context.driver.destroy(vm);
    forget(context, vm);
  } catch {
    // Left in `created`: teardown tries again and reports it if it stays.
  }
}

/** A provisioning method, written once against the driver interface. */
export type Strategy = (context: StrategyContext) => Promise<void>;

export function internalName(context: StrategyContext, suffix: string): string {
  return `${context.scenario.namePrefix}${context.arm.name}-${suffix}`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
