/**
 * Runs you can trust on a vCenter (issue 12), against govmomi's vCenter simulator (not a
 * hand-made imitation): every VM the harness creates carries its mark and `bench cleanup`
 * deletes nothing else; a terminated session and a stalled vCenter (the process stopped,
 * then resumed) are survived; the driver's waits end at once when the run is interrupted;
 * URLs that would leak or send the password in clear are refused.
 *
 * The simulator is extended in test/vcsim/main.go through the library's own mechanisms:
 * InstantClone_Task (object wrapping), method delays (DelayConfig.MethodDelay) so that a run
 * lasts long enough to be disturbed, and SIGUSR1 terminating every session
 * (SessionManager.TerminateSession). SIGSTOP / SIGCONT stop and resume the real process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationError } from '../../../src/drivers/types.js';
import { VsphereDriver } from '../../../src/drivers/vsphere/vsphere-driver.js';
import { VimClient } from '../../../src/drivers/vsphere/vim25/client.js';
import { cloneVMTask, destroyTask } from '../../../src/drivers/vsphere/vim25/methods.js';
import { listObjects } from '../../../src/drivers/vsphere/vim25/properties.js';
import { TaskWatcher } from '../../../src/drivers/vsphere/vim25/tasks.js';
import { benchAsync, spawnRun, tempDir, waitUntil, type CliResult } from '../../helpers/cli.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withClient<T>(sim: Vcsim, use: (client: VimClient) => Promise<T>): Promise<T> {
  const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.logout();
  }
}

interface SimVm { name: string; runId?: string; role?: string }

async function vms(sim: Vcsim, prefix: string): Promise<SimVm[]> {
  return withClient(sim, async (client) => {
    const all = await listObjects(client, 'VirtualMachine', ['name', 'config.extraConfig']);
    return all.filter((vm) => (vm.props.name ?? '').startsWith(prefix)).map((vm) => {
      const extra = new Map((vm.props['config.extraConfig'] ?? []).map((option) => [option.key, option.value]));
      return { name: vm.props.name ?? '', runId: extra.get('vdibench.runId'), role: extra.get('vdibench.role') };
    }).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  });
}

/** A VM made by hand on the simulator (not by vdibench): a clone of the golden image. */
async function handMadeVm(sim: Vcsim, name: string, options: { template?: boolean; extraConfig?: { key: string; value: string }[] } = {}): Promise<void> {
  await withClient(sim, async (client) => {
    const golden = (await listObjects(client, 'VirtualMachine', ['name'])).find((vm) => vm.props.name === 'golden-win10')!.obj;
    const folder = (await listObjects(client, 'Folder', ['name'])).find((candidate) => candidate.props.name === 'vm')!.obj;
    await new TaskWatcher(client).wait(await cloneVMTask(client, golden, {
      folder, name, spec: { location: {}, template: options.template ?? false, powerOn: false, ...(options.extraConfig ? { config: { extraConfig: options.extraConfig } } : {}) },
    }));
  });
}

async function removeByName(sim: Vcsim, names: string[]): Promise<void> {
  await withClient(sim, async (client) => {
    const watcher = new TaskWatcher(client);
    for (const vm of await listObjects(client, 'VirtualMachine', ['name'])) {
      if (names.includes(vm.props.name ?? '')) await watcher.wait(await destroyTask(client, vm.obj));
    }
  });
}

const runIdOf = (result: CliResult): string => {
  const summary = JSON.parse(result.stdout) as { runId?: string; runDir: string };
  return summary.runId ?? path.basename(summary.runDir);
};

