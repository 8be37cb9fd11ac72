/**
 * The effects that matter at scale (issue 11): power slots held until the guest is up, host
 * memory admission, storage that grows with a hyper-converged cluster, a replica and a digest
 * per datastore, and the warnings a run carries when the cluster is the bottleneck.
 */
import { describe, expect, it } from 'vitest';
import type { ArmSummary } from '../../../src/contract/summary.js';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import type { ScenarioOverrides } from '../../../src/scenarios/load.js';
import { shippedScenario, simulate, START_MS, type SimRun } from '../../helpers/sim.js';

async function run(name: string, overrides: ScenarioOverrides): Promise<SimRun> {
  return simulate(await shippedScenario(name, overrides));
}
async function arm(name: string, overrides: ScenarioOverrides): Promise<ArmSummary> {
  return (await run(name, overrides)).summaries[0]!;
}
const phase = (summary: ArmSummary, name: string) => summary.phases.find((candidate) => candidate.name === name)!.durationS;
const codes = (simRun: SimRun) => (simRun.outcome.arms[0]!.warnings ?? []).map((warning) => warning.code);

describe('Composer at scale', () => {
  it('a power slot is held until the guest is up: maxPowerOps bounds the desktops booting', async () => {
    const scenario = await shippedScenario('composer-only', { desktops: 60, set: ['horizon.maxPowerOps=10'] });
    const { image } = scenario;
    const composer = (await simulate(scenario)).summaries[0]!;
    // Each desktop holds a slot over two boots and QuickPrep: 10 slots cannot go faster than this.
    const slotBoundS = (60 * (2 * image.bootS + image.quickprepS)) / 10;
    expect(composer.deployTimeS!).toBeGreaterThan(slotBoundS);
    const wide = await arm('composer-only', { desktops: 60, set: ['horizon.maxPowerOps=50'] });
    expect(wide.deployTimeS!).toBeLessThan(composer.deployTimeS! * 0.5);
  });

  it('throughput stops rising with scale: 1,000 desktops go at most 1.6x the rate of 100', async () => {
    const small = await arm('composer-only', { desktops: 100, set: ['cluster.hosts=12'] });
    const large = await arm('composer-only', { desktops: 1000, set: ['cluster.hosts=12'] });
    const rate = (summary: ArmSummary, desktops: number) => desktops / summary.deployTimeS!;
    expect(rate(large, 1000) / rate(small, 100)).toBeLessThan(1.6);
  });

  it('the View Storage Accelerator digest is a Composer phase only when the pool has it', async () => {
    const without = await arm('composer-only', { desktops: 10 });
    const withDigest = await arm('composer-only', { desktops: 10, set: ['horizon.composerStorageAccelerator=true'] });
    expect(without.phases.map((candidate) => candidate.name)).not.toContain('digest');
    expect(phase(withDigest, 'digest')).toBeGreaterThan(400);
    expect(withDigest.deployTimeS!).toBeGreaterThan(without.deployTimeS! + 400);
  });
});

describe('storage that grows with the cluster', () => {
  it('hyper-converged: more hosts are faster where storage binds; a shared array does not grow', async () => {
    const starved = ['cluster.storageIopsPerHost=1500', 'cluster.storageIops=6000'];
    const hci4 = await arm('composer-only', { desktops: 100, set: [...starved, 'cluster.hosts=4'] });
    const hci8 = await arm('composer-only', { desktops: 100, set: [...starved, 'cluster.hosts=8'] });
    expect(hci8.deployTimeS!).toBeLessThan(hci4.deployTimeS! * 0.85);
    const array4 = await arm('composer-only', { desktops: 100, set: [...starved, 'cluster.hyperConverged=false', 'cluster.hosts=4'] });
    const array8 = await arm('composer-only', { desktops: 100, set: [...starved, 'cluster.hyperConverged=false', 'cluster.hosts=8'] });
    expect(Math.abs(array8.deployTimeS! - array4.deployTimeS!) / array4.deployTimeS!).toBeLessThan(0.05);
    expect(array4.peakIops).toBeLessThanOrEqual(6000 + 1);
  });

  it('more datastores, more replica copies and digests (one each per datastore)', async () => {
    const one = await arm('instant-only', { desktops: 10 });
    const two = await arm('instant-only', { desktops: 10, set: ['cluster.datastores=2'] });
    // The replica copies run side by side: twice the copy I/O, same duration.
    expect(two.peakIops / one.peakIops).toBeGreaterThan(1.8);
    expect(two.peakIops / one.peakIops).toBeLessThan(2.2);
    expect(Math.abs(phase(two, 'digest') - phase(one, 'digest')) / phase(one, 'digest')).toBeLessThan(0.05);
  });
});

