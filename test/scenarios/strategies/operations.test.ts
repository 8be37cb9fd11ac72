/**
 * Day-2 operations on the sim driver, run the way `bench run` runs them (executeRun into a
 * real run folder): each operation's mechanism, its limits, its users policy and the
 * figures the summary derives from it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../../src/contract/observations.js';
import type { OperationRecord, RunRecord } from '../../../src/contract/run-record.js';
import type { ArmSummary, OperationSummary } from '../../../src/contract/summary.js';
import { logoffSchedule } from '../../../src/scenarios/strategies/operations.js';
import { shippedScenario, simulate, type SimRun } from '../../helpers/sim.js';

async function runOf(name: string, desktops: number, set: string[] = []): Promise<SimRun & { record: RunRecord }> {
  const run = await simulate(await shippedScenario(name, { desktops, set }));
  const record = JSON.parse(await readFile(path.join(run.runDir, 'run.json'), 'utf8')) as RunRecord;
  return { ...run, record };
}

const operationOf = (record: RunRecord, arm: string): OperationRecord => record.arms.find((candidate) => candidate.name === arm)!.operations![0]!;
const summaryOf = (summaries: ArmSummary[], arm: string): OperationSummary => summaries.find((candidate) => candidate.name === arm)!.operations![0]!;
const phase = (operation: OperationRecord, name: string) => operation.phases.find((candidate) => candidate.name === name);

/** Most desktops at once between two of their events (ms times). */
function mostAtOnce(events: LifecycleEvent[], from: LifecycleEvent['kind'], to: LifecycleEvent['kind']): number {
  const edges = events.flatMap((event) => (event.kind === from ? [{ atMs: event.timeMs, delta: 1 }] : event.kind === to ? [{ atMs: event.timeMs, delta: -1 }] : []))
    .sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (open += edge.delta));
  return most;
}

function operationEvents(run: SimRun, arm: string): LifecycleEvent[] {
  return run.sink.batches.flatMap((batch) => batch.events ?? []).filter((event) => event.arm === arm && event.operation !== undefined);
}

