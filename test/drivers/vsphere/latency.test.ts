/**
 * The vsphere driver against tasks that take time, as a vCenter's do: test/vcsim's
 * -task-delay (observe.go) makes each CloneVM_Task, PowerOnVM_Task and PowerOffVM_Task
 * run for its delay (with jitter), and counts from the simulator's side — calls, logins,
 * live property filters, tasks in flight with their start and end (GET /vdibench/stats).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VsphereDriver } from '../../../src/drivers/vsphere/vsphere-driver.js';
import { benchAsync, repoRoot, tempDir } from '../../helpers/cli.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

const CLONE_MS = 1200;
const POWER_MS = 300;

describe.skipIf(skipVcsim)('vsphere driver with task latencies (govmomi simulator, -task-delay)', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ hosts: 8, taskDelayMs: { CloneVM_Task: CLONE_MS, PowerOnVM_Task: POWER_MS, PowerOffVM_Task: POWER_MS }, delayJitter: 0.05 });
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('Horizon\'s limit bounds linked clones in flight exactly, counted by the simulator; phase times follow the task times', async () => {
    await sim.stats(true);
    const out = tempDir();
    const result = await benchAsync(['run', 'composer-only', '--desktops', '12', '--json', '-q', '--out', out, '--set', 'horizon.maxComposerProvisioning=4', ...sim.flags], { env: sim.env });
    expect(result.status, result.stderr).toBe(0);
    const stats = await sim.stats();
    // The replica is a CloneVM_Task too, alone before the desktops: 1 + 12 clones, never more than 4 at once, and 4 reached.
    expect(stats.tasks.filter((task) => task.method === 'CloneVM_Task')).toHaveLength(13);
    expect(stats.maxInFlight.CloneVM_Task).toBe(4);
    expect(stats.logins).toBe(1);
    expect(stats.maxLiveFilters).toBeLessThanOrEqual(1);

    const runDir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    const [header, ...rows] = readFileSync(path.join(runDir, 'phases.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const phases = new Map(rows.map((row) => [row[header!.indexOf('phase')]!, Number(row[header!.indexOf('durationS')])]));
    // The replica phase is one clone: its delay, within the jitter and the calls around it.
    expect(phases.get('replica')).toBeGreaterThan(CLONE_MS / 1000 * 0.8);
    expect(phases.get('replica')).toBeLessThan(CLONE_MS / 1000 * 1.2 + 0.8);
    // 12 clones 4 at a time: 3 waves of one clone each at least; the desktops' phases as a whole
    // also hold power on, QuickPrep's power off and power on (3 power tasks after each clone).
    const desktopsS = [...phases.entries()].filter(([name]) => name !== 'replica').reduce((sum, [, seconds]) => Math.max(sum, seconds), 0);
    expect(desktopsS, JSON.stringify([...phases])).toBeGreaterThan(3 * CLONE_MS / 1000 * 0.8 + 3 * POWER_MS / 1000 * 0.8);
    expect(desktopsS, JSON.stringify([...phases])).toBeLessThan(3 * (CLONE_MS + 3 * POWER_MS) / 1000 * 1.2 + 2);
  }, 180_000);

  it('hundreds of tasks in flight are followed in one session with one property filter', async () => {
    const driver = new VsphereDriver({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile, goldenImage: 'golden-win10', snapshot: 'base', readyWhen: 'powered-on', readyTimeoutS: 60 }, { runId: 'latency', needsInstantClone: false });
    await driver.open();
    try {
      const golden = await driver.goldenImage();
      const count = 200;
      await sim.stats(true);
      const vms = await Promise.all(Array.from({ length: count }, (_, index) => driver.linkedClone(golden.snapshot, { name: `vdibench-many-${index + 1}`, role: 'desktop' })));
      await Promise.all(vms.map((vm) => driver.powerOn(vm)));
      const stats = await sim.stats(true);
      // Most of the 200 at once (nothing in the driver serialises them); not all, as a loaded
      // 2-core machine may take longer to send 200 requests than a task lasts.
      expect(stats.maxInFlight.CloneVM_Task).toBeGreaterThanOrEqual(100);
      expect(stats.maxInFlight.PowerOnVM_Task).toBeGreaterThanOrEqual(100);
      expect(stats.tasks).toHaveLength(2 * count);
      expect(stats.logins).toBe(0); // the session of open(), no other
      expect(stats.calls.CreateFilter ?? 0).toBeLessThanOrEqual(1);
      expect(stats.maxLiveFilters).toBeLessThanOrEqual(1);
      await Promise.all(vms.map((vm) => driver.destroy(vm)));
    } finally {
      await driver.close();
    }
  }, 180_000);
});