describe.skipIf(skipVcsim)('the mark on every VM, and bench cleanup', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim();
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('cleanup deletes only VMs carrying the mark: never the golden image, a template or a VM it cannot attribute; a 1-character prefix run accepts is accepted', async () => {
    // "g": the golden image's name starts with it too.
    const run = await benchAsync(['run', 'composer-only', '--desktops', '3', '--json', '-q', '--keep', '--name-prefix', 'g', '--out', tempDir(), ...sim.flags], { env: sim.env });
    expect(run.status, run.stderr).toBe(0);
    const runId = runIdOf(run);
    const created = await vms(sim, 'gcomposer');
    expect(created.map((vm) => vm.name)).toEqual(['gcomposer-1', 'gcomposer-2', 'gcomposer-3', 'gcomposer-replica']);
    // The mark is read back through the API: extraConfig, which the simulator keeps on clones.
    expect(created.map((vm) => vm.runId)).toEqual([runId, runId, runId, runId]);
    expect(created.map((vm) => vm.role)).toEqual(['desktop', 'desktop', 'desktop', 'replica']);

    await handMadeVm(sim, 'gforeign');
    await handMadeVm(sim, 'gtemplate', { template: true, extraConfig: [{ key: 'vdibench.runId', value: runId }] });

    const listed = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--name-prefix', 'g'], { env: sim.env });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^3 VM\(s\) named g\* are not vdibench's, left alone:\n {2}gforeign {2}\(no vdibench mark.*\)\n {2}golden-win10 {2}\(no vdibench mark.*\)\n {2}gtemplate {2}\(a template\)$/m);
    expect(listed.stdout).toMatch(/^4 VM\(s\) named g\* in .*, created by vdibench:$/m);
    expect(listed.stdout).toContain(`gcomposer-1  poweredOn  run ${runId}`);

    const deleted = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--name-prefix', 'g', '--golden-image', 'golden-win10', '--yes'], { env: sim.env });
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^ {2}golden-win10 {2}\(the golden image\)$/m);
    expect(deleted.stdout.match(/^deleted .*/gm)).toEqual(['deleted gcomposer-1', 'deleted gcomposer-2', 'deleted gcomposer-3', 'deleted gcomposer-replica']);
    expect((await vms(sim, 'g')).map((vm) => vm.name)).toEqual(['gforeign', 'golden-win10', 'gtemplate']);
    await removeByName(sim, ['gforeign', 'gtemplate']);
  });

  it('instant clones carry the mark too (InstantClone_Task spec.config)', async () => {
    const run = await benchAsync(['run', 'instant-only', '--desktops', '2', '--json', '-q', '--keep', '--name-prefix', 'ic-', '--out', tempDir(), ...sim.flags], { env: sim.env });
    expect(run.status, run.stderr).toBe(0);
    const runId = runIdOf(run);
    const created = await vms(sim, 'ic-');
    expect(created.filter((vm) => vm.role === 'desktop').map((vm) => vm.name)).toEqual(['ic-instant-1', 'ic-instant-2']);
    expect(created.every((vm) => vm.runId === runId)).toBe(true);
    const deleted = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--name-prefix', 'ic-', '--yes'], { env: sim.env });
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(await vms(sim, 'ic-')).toEqual([]);
  });

  it('cleanup refuses exactly the prefixes run refuses', async () => {
    for (const prefix of ['-x', 'a'.repeat(33), 'a b']) {
      const cleanup = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--name-prefix', prefix], { env: sim.env });
      const run = await benchAsync(['run', 'composer-only', '--desktops', '1', '--name-prefix', prefix, '--out', tempDir(), ...sim.flags], { env: sim.env });
      expect([cleanup.status, run.status], `${prefix}: ${cleanup.stderr}${run.stderr}`).toEqual([2, 2]);
    }
  });
});

/** Waits until the run in `out` has cloned at least `count` desktops (events.csv), for up to a minute. */
async function untilCloned(out: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [folder] = readdirSync(out);
    let cloned = 0;
    try {
      if (folder) cloned = readFileSync(path.join(out, folder, 'events.csv'), 'utf8').split('\n').filter((line) => line.includes(',cloned,')).length;
    } catch {
      // not written yet
    }
    if (cloned >= count) return;
    if (Date.now() > deadline) throw new Error(`the run did not clone ${count} desktops within a minute (${cloned} so far)`);
    await sleep(50);
  }
}

describe.skipIf(skipVcsim)('vCenter trouble mid-run', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    // Slow clones and power-ons: a 40-desktop run lasts several seconds (over 5 s even on an idle machine).
    sim = await startVcsim({ methodDelayMs: { CloneVM_Task: 800, PowerOnVM_Task: 150, PowerOffVM_Task: 100 } });
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('sessions terminated mid-run: the driver logs in again, and the run completes and tears down', async () => {
    const out = tempDir();
    const running = benchAsync(['run', 'composer-only', '--desktops', '40', '--json', '-q', '--out', out, ...sim.flags], { env: sim.env });
    // Mid-run by what the run has done, not by the clock: a loaded machine runs slower.
    await untilCloned(out, 5);
    expect(await sim.terminateSessions()).toBeGreaterThanOrEqual(1);
    await untilCloned(out, 15);
    expect(await sim.terminateSessions()).toBeGreaterThanOrEqual(1);
    const result = await running;
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.arms[0].desktops).toEqual({ requested: 40, ready: 40, failed: 0 });
    expect(await vms(sim, 'vdibench-')).toEqual([]);
  }, 120_000);

  it('vCenter stopped for 12 s mid-run, then resumed: the run completes and tears down', async () => {
    const started = Date.now();
    const out = tempDir();
    const running = benchAsync(['run', 'composer-only', '--desktops', '40', '--json', '-q', '--out', out, ...sim.flags], { env: sim.env });
    await untilCloned(out, 5);
    sim.pause();
    await sleep(12_000);
    sim.resume();
    const result = await running;
    expect(Date.now() - started).toBeGreaterThan(14_000);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.arms[0].desktops).toEqual({ requested: 40, ready: 40, failed: 0 });
    expect(await vms(sim, 'vdibench-')).toEqual([]);
  }, 180_000);
});