describe('patch: recompose against push image', () => {
  it('takes every desktop out and brings it back, then leaves nothing behind', async () => {
    const run = await runOf('patch-composer-vs-instant', 40);
    expect(run.outcome.status).toBe('completed');
    for (const arm of ['composer', 'instant']) {
      const operation = operationOf(run.record, arm);
      expect(operation.name).toBe(arm === 'composer' ? 'recompose' : 'push-image');
      expect(operation.desktops).toHaveLength(40);
      for (const desktop of operation.desktops) {
        expect(desktop.outS, desktop.name).toBeDefined();
        expect(desktop.readyS!, desktop.name).toBeGreaterThan(desktop.outS!);
      }
      const summary = summaryOf(run.summaries, arm);
      expect(summary.desktops).toEqual({ total: 40, done: 40, failed: 0 });
    }
    // Old replicas, parents and templates went in the operation's cleanup, the rest in teardown.
    expect(run.driver.leftovers()).toEqual([]);
  });

  it('push image publishes while the old pool serves; recompose takes desktops only once the new replica exists', async () => {
    const run = await runOf('patch-composer-vs-instant', 40, ['users.loggedInPct=0']);
    const push = operationOf(run.record, 'instant');
    const parentsEndS = phase(push, 'parents')!.startS + phase(push, 'parents')!.durationS;
    expect(phase(push, 'digest')!.durationS).toBeGreaterThan(60);
    // Nobody is logged in, so only the publish keeps desktops in service that long.
    const firstOutS = Math.min(...push.desktops.map((desktop) => desktop.outS!));
    expect(firstOutS).toBeGreaterThanOrEqual(parentsEndS - 0.001);
    expect(phase(push, 'logoff')).toBeUndefined();
    const recompose = operationOf(run.record, 'composer');
    const replica = phase(recompose, 'replica')!;
    expect(Math.min(...recompose.desktops.map((desktop) => desktop.outS!))).toBeGreaterThanOrEqual(replica.startS + replica.durationS - 0.001);
  });

  it('recompose keeps desktops down far longer than push image, and stays within the maintenance limit', async () => {
    const run = await runOf('patch-composer-vs-instant', 60, ['horizon.maxComposerMaintenance=4']);
    const recompose = summaryOf(run.summaries, 'composer');
    const push = summaryOf(run.summaries, 'instant');
    expect(recompose.downtimeS.p50!).toBeGreaterThan(3 * push.downtimeS.p50!);
    expect(recompose.unavailableDesktopS).toBeGreaterThan(3 * push.unavailableDesktopS);
    // The Composer part of a recompose (power off to customized) holds a maintenance slot.
    expect(mostAtOnce(operationEvents(run, 'composer'), 'out-of-service', 'customized')).toBe(4);
    // The push's per-desktop part is bounded by the Instant Clone Engine limit (20 by default).
    expect(mostAtOnce(operationEvents(run, 'instant'), 'out-of-service', 'ready')).toBeLessThanOrEqual(run.scenario.horizon.maxInstantCloneProvisioning);
  });

  it('forced logoff: each user is warned once the operation is ready for their desktop, and the grace holds its slot', async () => {
    const run = await runOf('patch-composer-vs-instant', 12, ['users.logoffWarningS=600', 'horizon.maxComposerMaintenance=4']);
    const operation = operationOf(run.record, 'composer');
    const replica = phase(operation, 'replica')!;
    const replicaEndS = replica.startS + replica.durationS;
    const logoffs = operation.desktops.map((desktop) => desktop.loggedOffS!).sort((a, b) => a - b);
    // 4 slots: the first 4 users leave 600 s after the replica, the next 4 a grace (and a recompose) later, and so on.
    for (const [index, loggedOffS] of logoffs.entries()) {
      expect(loggedOffS - replicaEndS, `user ${index + 1}`).toBeGreaterThanOrEqual(600 * (Math.floor(index / 4) + 1) - 0.01);
    }
    expect(logoffs[4]! - logoffs[3]!).toBeGreaterThan(600);
    // The user is gone as the desktop leaves service: downtime is the recompose's, not the grace's.
    for (const desktop of operation.desktops) expect(desktop.outS).toBe(desktop.loggedOffS);
    expect(summaryOf(run.summaries, 'composer').downtimeS.max!).toBeLessThan(300);
  });
});

describe('refresh: Composer refresh against instant clones recreated on logoff', () => {
  it('costs far less than a recompose: no replica, a fraction of the I/O and of the downtime', async () => {
    const [refresh, patch] = await Promise.all([
      runOf('refresh-composer-vs-instant', 40, ['users.policy=force-logoff', 'users.logoffWarningS=0']),
      runOf('patch-composer-vs-instant', 40, ['users.logoffWarningS=0']),
    ]);
    const refreshed = summaryOf(refresh.summaries, 'composer');
    const recomposed = summaryOf(patch.summaries, 'composer');
    expect(refreshed.name).toBe('refresh');
    expect(refreshed.phases.map((candidate) => candidate.name)).not.toContain('replica');
    expect(refreshed.phases.map((candidate) => candidate.name)).toContain('revert');
    expect(refreshed.totalIos).toBeLessThan(recomposed.totalIos / 3);
    expect(refreshed.unavailableDesktopS).toBeLessThan(recomposed.unavailableDesktopS / 2);
    expect(refreshed.desktops).toEqual({ total: 40, done: 40, failed: 0 });
    expect(summaryOf(refresh.summaries, 'instant').name).toBe('logoff-recreate');
  });

  it('waits for users: each desktop is taken after its own user left, all within the logoff window', async () => {
    const run = await runOf('refresh-composer-vs-instant', 50, ['users.logoffWindowS=900', 'users.loggedInPct=80']);
    for (const arm of ['composer', 'instant']) {
      const operation = operationOf(run.record, arm);
      const withUser = operation.desktops.filter((desktop) => desktop.loggedOffS !== undefined);
      expect(withUser).toHaveLength(40);
      for (const desktop of withUser) {
        expect(desktop.loggedOffS!).toBeLessThanOrEqual(900);
        expect(desktop.outS!).toBeGreaterThanOrEqual(desktop.loggedOffS!);
      }
      // Spread over the window, not all at once.
      const times = withUser.map((desktop) => desktop.loggedOffS!);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(600);
      // Desktops nobody used are taken at once.
      const idle = operation.desktops.filter((desktop) => desktop.loggedOffS === undefined);
      expect(idle).toHaveLength(10);
      for (const desktop of idle) expect(desktop.outS!).toBeLessThan(120);
    }
  });
});

