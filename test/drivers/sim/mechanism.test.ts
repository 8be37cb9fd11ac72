/**
 * The simulator is a mechanism, not a table of answers: its outputs move sensibly when its
 * inputs move.
 */
import { describe, expect, it } from 'vitest';
import type { ArmSummary } from '../../../src/contract/summary.js';
import type { ScenarioOverrides } from '../../../src/scenarios/load.js';
import { shippedScenario, simulate } from '../../helpers/sim.js';

async function arms(name: string, overrides: ScenarioOverrides): Promise<ArmSummary[]> {
  return (await simulate(await shippedScenario(name, overrides))).summaries;
}
const phase = (arm: ArmSummary, name: string) => arm.phases.find((candidate) => candidate.name === name)!.durationS;

describe('the sim driver is a mechanism', () => {
  it('more desktops take longer, for both methods', async () => {
    const small = await arms('composer-vs-instant', { desktops: 50 });
    const large = await arms('composer-vs-instant', { desktops: 200 });
    expect(large[0]!.deployTimeS!).toBeGreaterThan(small[0]!.deployTimeS! * 1.3);
    expect(large[1]!.deployTimeS!).toBeGreaterThan(small[1]!.deployTimeS!);
    expect(phase(large[1]!, 'clone')).toBeGreaterThan(phase(small[1]!, 'clone') * 2);
  });

  it('a larger image lengthens the instant-clone publish (replica, digest); Composer\'s per-desktop stage barely moves', async () => {
    const base = await arms('composer-vs-instant', { desktops: 100 });
    const big = await arms('composer-vs-instant', { desktops: 100, set: ['image.usedGB=40'] });
    expect(phase(big[1]!, 'replica')).toBeGreaterThan(phase(base[1]!, 'replica') * 1.7);
    expect(phase(big[1]!, 'digest')).toBeGreaterThan(phase(base[1]!, 'digest') * 1.8);
    for (const stage of ['clone', 'customize', 'power-on']) {
      expect(Math.abs(phase(big[0]!, stage) - phase(base[0]!, stage)) / phase(base[0]!, stage), stage).toBeLessThan(0.05);
    }
  });

  it('lower storage capacity slows Composer and caps its peak at that capacity', async () => {
    const [base] = await arms('composer-only', { desktops: 100 });
    const [starved] = await arms('composer-only', { desktops: 100, set: ['cluster.storageIopsPerHost=2000'] });
    expect(starved!.deployTimeS!).toBeGreaterThan(base!.deployTimeS! * 1.15);
    expect(starved!.peakIops).toBeLessThanOrEqual(8000 + 1);
    expect(starved!.peakIops).toBeGreaterThan(8000 * 0.95);
  });

  it('a higher Instant Clone Engine limit shortens the clone phase', async () => {
    const [base] = await arms('instant-only', { desktops: 100 });
    const [wide] = await arms('instant-only', { desktops: 100, set: ['horizon.maxInstantCloneProvisioning=40'] });
    expect(phase(wide!, 'clone')).toBeLessThan(phase(base!, 'clone') * 0.7);
  });

  it('a higher Composer provisioning limit shortens Composer\'s clone phase and raises its peak', async () => {
    const [base] = await arms('composer-only', { desktops: 100 });
    const [wide] = await arms('composer-only', { desktops: 100, set: ['horizon.maxComposerProvisioning=16'] });
    expect(phase(wide!, 'clone')).toBeLessThan(phase(base!, 'clone') * 0.7);
    expect(wide!.peakIops).toBeGreaterThan(base!.peakIops);
  });

  it('without VAAI, the Composer replica is a slower host copy', async () => {
    const [offloaded] = await arms('composer-only', { desktops: 10 });
    const [hostCopy] = await arms('composer-only', { desktops: 10, set: ['cluster.vaai=false'] });
    expect(phase(hostCopy!, 'replica')).toBeGreaterThan(phase(offloaded!, 'replica') * 2);
  });

  it('the same seed gives an identical summary; another seed slightly different numbers', async () => {
    const first = await arms('composer-vs-instant', { desktops: 60, seed: 7 });
    const again = await arms('composer-vs-instant', { desktops: 60, seed: 7 });
    const other = await arms('composer-vs-instant', { desktops: 60, seed: 8 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const [index, arm] of other.entries()) {
      const reference = first[index]!;
      expect(arm.deployTimeS).not.toBe(reference.deployTimeS);
      expect(Math.abs(arm.deployTimeS! - reference.deployTimeS!) / reference.deployTimeS!).toBeLessThan(0.05);
    }
  });

  it('an arm\'s numbers do not depend on the arms that ran before it', async () => {
    const after100 = await arms('composer-vs-instant', { desktops: 100 });
    const alone = await arms('instant-only', { desktops: 100 });
    // Same VM names: the instant arm is named "instant" in both scenarios.
    expect(alone[0]!.deployTimeS).toBe(after100[1]!.deployTimeS);
  });

  it('samples are per host every 20 s of simulated time, CPU within 0..100 %', async () => {
    const run = await simulate(await shippedScenario('composer-only', { desktops: 100 }));
    for (const sample of run.samples) {
      expect(sample.cpuPct).toBeGreaterThanOrEqual(0);
      expect(sample.cpuPct).toBeLessThanOrEqual(100 + 1e-9);
      expect(sample.readIops).toBeGreaterThanOrEqual(0);
      expect(sample.diskReadIops! + sample.diskWriteIops!).toBeGreaterThanOrEqual(sample.readIops! + sample.writeIops! - 1e-6);
    }
  });
});
