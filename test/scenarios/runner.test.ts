import { describe, expect, it } from 'vitest';
import { LIFECYCLE } from '../../src/contract/observations.js';
import { readRun } from '../../src/run-store/read.js';
import { shippedScenario, simulate } from '../helpers/sim.js';

describe('runner: phases and per-desktop events', () => {
  it('records each method\'s phases in order, and every desktop\'s lifecycle in order', async () => {
    const run = await simulate(await shippedScenario('composer-vs-instant', { desktops: 12 }));
    const [composer, instant] = run.outcome.arms;
    expect(composer!.phases.map((phase) => phase.name)).toEqual(['replica', 'clone', 'customize', 'power-on']);
    expect(instant!.phases.map((phase) => phase.name)).toEqual(['template', 'replica', 'digest', 'parents', 'clone']);

    for (const arm of run.outcome.arms) {
      expect(arm.desktops).toHaveLength(12);
      expect(new Set(arm.desktops.map((desktop) => desktop.name)).size).toBe(12);
      for (const desktop of arm.desktops) {
        expect(desktop.name).toMatch(new RegExp(`^vdibench-${arm.name}-\\d+$`));
        expect(desktop.host).toMatch(/^esx-\d\d\.sim\.local$/);
        // Composer customizes during a first boot, then powers on for good; an instant clone runs from the fork on.
        const times = arm.method === 'composer'
          ? [desktop.requestedS, desktop.clonedS, desktop.customizedS, desktop.poweredOnS, desktop.readyS]
          : [desktop.requestedS, desktop.clonedS, desktop.poweredOnS, desktop.customizedS, desktop.readyS];
        expect(times.every((time) => typeof time === 'number')).toBe(true);
        expect(desktop.failedS).toBeUndefined();
        expect(times.every((time, index) => index === 0 || time! >= times[index - 1]!)).toBe(true);
      }
    }
    // Composer powers on after customization (second boot); instant clones are running right after the fork.
    const composerDesktop = composer!.desktops[0]!;
    expect(composerDesktop.poweredOnS!).toBeGreaterThan(composerDesktop.customizedS!);
    const instantDesktop = instant!.desktops[0]!;
    expect(instantDesktop.poweredOnS).toBe(instantDesktop.clonedS);
  });

  it('phases are non-empty, lie within the arm, and the last one ends at the last desktop ready', async () => {
    const run = await simulate(await shippedScenario('composer-vs-instant', { desktops: 20 }));
    for (const arm of run.outcome.arms) {
      const lastReady = Math.max(...arm.desktops.map((desktop) => desktop.readyS!));
      for (const phase of arm.phases) {
        expect(phase.durationS).toBeGreaterThan(0);
        expect(phase.startS).toBeGreaterThanOrEqual(0);
        // Desktop times are stored to the millisecond.
        expect(phase.startS + phase.durationS).toBeLessThanOrEqual(lastReady + 1e-3);
      }
      const last = arm.phases[arm.phases.length - 1]!;
      expect(last.startS + last.durationS).toBeCloseTo(lastReady, 2);
      // Sequential publish steps of instant clones do not overlap.
      if (arm.method === 'instant-clone') {
        for (let index = 1; index < arm.phases.length; index++) {
          const before = arm.phases[index - 1]!;
          expect(arm.phases[index]!.startS).toBeGreaterThanOrEqual(before.startS + before.durationS - 1e-6);
        }
      }
    }
  });

  it('the events sent to the sinks equal the recorded desktops, and samples come every 20 s per host', async () => {
    const run = await simulate(await shippedScenario('composer-only', { desktops: 8 }));
    const events = run.sink.batches.flatMap((batch) => batch.events ?? []);
    const kinds = new Set(events.map((event) => event.kind));
    for (const kind of LIFECYCLE.filter((kind) => kind !== 'failed' && kind !== 'retried' && kind !== 'logged-off' && kind !== 'out-of-service')) expect(kinds).toContain(kind);
    expect(events.filter((event) => event.kind === 'ready')).toHaveLength(8);
    expect(events.filter((event) => event.kind === 'destroyed')).toHaveLength(8);

    const samples = run.sink.batches.flatMap((batch) => batch.samples ?? []);
    const hosts = new Set(samples.map((sample) => sample.host));
    expect(hosts.size).toBe(run.scenario.cluster.hosts);
    const times = [...new Set(samples.map((sample) => sample.tS))].sort((a, b) => a - b);
    expect(times.slice(0, -1).every((tS, index) => Math.abs(tS - 20 * (index + 1)) < 1e-6)).toBe(true);
    // What the sinks got is what the run folder holds.
    const stored = await readRun(run.runDir);
    expect(stored.samples.map((sample) => [sample.host, sample.tS])).toEqual(samples.map((sample) => [sample.host, Number(sample.tS.toFixed(3))]));
  });

  it('tears each arm down before the next starts, and keeps the VMs with keep', async () => {
    const torn = await simulate(await shippedScenario('composer-vs-instant', { desktops: 6 }));
    expect(torn.driver.leftovers()).toEqual([]);
    expect(torn.outcome.arms.every((arm) => arm.keptVms.length === 0)).toBe(true);

    const kept = await simulate(await shippedScenario('instant-only', { desktops: 6, keep: true }));
    const names = kept.driver.leftovers().map((vm) => vm.name);
    // 6 desktops + template + replica + one parent per host.
    expect(names).toHaveLength(6 + 2 + kept.scenario.cluster.hosts);
    expect(names.every((name) => name.startsWith('vdibench-instant-'))).toBe(true);
    expect(kept.outcome.arms[0]!.keptVms.sort()).toEqual(names.sort());
  });

  it('names desktops with the name prefix', async () => {
    const run = await simulate(await shippedScenario('composer-only', { desktops: 3, namePrefix: 'lab7-' }));
    expect(run.outcome.arms[0]!.desktops.map((desktop) => desktop.name).sort()).toEqual(['lab7-composer-1', 'lab7-composer-2', 'lab7-composer-3']);
  });

  it('respects Horizon\'s concurrency limits', async () => {
    const scenario = await shippedScenario('composer-only', { desktops: 40, set: ['horizon.maxComposerProvisioning=3'] });
    const run = await simulate(scenario);
    const desktops = run.outcome.arms[0]!.desktops;
    // Clones finish in waves of at most 3: the 4th clone cannot end before the earliest can start again.
    const clonedAt = desktops.map((desktop) => desktop.clonedS!).sort((a, b) => a - b);
    const perCloneS = scenario.cluster.linkedCloneS * (1 - 3 * scenario.cluster.jitterPct / 100);
    for (let index = 3; index < clonedAt.length; index++) {
      expect(clonedAt[index]! - clonedAt[index - 3]!).toBeGreaterThanOrEqual(perCloneS - 1e-6);
    }
  });
});
