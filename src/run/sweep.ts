/**
 * `bench sweep`: a scenario's arms at several desktop counts, in one run on one cluster, so
 * the report can draw deploy time, throughput and peak load against the pool size.
 */
import { InputError } from '../contract/errors.js';
import type { ArmSpec } from '../contract/run-record.js';
import type { Scenario } from '../scenarios/schema.js';

const MAX_SWEEP_COUNTS = 12;
const MAX_DESKTOPS_PER_ARM = 100_000;

/** `50,100,200` → [50, 100, 200]; every problem is one InputError naming the flag. */
export function parseDesktopCounts(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  const counts = parts.map((part) => {
    if (!/^\d+$/.test(part)) throw new InputError(`--desktops ${text}: "${part}" is not a whole number of desktops`, 'e.g. bench sweep composer-vs-instant --desktops 50,100,200,400');
    const count = Number(part);
    if (count < 1 || count > MAX_DESKTOPS_PER_ARM) throw new InputError(`--desktops ${text}: ${part} is outside 1..${MAX_DESKTOPS_PER_ARM}`);
    return count;
  });
  const unique = [...new Set(counts)].sort((a, b) => a - b);
  if (unique.length < 2) throw new InputError(`--desktops ${text}: a sweep needs at least two desktop counts, e.g. --desktops 50,100,200`);
  if (unique.length > MAX_SWEEP_COUNTS) throw new InputError(`--desktops ${text}: at most ${MAX_SWEEP_COUNTS} desktop counts in one sweep`);
  return unique;
}

/** The scenario with each of its methods' arms repeated at every count, named `<arm>-<count>`. */
export function sweepScenario(scenario: Scenario, counts: number[]): Scenario {
  const arms: ArmSpec[] = counts.flatMap((count) => scenario.arms.map((arm) => ({
    name: `${arm.name}-${count}`.slice(0, 40), method: arm.method, desktops: count,
    // Day-2 steps go with each size.
    ...(arm.operations ? { operations: arm.operations.map((operation) => ({ ...operation, users: { ...operation.users } })) } : {}),
  })));
  if (new Set(arms.map((arm) => arm.name)).size !== arms.length) {
    throw new InputError(`bench sweep ${scenario.name}: its arms already differ in desktop count; sweep a scenario with one arm per method (e.g. composer-vs-instant)`);
  }
  return { ...scenario, arms, desktops: counts[0]!, overrides: [...scenario.overrides, `--desktops ${counts.join(',')}`] };
}
