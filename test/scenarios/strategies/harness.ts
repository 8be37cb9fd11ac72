/**
 * Runs one strategy directly on the real sim driver, outside the runner: the context the
 * runner builds (recorder, desktop names, created list, stopping, failure count), so a
 * test can wrap one driver primitive to fail or to stop the run at a chosen step.
 */
import type { Inventory } from '../../../src/contract/cluster.js';
import type { Method } from '../../../src/contract/method.js';
import type { LifecycleEvent } from '../../../src/contract/observations.js';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import type { VmRef } from '../../../src/drivers/types.js';
import { ArmRecorder } from '../../../src/scenarios/recorder.js';
import type { Scenario } from '../../../src/scenarios/schema.js';
import { composerStrategy } from '../../../src/scenarios/strategies/composer.js';
import { emptyPool, type StrategyContext } from '../../../src/scenarios/strategies/context.js';
import { instantCloneStrategy } from '../../../src/scenarios/strategies/instant-clone.js';
import { shippedScenario, START_MS } from '../../helpers/sim.js';

export interface Arena {
  scenario: Scenario;
  driver: SimDriver;
  inventory: Inventory;
  recorder: ArmRecorder;
  context: StrategyContext;
  /** Set to stop the run (as Ctrl-C would). */
  stop: { now: boolean };
  failures: { count: number };
  events(kind?: LifecycleEvent['kind']): LifecycleEvent[];
  run(): Promise<void>;
}

export async function arena(method: Method, desktops: number, set: string[] = []): Promise<Arena> {
  const scenario = await shippedScenario(method === 'composer' ? 'composer-only' : 'instant-only', { desktops, set });
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS, faults: scenario.faults });
  const inventory = await driver.open();
  const arm = scenario.arms[0]!;
  const recorder = new ArmRecorder(arm.name, arm.method, driver.clock.nowMs(), driver.clock);
  const stop = { now: false };
  const failures = { count: 0 };
  const created: VmRef[] = [];
  const context: StrategyContext = {
    driver, inventory, scenario, arm, recorder, created, pool: emptyPool(),
    desktopNames: Array.from({ length: arm.desktops }, (_, index) => `${scenario.namePrefix}${arm.name}-${index + 1}`),
    stopping: () => stop.now,
    desktopFailed: () => { failures.count++; },
  };
  const strategy = method === 'composer' ? composerStrategy : instantCloneStrategy;
  return {
    scenario, driver, inventory, recorder, context, stop, failures,
    events: (kind) => recorder.events.filter((event) => kind === undefined || event.kind === kind),
    run: () => strategy(context),
  };
}