describe.skipIf(skipVcsim)('stopping the vsphere driver', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim();
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('an interrupted run ends the wait for VMware Tools within a second (the simulator never runs them); teardown still works', async () => {
    const interruption = new AbortController();
    const driver = new VsphereDriver({
      url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile, goldenImage: 'golden-win10', snapshot: 'base',
      readyWhen: 'tools', readyTimeoutS: 1800,
    }, { runId: 'stop-test', needsInstantClone: false });
    await driver.open(interruption.signal);
    const golden = await driver.goldenImage();
    const vm = await driver.linkedClone(golden.snapshot, { name: 'vdistop-1', role: 'desktop' });
    await driver.powerOn(vm);
    const waiting = driver.waitUntilReady(vm);
    const settled = waiting.then(() => 'ready', (error: unknown) => error);
    await sleep(1500);
    // What the progress line shows meanwhile: one desktop waiting, for about the time slept, of its limit.
    const waits = driver.waiting();
    expect(waits).toMatchObject({ waitingForReady: 1, readyTimeoutS: 1800 });
    expect(waits.oldestWaitS).toBeGreaterThan(1);
    const abortedAt = Date.now();
    interruption.abort();
    const outcome = await settled;
    expect(driver.waiting().waitingForReady).toBe(0);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(outcome).toBeInstanceOf(OperationError);
    expect((outcome as Error).message).toMatch(/vdistop-1: the run is stopping/);
    await driver.destroy(vm);
    await driver.close();
    expect(await vms(sim, 'vdistop-')).toEqual([]);
  });
});

describe('vCenter URLs that would leak the password', () => {
  const secret = 'Leak-Me-Not-42';
  it.each([
    ['credentials in the URL', `https://admin:${secret}@vcenter.example.com`, /^bench: the vCenter URL carries credentials: put them in VSPHERE_USER \/ VSPHERE_PASSWORD/m],
    ['credentials in a malformed URL', `https://admin:${secret}@[vcenter`, /^bench: vCenter URL "https:\/\/\*\*\*@\[vcenter" is not a URL/m],
    ['plain http', 'http://vcenter.example.com', /^bench: vCenter URL "http:\/\/vcenter\.example\.com": TLS is required \(the password would travel in clear over http\); use https:\/\//m],
  ])('%s is refused (exit 2) without repeating the credentials', async (_what, url, message) => {
    const result = await benchAsync(['run', 'composer-only', '--driver', 'vsphere', '--golden-image', 'g', '--out', tempDir()],
      { env: { VSPHERE_URL: url, VSPHERE_USER: 'admin', VSPHERE_PASSWORD: 'x' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr + result.stdout).not.toContain(secret);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(skipVcsim)('Ctrl-C on a real vCenter run', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim();
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('Ctrl-C while desktops wait for VMware Tools (which the simulator never runs) ends the run within seconds, torn down and aborted', async () => {
    const out = tempDir();
    // --ready-when tools: every desktop waits for Tools up to readyTimeoutS (1,800 s by default).
    const flags = sim.flags.map((flag) => (flag === 'powered-on' ? 'tools' : flag));
    const run = spawnRun(['run', 'composer-only', '--desktops', '4', '--json', '-q', ...flags], out, sim.env);
    // Wait until the desktops are cloned and powered on: they then wait for Tools (QuickPrep's guest step needs them).
    const cloned = () => run.events().split('\n').filter((line) => line.includes(',cloned,')).length;
    await waitUntil(() => cloned() >= 4, 60_000);
    expect(cloned(), run.stderr()).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { status, exitMs } = await run.interrupt();
    expect(exitMs, run.stderr()).toBeLessThan(15_000);
    expect(status, run.stderr()).toBe(1);
    const [folder] = readdirSync(out);
    const record = JSON.parse(readFileSync(path.join(out, folder!, 'run.json'), 'utf8')) as { status: string };
    expect(record.status).toBe('aborted');
    expect(await vms(sim, 'vdibench-')).toEqual([]);
  }, 120_000);
});
