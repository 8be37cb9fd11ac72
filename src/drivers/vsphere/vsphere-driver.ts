/**
 * The `vsphere` driver: the strategies' primitives on a real vCenter. It composes the
 * parts, each in its file: discovery and prechecks (inventory.ts), the vSphere calls
 * behind each primitive (primitives.ts), host samples (sampler.ts), over the vim25 client
 * (vim25/), whose errors errors.ts translates. Every VM it creates carries the run's name
 * prefix and the run id in its extraConfig and annotation (mark.ts, docs/VSPHERE.md).
 *
 * Stopping: once the run is interrupted (the signal given to open(), or cancelWaits()),
 * every wait of the driver's own ends within a second: a desktop waiting to be ready fails
 * ("the run is stopping"), a vCenter call waiting to retry gives up. Calls still go out, so
 * teardown works; a task already started is still followed to its end, as its result is
 * the reference of a VM teardown must destroy.
 */
import type { Inventory } from '../../contract/cluster.js';
import type { RunWarning } from '../../contract/summary.js';
import { RealClock } from '../real-clock.js';
import {
  OperationError,
  type CloneOptions,
  type CustomizationKind,
  type HypervisorDriver,
  type ImageRef,
  type SampleListener,
  type SamplerHandle,
  type SnapshotRef,
  type VmRef,
  type WaitState,
} from '../types.js';
import { onVm, translated, vimClient } from './errors.js';
import { discover, type Discovery } from './inventory.js';
import { annotation, markEntries } from './mark.js';
import { VmOperations } from './primitives.js';
import { PerfSampler, startSampling } from './sampler.js';
import type { VsphereSettings } from './settings.js';
import type { VimClient } from './vim25/client.js';
import type { CustomizationSpec, VirtualMachineRelocateSpec } from './vim25/types.js';
import { MoRef } from './vim25/xml.js';

interface VsphereRunContext {
  runId: string;
  /** The scenario asks for instant clones (needs API 6.7+). */
  needsInstantClone: boolean;
}

export class VsphereDriver implements HypervisorDriver {
  readonly name = 'vsphere';
  readonly clock = new RealClock();
  private readonly client: VimClient;
  private readonly vms: VmOperations;
  private discovery: Discovery | undefined;
  private readonly stop = new AbortController();
  /** A patch ran without vsphere.patchSnapshot: the deployed snapshot was used again (warned once). */
  private patchFallback = false;
  private patchFallbackWarned = false;

  constructor(private readonly settings: VsphereSettings, private readonly run: VsphereRunContext) {
    this.client = vimClient({ ...settings, stopSignal: this.stop.signal });
    this.vms = new VmOperations(this.client);
  }

  /** @param signal aborted on Ctrl-C / SIGTERM: the driver's waits end (cancelWaits()). */
  async open(signal?: AbortSignal): Promise<Inventory> {
    if (signal) {
      if (signal.aborted) this.cancelWaits();
      else signal.addEventListener('abort', () => this.cancelWaits(), { once: true });
    }
    this.discovery = await translated(async () => {
      await this.client.connect();
      return discover(this.client, this.settings, this.run.needsInstantClone);
    });
    return this.discovery.inventory;
  }

  async goldenImage(): Promise<ImageRef> {
    return this.opened().golden;
  }

  async patchedImage(): Promise<ImageRef> {
    const { golden, patched } = this.opened();
    if (patched) return patched;
    this.patchFallback = true;
    return golden;
  }

  fullClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    return this.clone(source, options, 'moveAllDiskBackingsAndDisallowSharing');
  }

  linkedClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    return this.clone(source, options, 'createNewChildDiskBacking');
  }

  async instantClone(parent: VmRef, options: CloneOptions): Promise<VmRef> {
    const { placement } = this.opened();
    const ref = await onVm(options.name, () => this.vms.instantClone(vmRef(parent), options.name, { folder: placement.folder, datastore: placement.datastore }, markEntries(this.run.runId, options.role)));
    return { id: ref.value, name: options.name, host: parent.host, role: options.role };
  }

  async snapshot(vm: VmRef, name: string): Promise<SnapshotRef> {
    const ref = await onVm(vm.name, () => this.vms.snapshot(vmRef(vm), name, `vdibench ${this.run.runId}`));
    return { id: ref.value, vm, name };
  }

  /** The View Storage Accelerator digest is Horizon's own operation: the vSphere API has no call for it. */
  async digest(): Promise<'not-supported'> {
    return 'not-supported';
  }

  async powerOn(vm: VmRef): Promise<void> {
    await onVm(vm.name, () => this.vms.powerOn(vmRef(vm)));
  }

  /** PowerOffVM_Task; a VM already off counts as powered off (as on `sim`). */
  async powerOff(vm: VmRef): Promise<void> {
    await onVm(vm.name, () => this.vms.powerOffUnlessOff(vmRef(vm)));
  }

  async revert(snapshot: SnapshotRef): Promise<void> {
    await onVm(snapshot.vm.name, () => this.vms.revert(new MoRef('VirtualMachineSnapshot', snapshot.id)));
  }

  /**
   * Without Horizon's agents there is no QuickPrep or ClonePrep to run. QuickPrep's part is
   * waiting for the guest and shutting it down (as QuickPrep ends), then, when a
   * customization spec is configured, CustomizeVM_Task (the VM must be off; the spec
   * applies at the next boot), so the snapshot and final power-on follow as in Horizon.
   * ClonePrep has nothing to do: an instant clone is running, and CustomizeVM_Task needs it off.
   */
  async customize(vm: VmRef, kind: CustomizationKind): Promise<void> {
    if (kind === 'cloneprep') return;
    await this.waitUntilReady(vm);
    await this.powerOff(vm);
    const spec: CustomizationSpec | undefined = this.opened().customizationSpec;
    if (spec) await onVm(vm.name, () => this.vms.customize(vmRef(vm), spec));
  }

  async prepareParent(vm: VmRef): Promise<void> {
    await this.waitUntilReady(vm);
  }

  /** Desktops waiting to be ready, by name: when each wait began (ms). */
  private readonly readyWaits = new Map<string, number>();

  takeWarnings(arm: string): RunWarning[] {
    if (!this.patchFallback || this.patchFallbackWarned) return [];
    this.patchFallbackWarned = true;
    return [{ code: 'patch-same-image', arm, message: 'no patch snapshot is configured (vsphere.patchSnapshot, --patch-snapshot): the patch moved the pool to the snapshot it was deployed from; the work and its timings are a real patch\'s, the image is not new' }];
  }

  waiting(): WaitState {
    const now = Date.now();
    let oldestMs = now;
    for (const startedMs of this.readyWaits.values()) oldestMs = Math.min(oldestMs, startedMs);
    return { waitingForReady: this.readyWaits.size, tasksInFlight: this.vms.tasksInFlight, oldestWaitS: (now - oldestMs) / 1000, readyTimeoutS: this.settings.readyTimeoutS };
  }

  async waitUntilReady(vm: VmRef): Promise<void> {
    this.readyWaits.set(vm.name, Date.now());
    try {
      await this.pollUntilReady(vm);
    } finally {
      this.readyWaits.delete(vm.name);
    }
  }

  private async pollUntilReady(vm: VmRef): Promise<void> {
    const deadline = Date.now() + this.settings.readyTimeoutS * 1000;
    for (;;) {
      this.throwIfStopping(vm);
      const { poweredOn, toolsRunning } = await onVm(vm.name, () => this.vms.readiness(vmRef(vm)));
      if (poweredOn && (this.settings.readyWhen === 'powered-on' || toolsRunning)) return;
      if (Date.now() > deadline) throw new OperationError(`${vm.name}: not ready after ${this.settings.readyTimeoutS} s (powered on: ${poweredOn}, VMware Tools running: ${toolsRunning})`, vm.name);
      await this.nextPoll();
    }
  }

  /** The next poll, common to every desktop waiting to be ready. */
  private poll: Promise<void> | undefined;

  /**
   * Resolves at the next poll (at most READY_POLL_MS from now), or at once when the run is
   * stopping. One timer for all the desktops waiting: they read together at each poll, and
   * their reads go in one RetrievePropertiesEx (primitives.ts), whatever their number.
   */
  private nextPoll(): Promise<void> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve();
    this.poll ??= new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.poll = undefined;
        resolve();
      };
      const timer = setTimeout(done, READY_POLL_MS);
      signal.addEventListener('abort', done, { once: true });
    });
    return this.poll;
  }

  /**
   * End the driver's waits: the run is stopping (Ctrl-C, SIGTERM). Waits for readiness
   * fail at once and vCenter calls are no longer retried; calls (teardown's) still go out.
   */
  cancelWaits(): void {
    this.stop.abort();
  }

  private throwIfStopping(vm: VmRef): void {
    if (this.stop.signal.aborted) throw new OperationError(`${vm.name}: the run is stopping; no longer waiting for it to be ready`, vm.name);
  }

  async destroy(vm: VmRef): Promise<void> {
    await onVm(vm.name, async () => {
      const current = await this.vms.powerState(vmRef(vm));
      if (!current) return; // already gone
      await this.vms.destroy(vmRef(vm), current.powerState);
    });
  }

  startSampling(_intervalS: number, listener: SampleListener): SamplerHandle {
    const { placement, inventory } = this.opened();
    const hosts = [...placement.hosts.entries()].map(([name, ref]) => ({ name, ref }));
    const capacities = new Map(inventory.hosts.map((host) => [host.name, host.cpuMhz]));
    return startSampling(new PerfSampler(this.client, hosts, capacities), listener);
  }

  async close(): Promise<void> {
    await this.client.logout();
  }

  private async clone(source: SnapshotRef, options: CloneOptions, diskMoveType: VirtualMachineRelocateSpec['diskMoveType']): Promise<VmRef> {
    const { placement } = this.opened();
    const host = options.host ? placement.hosts.get(options.host) : undefined;
    return onVm(options.name, async () => {
      const ref = await this.vms.clone(vmRef(source.vm), placement.folder, options.name, {
        location: { datastore: placement.datastore, diskMoveType, pool: placement.pool, host },
        template: false,
        config: { annotation: annotation(this.run.runId, options.role), extraConfig: markEntries(this.run.runId, options.role) },
        powerOn: false,
        snapshot: new MoRef('VirtualMachineSnapshot', source.id),
      });
      const hostRef = await this.vms.hostOf(ref);
      const hostName = (hostRef !== undefined ? placement.hostNames.get(hostRef) : undefined) ?? options.host ?? '';
      return { id: ref.value, name: options.name, host: hostName, role: options.role };
    });
  }

  private opened(): Discovery {
    if (!this.discovery) throw new Error('vsphere: open() first');
    return this.discovery;
  }
}

const READY_POLL_MS = 1000;

function vmRef(vm: VmRef): MoRef {
  return new MoRef('VirtualMachine', vm.id);
}