describe('host memory', () => {
  it('memory short: power-ons wait for QuickPrep shutdowns, the rest are refused, the run says so', async () => {
    // 74 GB per host, 42 GB usable: 20 desktops of 2 GB per host, 80 on the cluster.
    const short = await run('composer-only', { desktops: 100, set: ['cluster.hostMemoryGB=74', 'cluster.hostReservedMemoryGB=32', 'maxFailedDesktops=100'] });
    const warning = short.outcome.arms[0]!.warnings!.find((candidate) => candidate.code === 'memory-short')!;
    expect(warning.message).toMatch(/100 desktops need 204 GB/);
    const waited = Number(/([\d,]+) power-ons waited/.exec(warning.message)![1]!.replace(/,/g, ''));
    expect(waited).toBeGreaterThan(0);
    const ready = short.summaries[0]!.desktops.ready;
    expect(ready).toBeLessThanOrEqual(80);
    expect(ready).toBeGreaterThanOrEqual(75);
    const ample = await run('composer-only', { desktops: 100 });
    expect(codes(ample)).not.toContain('memory-short');
  });

  it('instant clones: a fork needs memory on its parent\'s host; the parents count', async () => {
    // 8 GB usable per host: the parent and 2 clones fit (3 x 2,088 MB), not 3 clones.
    const short = await run('instant-only', { desktops: 12, set: ['cluster.hostMemoryGB=40', 'cluster.hostReservedMemoryGB=32', 'maxFailedDesktops=12'] });
    expect(short.summaries[0]!.desktops.ready).toBe(8);
    expect(codes(short)).toContain('memory-short');
  });
});

describe('warnings in the run', () => {
  it('storage at capacity: demand against capacity and for how long', async () => {
    const starved = await run('composer-only', { desktops: 100, set: ['cluster.storageIopsPerHost=1500'] });
    const warning = starved.outcome.arms[0]!.warnings!.find((candidate) => candidate.code === 'storage-saturated')!;
    expect(warning.message).toMatch(/against a capacity of 6,000 IOPS/);
    expect(warning.message).toMatch(/exceeded capacity for [\d,]+ s \(\d+ % of the arm\)/);
    expect(warning.arm).toBe('composer');
  });

  it('the reference run carries no warning', async () => {
    const reference = await run('composer-vs-instant', { desktops: 100 });
    expect(reference.outcome.arms.flatMap((record) => record.warnings ?? [])).toEqual([]);
  });

  it('CPU at 100 % and desktops beyond the sizing density', async () => {
    const dense = await run('composer-only', { desktops: 100, set: ['cluster.hosts=1', 'cluster.coresPerHost=8'] });
    expect(codes(dense)).toEqual(expect.arrayContaining(['cpu-saturated', 'density-high']));
  });

  it('an instant-clone pool over Horizon 7\'s 2,000 desktops', async () => {
    const scenario = await shippedScenario('instant-only', { desktops: 1, set: ['cluster.hosts=2', 'cluster.hostMemoryGB=8192', 'cluster.densityVcpuPerCore=100', 'image.memoryGB=0.5'] });
    const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: 1, startMs: START_MS });
    await driver.open();
    const golden = await driver.goldenImage();
    const parent = await driver.linkedClone(golden.snapshot, { name: 'parent', role: 'parent' });
    await driver.powerOn(parent);
    await driver.prepareParent(parent);
    const forks = async (count: number) => {
      await Promise.all(Array.from({ length: count }, (_, index) => driver.instantClone(parent, { name: `d-${count}-${index}`, role: 'desktop', host: parent.host })));
      return driver.takeWarnings('pool').map((warning) => warning.code);
    };
    expect(await forks(2000)).not.toContain('pool-over-maximum');
    expect(await forks(2001)).toContain('pool-over-maximum');
  }, 30_000);
});
