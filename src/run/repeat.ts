/**
 * Repeated runs: each arm `repeat` times (after `warmup` runs left out of the statistics),
 * interleaved — A1 B1 A2 B2 … — so a drift of the cluster over time hits every arm alike.
 * Each run is an arm of its own in the run folder (`composer-r1`, `composer-r2`, …); its
 * desktops have their own names, so on `sim` each run draws its own jitter from the seed.
 */
import type { ArmSpec } from '../contract/run-record.js';
import type { Scenario } from '../scenarios/schema.js';

export function repeatScenario(scenario: Scenario): Scenario {
  if (scenario.repeat <= 1 && scenario.warmup === 0) return scenario;
  const runs = (count: number, warmup: boolean): ArmSpec[] => Array.from({ length: count }, (_, index) => index + 1).flatMap((repetition) =>
    scenario.arms.map((arm): ArmSpec => ({
      name: `${arm.name}-${warmup ? 'w' : 'r'}${repetition}`,
      method: arm.method,
      desktops: arm.desktops,
      repetitionOf: arm.name,
      repetition,
      ...(warmup ? { warmup: true } : {}),
      ...(arm.operations ? { operations: arm.operations } : {}),
    })));
  return { ...scenario, arms: [...runs(scenario.warmup, true), ...runs(scenario.repeat, false)] };
}
