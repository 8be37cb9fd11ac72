/**
 * Batched property reads (issue 16, "connection economy"), counted against govmomi's
 * vCenter simulator: the desktops waiting to be ready are read with ONE RetrievePropertiesEx
 * per poll, whatever their number (one timer for all of them, one call for all their
 * reads), and one-off reads of VMs asked for together (the host after a clone, the power
 * state before a destroy, readiness) go in one call. A VM that no longer exists fails only
 * its own read. Counted on the simulator's side (test/vcsim/observe.go, GET /vdibench/stats)
 * and by the client (VimClient.callCounts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationError, type VmRef } from '../../../src/drivers/types.js';
import { VmOperations } from '../../../src/drivers/vsphere/primitives.js';
import { VsphereDriver } from '../../../src/drivers/vsphere/vsphere-driver.js';
import { VimClient } from '../../../src/drivers/vsphere/vim25/client.js';
import { VimFault } from '../../../src/drivers/vsphere/vim25/errors.js';
import { listObjects } from '../../../src/drivers/vsphere/vim25/properties.js';
import { MoRef } from '../../../src/drivers/vsphere/vim25/xml.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DESKTOPS = 40;

describe.skipIf(skipVcsim)('batched property reads (govmomi simulator)', () => {
  let sim: Vcsim;
  let driver: VsphereDriver;
  let vms: VmRef[] = [];

  beforeAll(async () => {
    sim = await startVcsim();
    driver = new VsphereDriver({
      url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile, goldenImage: 'golden-win10', snapshot: 'base',
      readyWhen: 'powered-on', readyTimeoutS: 600,
    }, { runId: 'batching', needsInstantClone: false });
    await driver.open();
    const golden = await driver.goldenImage();
    // Cloned together: the host reads after the clones are batched too.
    vms = await Promise.all(Array.from({ length: DESKTOPS }, (_, index) => driver.linkedClone(golden.snapshot, { name: `vdibatch-${index + 1}`, role: 'desktop' })));
  }, 300_000);
  afterAll(async () => {
    await driver?.close();
    await sim?.stop();
  });

  // The simulator puts a clone on its source's host, so this checks the host's name, not which
  // VM's result went to which clone: the power states below (half on, half off) check that.
  it('clones made together name the host the simulator placed each on', async () => {
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    try {
      const hostNames = new Map((await listObjects(client, 'HostSystem', ['name'])).map((host) => [host.obj.value, host.props.name]));
      const placed = new Map((await listObjects(client, 'VirtualMachine', ['name', 'runtime.host'])).map((vm) => [vm.props.name, hostNames.get(vm.props['runtime.host']?.value ?? '')]));
      expect(vms.map((vm) => vm.host)).toEqual(vms.map((vm) => placed.get(vm.name)));
      expect(vms.every((vm) => /^DC0_C0_H\d$/.test(vm.host))).toBe(true);
    } finally {
      await client.logout();
    }
  });

  it(`${DESKTOPS} desktops waiting to be ready cost one RetrievePropertiesEx per poll, not ${DESKTOPS}; those powered on are ready at the next poll; Ctrl-C ends the rest at once`, async () => {
    // Powered off, the desktops never become ready (readyWhen: powered-on). The waits start
    // spread over a second: without a timer common to all, each desktop would poll at its own moment.
    const outcomes = new Map<string, Promise<unknown>>();
    for (const vm of vms) {
      outcomes.set(vm.name, driver.waitUntilReady(vm).then(() => 'ready', (error: unknown) => error));
      await sleep(1000 / DESKTOPS);
    }
    expect(driver.waiting().waitingForReady).toBe(DESKTOPS);
    await sleep(1500);
    await sim.stats(true);
    await sleep(4000);
    const { calls } = await sim.stats(true);
    // Four polls (one a second), give or take one for timing on a loaded machine; unbatched: ~160.
    expect(calls.RetrievePropertiesEx ?? 0, JSON.stringify(calls)).toBeGreaterThanOrEqual(3);
    expect(calls.RetrievePropertiesEx ?? 0, JSON.stringify(calls)).toBeLessThanOrEqual(5);
    expect(driver.waiting().waitingForReady).toBe(DESKTOPS);

    // Half of them powered on: ready at the next poll (one call reads all of them and the rest).
    const half = vms.slice(0, DESKTOPS / 2);
    await Promise.all(half.map((vm) => driver.powerOn(vm)));
    const readyAt = Date.now();
    expect(await Promise.all(half.map((vm) => outcomes.get(vm.name)))).toEqual(half.map(() => 'ready'));
    expect(Date.now() - readyAt).toBeLessThan(2500);
    expect(driver.waiting().waitingForReady).toBe(DESKTOPS / 2);

    // Ctrl-C: every remaining wait fails within a second, saying why.
    const stoppedAt = Date.now();
    driver.cancelWaits();
    const rest = await Promise.all(vms.slice(DESKTOPS / 2).map((vm) => outcomes.get(vm.name)));
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(driver.waiting().waitingForReady).toBe(0);
    for (const [index, outcome] of rest.entries()) {
      expect(outcome).toBeInstanceOf(OperationError);
      expect((outcome as Error).message).toBe(`vdibatch-${DESKTOPS / 2 + index + 1}: the run is stopping; no longer waiting for it to be ready`);
    }
  }, 60_000);

  it('one-off reads asked for together go in one call; a VM that no longer exists fails only its own read', async () => {
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    try {
      const ops = new VmOperations(client);
      const refs = vms.map((vm) => new MoRef('VirtualMachine', vm.id));
      const gone = new MoRef('VirtualMachine', 'vm-does-not-exist');
      const before = client.callCounts.RetrievePropertiesEx ?? 0;
      const [hosts, powers, readiness, goneHost, gonePower, goneReadiness] = await Promise.all([
        Promise.all(refs.map((ref) => ops.hostOf(ref))),
        Promise.all(refs.map((ref) => ops.powerState(ref))),
        Promise.all(refs.map((ref) => ops.readiness(ref))),
        ops.hostOf(gone).catch((error: unknown) => error),
        ops.powerState(gone),
        ops.readiness(gone).catch((error: unknown) => error),
      ]);
      expect((client.callCounts.RetrievePropertiesEx ?? 0) - before).toBe(1);

      const listed = new Map((await listObjects(client, 'VirtualMachine', ['runtime.host', 'runtime.powerState'])).map((vm) => [vm.obj.value, vm.props]));
      expect(hosts).toEqual(vms.map((vm) => listed.get(vm.id)?.['runtime.host']?.value));
      expect(powers).toEqual(vms.map((vm) => ({ powerState: listed.get(vm.id)?.['runtime.powerState'] })));
      expect(powers.filter((power) => power?.powerState === 'poweredOn')).toHaveLength(DESKTOPS / 2);
      expect(readiness.filter((ready) => ready.poweredOn)).toHaveLength(DESKTOPS / 2);
      // The missing VM: no power state (destroy takes it as gone), and the fault a read of it alone gives.
      expect(gonePower).toBeUndefined();
      for (const error of [goneHost, goneReadiness]) {
        expect(error).toBeInstanceOf(VimFault);
        expect(error).toMatchObject({ faultType: 'ManagedObjectNotFound' });
      }
    } finally {
      await client.logout();
    }
  });

  it('destroying them together (their power states read together) leaves none; destroying a VM already gone is done', async () => {
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    try {
      await Promise.all(vms.map((vm) => driver.destroy(vm)));
      const left = (await listObjects(client, 'VirtualMachine', ['name'])).filter((vm) => (vm.props.name ?? '').startsWith('vdibatch-'));
      expect(left).toEqual([]);
      // Destroying a VM already gone is done (its power state reads as absent).
      await expect(driver.destroy(vms[0]!)).resolves.toBeUndefined();
    } finally {
      await client.logout();
    }
  });
});