describe('the figures an operation leaves', () => {
  it('a smaller maintenance limit lengthens the window, not the downtime of each desktop', async () => {
    const [twelve, four] = await Promise.all([runOf('patch-composer-vs-instant', 40), runOf('patch-composer-vs-instant', 40, ['horizon.maxComposerMaintenance=4'])]);
    const at12 = summaryOf(twelve.summaries, 'composer');
    const at4 = summaryOf(four.summaries, 'composer');
    expect(at4.windowS!).toBeGreaterThan(2 * at12.windowS!);
    expect(at4.durationS).toBeGreaterThan(2 * at12.durationS);
    expect(at4.downtimeS.max!).toBeLessThan(1.5 * at12.downtimeS.max!);
    expect(at4.peakUnavailable).toBeLessThan(at12.peakUnavailable);
  });

  it('the same users meet both arms: desktop n logs off at the same time in each', async () => {
    const run = await runOf('refresh-composer-vs-instant', 20, ['users.logoffWindowS=900']);
    const times = (arm: string) => operationOf(run.record, arm).desktops
      .map((desktop) => [Number(desktop.name.split('-').pop()), desktop.loggedOffS] as const).sort((a, b) => a[0] - b[0]);
    expect(times('composer')).toEqual(times('instant'));
  });

  it('an interrupted patch keeps the old image for teardown, and counts the desktops it did not reach', async () => {
    const scenario = await shippedScenario('patch-composer-vs-instant', { desktops: 10, set: ['users.logoffWarningS=0', 'horizon.maxComposerMaintenance=2'] });
    const controller = new AbortController();
    const { SimDriver } = await import('../../../src/drivers/sim/sim-driver.js');
    const { runScenario } = await import('../../../src/scenarios/runner.js');
    const { MemorySink, START_MS } = await import('../../helpers/sim.js');
    const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS });
    const inventory = await driver.open();
    const destroyed: string[] = [];
    const destroy = driver.destroy.bind(driver);
    driver.destroy = async (vm) => {
      destroyed.push(vm.name);
      return destroy(vm);
    };
    const outcome = await runScenario({
      runId: 'r', scenario: { ...scenario, arms: scenario.arms.slice(0, 1) }, driver, inventory, sink: new MemorySink(), signal: controller.signal,
      listener: { onEvent: (_arm, event) => { if (event.operation && event.kind === 'ready') controller.abort(); } },
    });
    expect(outcome.status).toBe('aborted');
    const operation = outcome.arms[0]!.operations![0]!;
    expect(operation.desktopsInPool).toBe(10);
    expect(operation.phases.map((phase) => phase.name)).not.toContain('cleanup');
    // The old replica went in teardown, after every desktop (desktops first, then internal VMs newest first).
    const lastDesktop = Math.max(...destroyed.map((name, index) => (/-\d+$/.test(name) ? index : -1)));
    expect(destroyed.indexOf('vdibench-composer-replica')).toBeGreaterThan(lastDesktop);
    expect(driver.leftovers()).toEqual([]);
  });

  it('keeps the deployment figures the deployment\'s own, and reaches metrics.lp and events.csv', async () => {
    const [plain, patched] = await Promise.all([runOf('composer-vs-instant', 30), runOf('patch-composer-vs-instant', 30)]);
    for (const arm of ['composer', 'instant']) {
      const before = plain.summaries.find((candidate) => candidate.name === arm)!;
      const after = patched.summaries.find((candidate) => candidate.name === arm)!;
      expect({ ...after, operations: undefined }).toEqual({ ...before, operations: undefined });
    }
    const lines = (await readFile(path.join(patched.runDir, 'metrics.lp'), 'utf8')).split('\n');
    const operationLines = lines.filter((line) => line.startsWith('vdibench_operation,'));
    expect(operationLines).toHaveLength(2);
    const push = summaryOf(patched.summaries, 'instant');
    const pushLine = operationLines.find((line) => line.includes('operation=push-image'))!;
    expect(pushLine).toContain(`unavailable_desktop_s=${push.unavailableDesktopS}`);
    expect(pushLine).toContain(`window_s=${push.windowS}`);
    const events = await readFile(path.join(patched.runDir, 'events.csv'), 'utf8');
    expect(events.split('\n')[0]).toBe('time,tS,arm,method,desktop,host,kind,error,operation');
    expect(events).toMatch(/,out-of-service,,recompose\n/);
  });

  it('window and desktop-seconds follow from the per-desktop times', async () => {
    const run = await runOf('patch-composer-vs-instant', 25);
    for (const arm of ['composer', 'instant']) {
      const operation = operationOf(run.record, arm);
      const summary = summaryOf(run.summaries, arm);
      const downtimes = operation.desktops.map((desktop) => desktop.readyS! - desktop.outS!);
      expect(summary.unavailableDesktopS).toBe(Math.round(downtimes.reduce((sum, value) => sum + value, 0)));
      expect(summary.downtimeS.max).toBeCloseTo(Math.max(...downtimes), 1);
      const window = Math.max(...operation.desktops.map((desktop) => desktop.readyS!)) - Math.min(...operation.desktops.map((desktop) => desktop.outS!));
      expect(summary.windowS).toBeCloseTo(window, 1);
      expect(summary.durationS).toBeCloseTo((operation.endMs - operation.startMs) / 1000, 1);
      expect(summary.peakIops).toBeGreaterThan(0);
    }
  });

  it('repeats exactly with the same seed', async () => {
    const [a, b] = await Promise.all([runOf('refresh-composer-vs-instant', 20), runOf('refresh-composer-vs-instant', 20)]);
    expect(a.summaries.map((arm) => arm.operations)).toEqual(b.summaries.map((arm) => arm.operations));
  });
});

