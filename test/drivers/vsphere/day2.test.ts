/**
 * The vsphere driver's primitives for day-2 operations (issue 14) against govmomi's
 * vCenter simulator: powerOff (PowerOffVM_Task), revert (RevertToSnapshot_Task with
 * suppressPowerOn) and patchedImage (the golden image's snapshot named by
 * vsphere.patchSnapshot / --patch-snapshot).
 *
 * The simulator (govmomi 0.24) is EXTENDED for revert in test/vcsim/main.go: its own
 * RevertToSnapshot_Task only makes the snapshot current; vSphere also leaves the VM in the
 * snapshot's power state, powered off for a snapshot taken without memory (vdibench's), and
 * main.go's revertPowersOff does that through the simulator's own PowerOffVM_Task. The
 * snapshot tree (currentSnapshot) is the simulator's own doing.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunError } from '../../../src/contract/errors.js';
import { OperationError } from '../../../src/drivers/types.js';
import type { VsphereSettings } from '../../../src/drivers/vsphere/settings.js';
import { VsphereDriver } from '../../../src/drivers/vsphere/vsphere-driver.js';
import { VimClient } from '../../../src/drivers/vsphere/vim25/client.js';
import { createSnapshotTask } from '../../../src/drivers/vsphere/vim25/methods.js';
import { listObjects, retrieveProperties } from '../../../src/drivers/vsphere/vim25/properties.js';
import { TaskWatcher } from '../../../src/drivers/vsphere/vim25/tasks.js';
import { MoRef } from '../../../src/drivers/vsphere/vim25/xml.js';
import { benchAsync, tempDir } from '../../helpers/cli.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

describe.skipIf(skipVcsim)('day-2 primitives of the vsphere driver (govmomi simulator)', () => {
  let sim: Vcsim;
  let client: VimClient;
  /** The golden image's second snapshot, taken in setup: the patched image. */
  let patchSnapshot: MoRef;
  const drivers: VsphereDriver[] = [];

  const settings = (extra: Partial<VsphereSettings> = {}): VsphereSettings => ({
    url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile, goldenImage: 'golden-win10', snapshot: 'base',
    readyWhen: 'powered-on', readyTimeoutS: 60, ...extra,
  });
  const driverWith = (extra: Partial<VsphereSettings> = {}) => {
    const driver = new VsphereDriver(settings(extra), { runId: 'day2', needsInstantClone: false });
    drivers.push(driver);
    return driver;
  };
  const vmState = async (id: string) => {
    const [vm] = await retrieveProperties(client, 'VirtualMachine', [new MoRef('VirtualMachine', id)], ['runtime.powerState', 'snapshot']);
    return { power: vm?.props['runtime.powerState'], current: vm?.props.snapshot?.currentSnapshot?.value };
  };

  beforeAll(async () => {
    sim = await startVcsim();
    client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    // As main.go made "base": a snapshot of the golden image, through our own client (a child of base).
    const golden = (await listObjects(client, 'VirtualMachine', ['name'])).find((vm) => vm.props.name === 'golden-win10')!.obj;
    const created = await new TaskWatcher(client).wait(await createSnapshotTask(client, golden, { name: 'patch-2024-06', description: 'patched', memory: false, quiesce: false }));
    patchSnapshot = created as MoRef;
  }, 300_000);
  afterAll(async () => {
    for (const driver of drivers) await driver.close();
    await client?.logout();
    await sim?.stop();
  });

  it('revert: a running linked clone goes back to its snapshot (RevertToSnapshot_Task, suppressPowerOn) and is off; powerOff: PowerOffVM_Task, and a VM already off counts as off', async () => {
    const driver = driverWith();
    await driver.open();
    const golden = await driver.goldenImage();
    const vm = await driver.linkedClone(golden.snapshot, { name: 'vdiday2-1', role: 'desktop' });
    const quickprep = await driver.snapshot(vm, 'quickprep');
    await driver.powerOn(vm);
    // A later snapshot becomes the current one, so going back to `quickprep` shows in the tree.
    const later = await driver.snapshot(vm, 'later');
    expect(await vmState(vm.id)).toEqual({ power: 'poweredOn', current: later.id });

    const invoke = vi.spyOn(VimClient.prototype, 'invoke');
    let requests: unknown[][];
    await sim.stats(true);
    try {
      await driver.revert(quickprep);
    } finally {
      requests = [...invoke.mock.calls];
      invoke.mockRestore();
    }
    expect((await sim.stats()).calls.RevertToSnapshot_Task).toBe(1);
    // The request: on the snapshot, never powering the VM on.
    expect(requests.filter(([method]) => method === 'RevertToSnapshot_Task'))
      .toEqual([['RevertToSnapshot_Task', { _this: new MoRef('VirtualMachineSnapshot', quickprep.id), suppressPowerOn: true }]]);
    expect(await vmState(vm.id)).toEqual({ power: 'poweredOff', current: quickprep.id });

    // The refresh goes on: power on, ready, then a hard power-off.
    await driver.powerOn(vm);
    await driver.waitUntilReady(vm);
    await sim.stats(true);
    await driver.powerOff(vm);
    expect((await sim.stats()).calls.PowerOffVM_Task).toBe(1);
    expect((await vmState(vm.id)).power).toBe('poweredOff');
    // Already off (a retried refresh): vCenter refuses the task (InvalidPowerState), the VM is off: done.
    await expect(driver.powerOff(vm)).resolves.toBeUndefined();
    expect((await vmState(vm.id)).power).toBe('poweredOff');

    await driver.destroy(vm);
    // Gone: powerOff is that desktop's failure, worded as vCenter's fault. (Not revert: govmomi
    // 0.24 keeps a destroyed VM's snapshots and panics reverting one; vCenter deletes them with it.)
    await expect(driver.powerOff(vm)).rejects.toThrow(OperationError);
    await expect(driver.powerOff(vm)).rejects.toThrow(/^vdiday2-1: ManagedObjectNotFound: /);
  });

  it('patchedImage: the golden image\'s snapshot named by patchSnapshot (found below the deployed one), no warning; a clone from it works', async () => {
    const driver = driverWith({ patchSnapshot: 'patch-2024-06' });
    const inventory = await driver.open();
    expect(inventory.details).toMatchObject({ snapshot: 'base', patchSnapshot: 'patch-2024-06' });
    const golden = await driver.goldenImage();
    const patched = await driver.patchedImage();
    expect(patched.snapshot).toEqual({ id: patchSnapshot.value, vm: golden.vm, name: 'patch-2024-06' });
    expect(patched.vm).toEqual(golden.vm);
    expect(patched.snapshot.id).not.toBe(golden.snapshot.id);
    expect(driver.takeWarnings('recompose')).toEqual([]);
    const replica = await driver.fullClone(patched.snapshot, { name: 'vdiday2-replica-2', role: 'replica' });
    await driver.destroy(replica);
  });

  it('an unknown patchSnapshot is a one-line RunError at open(), and bench stops before creating anything (exit 1)', async () => {
    const driver = driverWith({ patchSnapshot: 'no-such-patch' });
    const error = await driver.open().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunError);
    expect((error as Error).message).toBe('golden image "golden-win10" has no snapshot "no-such-patch" (vsphere.patchSnapshot)');

    const out = path.join(tempDir(), 'runs');
    const result = await benchAsync(['run', 'composer-only', '--desktops', '2', '--out', out, ...sim.flags, '--patch-snapshot', 'no-such-patch'], { env: sim.env });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^bench: golden image "golden-win10" has no snapshot "no-such-patch" \(vsphere\.patchSnapshot\)$/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('without a patch snapshot, patchedImage is the deployed snapshot and the arm gets exactly one patch-same-image warning', async () => {
    const driver = driverWith();
    const inventory = await driver.open();
    expect(inventory.details).toMatchObject({ patchSnapshot: 'none' });
    expect(driver.takeWarnings('deploy')).toEqual([]);
    const golden = await driver.goldenImage();
    expect(await driver.patchedImage()).toEqual(golden);
    expect(await driver.patchedImage()).toEqual(golden);
    const warnings = driver.takeWarnings('recompose');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'patch-same-image', arm: 'recompose' });
    expect(warnings[0]!.message).toMatch(/no patch snapshot is configured \(vsphere\.patchSnapshot, --patch-snapshot\)/);
    expect(driver.takeWarnings('recompose')).toEqual([]);
  });
});