describe('logoffSchedule', () => {
  const names = Array.from({ length: 200 }, (_, index) => `d-${index + 1}`);

  it('logs exactly the share of users in, forced off at the warning or spread over the window', () => {
    const forced = logoffSchedule(names, { policy: 'force-logoff', loggedInPct: 25, logoffWarningS: 300, logoffWindowS: 3600 }, 1, 'arm/op');
    const forcedTimes = [...forced.values()].filter((value) => value !== undefined);
    expect(forcedTimes).toHaveLength(50);
    expect(new Set(forcedTimes)).toEqual(new Set([300]));
    const waited = logoffSchedule(names, { policy: 'wait-for-logoff', loggedInPct: 100, logoffWarningS: 300, logoffWindowS: 1000 }, 1, 'arm/op');
    const times = [...waited.values()] as number[];
    expect(times.every((time) => time >= 0 && time <= 1000)).toBe(true);
    // Roughly uniform: each quarter of the window holds about a quarter of the users.
    for (let quarter = 0; quarter < 4; quarter++) {
      const inQuarter = times.filter((time) => time >= quarter * 250 && time < (quarter + 1) * 250).length;
      expect(inQuarter).toBeGreaterThan(30);
      expect(inQuarter).toBeLessThan(70);
    }
  });

  it('is the same for the same seed and stream, different otherwise', () => {
    const users = { policy: 'wait-for-logoff', loggedInPct: 50, logoffWarningS: 0, logoffWindowS: 600 } as const;
    expect(logoffSchedule(names, users, 7, 'a')).toEqual(logoffSchedule(names, users, 7, 'a'));
    expect(logoffSchedule(names, users, 7, 'a')).not.toEqual(logoffSchedule(names, users, 8, 'a'));
    expect(logoffSchedule(names, users, 7, 'a')).not.toEqual(logoffSchedule(names, users, 7, 'b'));
  });
});

describe('the operation tables in the run folder', () => {
  it('operations.csv has one row per desktop and operation; phases.csv carries the operations\' phases on the arm\'s time', async () => {
    const run = await runOf('patch-composer-vs-instant', 12);
    const rows = (await readFile(path.join(run.runDir, 'operations.csv'), 'utf8')).trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['arm', 'method', 'operation', 'desktop', 'host', 'loggedOffS', 'outS', 'readyS', 'failedS', 'downtimeS', 'error', 'retries']);
    expect(rows).toHaveLength(1 + 24);
    const recompose = operationOf(run.record, 'composer');
    const first = recompose.desktops[0]!;
    const row = rows.find((candidate) => candidate[2] === 'recompose' && candidate[3] === first.name)!;
    expect(Number(row[6])).toBe(first.outS);
    expect(Number(row[9])).toBeCloseTo(first.readyS! - first.outS!, 3);
    const phases = (await readFile(path.join(run.runDir, 'phases.csv'), 'utf8')).trim().split('\n').map((line) => line.split(','));
    expect(phases[0]!.at(-1)).toBe('operation');
    const replica = phases.find((candidate) => candidate[0] === 'composer' && candidate[2] === 'replica' && candidate.at(-1) === 'recompose')!;
    const offsetS = (recompose.startMs - run.record.arms[0]!.startMs) / 1000;
    expect(Number(replica[3])).toBeCloseTo(offsetS + phase(recompose, 'replica')!.startS, 2);
    // A deploy-only run writes no operations.csv.
    const plain = await runOf('composer-only', 3);
    await expect(readFile(path.join(plain.runDir, 'operations.csv'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('repeated runs with day-2 operations', () => {
  it('each run carries its operation; the folded arm holds the medians', async () => {
    const { repeatScenario } = await import('../../../src/run/repeat.js');
    const run = await simulate(repeatScenario(await shippedScenario('refresh-composer-vs-instant', { desktops: 10, repeat: 3 })));
    expect(run.summaries.map((arm) => arm.name)).toEqual(['composer', 'instant']);
    for (const arm of run.summaries) {
      const each = arm.repetitions!.map((repetition) => repetition.operations![0]!.unavailableDesktopS).sort((a, b) => a - b);
      expect(each).toHaveLength(3);
      expect(arm.operations![0]!.unavailableDesktopS).toBe(each[1]);
      expect(arm.stats![`op.${arm.operations![0]!.name}.unavailableDesktopS`]!.n).toBe(3);
    }
  });
});

describe('day-2 steps travel with the scenario', () => {
  it('a sweep runs them at every size', async () => {
    const { sweepScenario } = await import('../../../src/run/sweep.js');
    const swept = sweepScenario(await shippedScenario('patch-composer-vs-instant'), [10, 20]);
    expect(swept.arms.map((arm) => [arm.name, arm.operations?.map((operation) => operation.name)])).toEqual([
      ['composer-10', ['recompose']], ['instant-10', ['push-image']], ['composer-20', ['recompose']], ['instant-20', ['push-image']],
    ]);
  });

  it('runs that differ in day-2 steps or users are not comparable: compare says so, the gate refuses', async () => {
    const { scenarioDifferences } = await import('../../../src/report/compare.js');
    const forced = await shippedScenario('patch-composer-vs-instant');
    const waited = await shippedScenario('patch-composer-vs-instant', { set: ['users.policy=wait-for-logoff'] });
    const plain = await shippedScenario('composer-vs-instant');
    expect(scenarioDifferences(forced, forced)).toEqual([]);
    expect(scenarioDifferences(waited, forced)).toContain('arm composer after deployment: recompose (100 % logged in, logging off over 3600 s), baseline recompose (100 % logged in, forced off after 300 s)');
    expect(scenarioDifferences(plain, forced)).toContain('arm instant after deployment: nothing, baseline push-image (100 % logged in, forced off after 300 s)');
  });
});
