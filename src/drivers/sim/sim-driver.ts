/**
 * The `sim` driver: a calibrated model of a vSphere cluster running Horizon provisioning,
 * on a virtual clock. Every primitive is an activity on the shared-resource model with
 * costs from the scenario's `cluster:` and `image:` parameters (docs/SIMULATOR.md).
 */
import type { Inventory } from '../../contract/cluster.js';
import type { RunWarning } from '../../contract/summary.js';
import type { FaultSettings } from './faults.js';
import { INSTANT_CLONE_POOL_MAX_DESKTOPS, type ClusterParameters, type ImageParameters } from './parameters.js';
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
  type VmRole,
} from '../types.js';
import { hashString, SeededRandom } from '../../contract/random.js';
import { ResourceModel, type Demand } from './resources.js';
import { VirtualClock, type TimerHandle } from './virtual-clock.js';

export interface SimDriverOptions {
  cluster: ClusterParameters;
  image: ImageParameters;
  seed: number;
  /** Virtual time starts here (ms since the epoch). */
  startMs: number;
  timeScale?: number;
  /** Injected faults; times are seconds since the driver opened. */
  faults?: FaultSettings;
}

type GuestState = 'off' | 'booting' | 'running';

interface SimVm extends VmRef {
  guest: GuestState;
  /** Resolves when the current boot finishes. */
  booted: Promise<void>;
  /** Counts toward the host's steady load while running. */
  steady: boolean;
  /** Instant-clone parents serialize part of every fork. */
  forkQueue: Promise<void>;
  /** Memory (MB) this VM holds on its host while powered on; 0 when off. */
  memoryHeldMB: number;
  /** A linked-clone desktop before QuickPrep: its first boot ends in a shutdown that frees memory. */
  awaitsQuickprep: boolean;
  /** Counted in its host's pendingShutdowns. */
  pendingShutdown: boolean;
}

/** A FIFO counting semaphore on the virtual clock (promise-based, like p-limit). */
class Slots {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.inUse >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inUse++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inUse--;
    }
  }
}

interface HostMemory {
  usedMB: number;
  /** Running VMs that will shut down on their own (linked clones in their QuickPrep boot). */
  pendingShutdowns: number;
  /** Power-ons waiting for memory, first come first served. */
  waiting: { neededMB: number; admit: () => void; refuse: () => void }[];
}

/** What the driver saw during the current arm, for takeWarnings(). */
interface ArmObservations {
  startMs: number;
  /** Desktops created (each name once, however many attempts it took). */
  desktopNames: Set<string>;
  instantClones: Set<string>;
  memoryWaits: number;
  memoryWaitS: number;
  memoryRefusals: number;
  peakDesktopsRunningPerHost: number;
}

const MB_PER_GB = 1024;
const KB_PER_MB = 1024;
/**
 * An operation's time varies by the jitter spread when it is this short or shorter; a longer
 * one is many small I/Os whose variations average out, so its spread shrinks as
 * sqrt(JITTER_REFERENCE_S / duration).
 */
const JITTER_REFERENCE_S = 10;
/** Saturation shorter than this (a blip between two samples) is not worth a warning. */
const SATURATION_WARNING_MIN_S = 10;

const count = (value: number) => Math.round(value).toLocaleString('en-US');

export class SimDriver implements HypervisorDriver {
  readonly name = 'sim';
  readonly clock: VirtualClock;
  private readonly resources: ResourceModel;
  /** One random stream per VM name: a VM's timings do not depend on what else ran before it. */
  private readonly randomByVm = new Map<string, SeededRandom>();
  private readonly hostNames: string[];
  private readonly vms = new Map<string, SimVm>();
  private nextId = 1;
  private placement = 0;
  private golden: ImageRef | undefined;
  private patched: ImageRef | undefined;
  private readonly downHosts = new Set<string>();
  /** Draws whether a clone attempt fails (its own stream, so faults do not shift timings). */
  private readonly faultRandom: SeededRandom;
  /** vCenter hands out task starts at `vcenterOpsPerS`: the next free start time. */
  private vcenterNextStartMs: number;
  /** vCenter's per-host provisioning limit. */
  private readonly provisioningByHost = new Map<string, Slots>();
  private readonly memoryByHost = new Map<string, HostMemory>();
  private readonly desktopsRunningByHost = new Map<string, number>();
  private armObservations: ArmObservations;

  constructor(private readonly options: SimDriverOptions) {
    const { cluster } = options;
    this.clock = new VirtualClock(options.startMs, options.timeScale ?? 0);
    this.hostNames = Array.from({ length: cluster.hosts }, (_, index) => `esx-${String(index + 1).padStart(2, '0')}.sim.local`);
    this.faultRandom = new SeededRandom((options.seed ^ 0x5eed_fa17) >>> 0);
    this.vcenterNextStartMs = options.startMs;
    for (const name of this.hostNames) {
      this.provisioningByHost.set(name, new Slots(cluster.hostProvisioningOps));
      this.memoryByHost.set(name, { usedMB: 0, pendingShutdowns: 0, waiting: [] });
      this.desktopsRunningByHost.set(name, 0);
    }
    this.armObservations = this.freshObservations();
    this.resources = new ResourceModel(this.clock, {
      hosts: this.hostNames.map((name) => ({ name, cpuMhz: cluster.coresPerHost * cluster.coreMhz })),
      storageIops: this.storageCapacityIops(),
      storageCpuMhzPerKiops: cluster.storageCpuMhzPerKiops,
      hostBaseCpuPct: cluster.hostBaseCpuPct,
      hostBaseIops: cluster.hostBaseIops,
    });
  }

  async open(): Promise<Inventory> {
    const { cluster, image } = this.options;
    this.scheduleFaults();
    return {
      endpoint: 'simulated',
      cluster: 'sim-cluster',
      datastores: Array.from({ length: cluster.datastores }, (_, index) => `sim-datastore-${index + 1}`),
      hosts: this.hostNames.map((name) => ({ name, cpuMhz: cluster.coresPerHost * cluster.coreMhz })),
      details: {
        model: 'calibrated Horizon 7.0 cluster model (docs/SIMULATOR.md)',
        storageIops: this.storageCapacityIops(),
        hyperConverged: cluster.hyperConverged,
        hostMemoryGB: cluster.hostMemoryGB,
        vaai: cluster.vaai,
        imageUsedGB: image.usedGB,
        seed: this.options.seed,
      },
    };
  }

  async goldenImage(): Promise<ImageRef> {
    if (!this.golden) {
      const vm = this.register('golden-image', 'template', this.hostNames[0]!);
      this.golden = { vm, snapshot: { id: `${vm.id}-snap`, vm, name: 'golden' } };
    }
    return this.golden;
  }

  /** The golden image's second snapshot: the same VM, patched (same size: a replica copies all of it). */
  async patchedImage(): Promise<ImageRef> {
    if (!this.patched) {
      const { vm } = await this.goldenImage();
      this.patched = { vm, snapshot: { id: `${vm.id}-snap-patch`, vm, name: 'patched' } };
    }
    return this.patched;
  }

  async fullClone(_source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    const { cluster, image } = this.options;
    const host = this.place(options.host);
    const offload = Boolean(options.allowOffload) && cluster.vaai;
    const rateMBps = offload ? cluster.offloadCopyMBps : cluster.hostCopyMBps;
    const copyIops = (2 * rateMBps * KB_PER_MB) / cluster.copyIoKB;
    const demand: Demand = { host, iops: offload ? 0 : copyIops, offloadedIops: offload ? copyIops : 0, readShare: 0.5, cpuMhz: offload ? cluster.offloadCopyCpuMhz : cluster.hostCopyCpuMhz };
    // Horizon keeps one replica per datastore the pool uses; the copies run side by side.
    const copies = options.role === 'replica' ? cluster.datastores : 1;
    await Promise.all(Array.from({ length: copies }, (_, index) => this.provisioning(host, () => this.vcenterTask(() =>
      this.work(index === 0 ? options.name : `${options.name}@ds${index + 1}`, demand, (image.usedGB * MB_PER_GB) / rateMBps)))));
    return this.register(options.name, options.role, host);
  }

  async linkedClone(_source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    const { cluster } = this.options;
    const host = this.place(options.host);
    await this.provisioning(host, () => this.vcenterTask(() =>
      this.work(options.name, { host, iops: cluster.linkedCloneIops, offloadedIops: 0, readShare: 0.2, cpuMhz: cluster.linkedCloneCpuMhz }, cluster.linkedCloneS)));
    if (options.role === 'desktop') this.maybeFailClone(options.name);
    const vm = this.register(options.name, options.role, host);
    if (options.role === 'desktop') {
      vm.awaitsQuickprep = true;
      this.armObservations.desktopNames.add(options.name);
    }
    return vm;
  }

  async instantClone(parentRef: VmRef, options: CloneOptions): Promise<VmRef> {
    const { cluster } = this.options;
    const parent = this.vm(parentRef);
    this.checkHostUp(parent.host, `fork from ${parent.name}`, options.name);
    if (parent.guest !== 'running') throw new OperationError(`instant clone from ${parent.name}: the parent is not running`, options.name);
    const forkDemand: Demand = { host: parent.host, iops: cluster.forkIops, offloadedIops: 0, readShare: 0.3, cpuMhz: cluster.forkCpuMhz };
    // A fork starts a running VM: it needs its memory on the parent's host first.
    const memoryMB = await this.admitMemory(parent.host, options.name);
    try {
      await this.provisioning(parent.host, () => this.vcenterTask(async () => {
        // The stun of the parent is serialized: one fork at a time passes through it.
        const turn = parent.forkQueue.then(() => this.work(options.name, forkDemand, cluster.forkSerialS));
        // The next fork waits for this one whether it succeeds or fails.
        parent.forkQueue = turn.catch(() => undefined);
        await turn;
        await this.work(options.name, forkDemand, cluster.forkS);
      }));
      this.maybeFailClone(options.name);
    } catch (error) {
      this.releaseMemory(parent.host, memoryMB);
      throw error;
    }
    const vm = this.register(options.name, options.role, parent.host);
    vm.memoryHeldMB = memoryMB;
    vm.guest = 'running';
    this.setSteady(vm, true);
    this.armObservations.desktopNames.add(options.name);
    this.armObservations.instantClones.add(options.name);
    return vm;
  }

  async snapshot(vmRef: VmRef, name: string): Promise<SnapshotRef> {
    const vm = this.vm(vmRef);
    const { cluster } = this.options;
    await this.vcenterTask(() => this.work(vm.name, { host: vm.host, iops: cluster.snapshotIops, offloadedIops: 0, readShare: 0.2, cpuMhz: cluster.snapshotCpuMhz }, cluster.snapshotS));
    return { id: `${vm.id}-snap-${name}`, vm, name };
  }

  async digest(vmRef: VmRef): Promise<'performed'> {
    const { cluster, image } = this.options;
    const vm = this.vm(vmRef);
    const iops = (cluster.digestMBps * KB_PER_MB) / cluster.digestIoKB;
    const demand: Demand = { host: vm.host, iops, offloadedIops: 0, readShare: 1, cpuMhz: cluster.digestCpuMhz };
    // One digest per replica, so one per datastore; they run side by side.
    await Promise.all(Array.from({ length: cluster.datastores }, (_, index) =>
      this.work(index === 0 ? vm.name : `${vm.name}@ds${index + 1}`, demand, (image.usedGB * MB_PER_GB) / cluster.digestMBps)));
    return 'performed';
  }

  async powerOn(vmRef: VmRef): Promise<void> {
    const { cluster, image } = this.options;
    const vm = this.vm(vmRef);
    this.checkHostUp(vm.host, `power on ${vm.name}`, vm.name);
    const memoryMB = await this.admitMemory(vm.host, vm.name);
    try {
      await this.vcenterTask(() => this.work(vm.name, { host: vm.host, iops: cluster.powerOnIops, offloadedIops: 0, readShare: 0.5, cpuMhz: cluster.powerOnCpuMhz }, cluster.powerOnS));
    } catch (error) {
      this.releaseMemory(vm.host, memoryMB);
      throw error;
    }
    vm.memoryHeldMB = memoryMB;
    if (vm.awaitsQuickprep && !vm.pendingShutdown) {
      vm.pendingShutdown = true;
      this.memoryByHost.get(vm.host)!.pendingShutdowns++;
    }
    vm.guest = 'booting';
    vm.booted = this.work(
      vm.name,
      { host: vm.host, iops: image.bootIops, offloadedIops: 0, readShare: image.bootReadPct / 100, cpuMhz: image.bootCpuMhz },
      image.bootS,
    ).then(() => {
      if (vm.guest === 'booting') {
        vm.guest = 'running';
        this.setSteady(vm, true);
      }
    });
    // Whoever waits for the guest sees a failed boot; nobody waiting is not a crash.
    vm.booted.catch(() => undefined);
  }

  async powerOff(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    if (vm.guest === 'booting') await vm.booted;
    this.checkHostUp(vm.host, `power off ${vm.name}`, vm.name);
    const { cluster } = this.options;
    await this.vcenterTask(() => this.work(vm.name, { host: vm.host, iops: cluster.powerOffIops, offloadedIops: 0, readShare: 0.3, cpuMhz: cluster.powerOffCpuMhz }, cluster.powerOffS));
    vm.guest = 'off';
    this.setSteady(vm, false);
    this.powerDownMemory(vm);
  }

  /**
   * View Composer refresh: the OS disk's delta goes back to the snapshot taken after
   * QuickPrep (a small metadata operation plus deleting the delta, `revertS`). The guest
   * ends off, with no QuickPrep to run: the snapshot was taken after it.
   */
  async revert(snapshot: SnapshotRef): Promise<void> {
    const vm = this.vm(snapshot.vm);
    if (vm.guest !== 'off') await this.powerOff(vm);
    this.checkHostUp(vm.host, `revert ${vm.name}`, vm.name);
    const { cluster } = this.options;
    await this.vcenterTask(() => this.work(vm.name, { host: vm.host, iops: cluster.revertIops, offloadedIops: 0, readShare: 0.2, cpuMhz: cluster.revertCpuMhz }, cluster.revertS));
  }

  async customize(vmRef: VmRef, kind: CustomizationKind): Promise<void> {
    const { image } = this.options;
    const vm = this.vm(vmRef);
    await this.guestRunning(vm);
    if (kind === 'quickprep') {
      await this.work(
        vm.name,
        { host: vm.host, iops: image.quickprepIops, offloadedIops: 0, readShare: image.bootReadPct / 100, cpuMhz: image.bootCpuMhz },
        image.quickprepS,
      );
      // QuickPrep ends by shutting the guest down; Horizon snapshots it and powers it on again.
      vm.awaitsQuickprep = false;
      await this.powerOff(vm);
    } else {
      await this.work(
        vm.name,
        { host: vm.host, iops: image.cloneprepIops, offloadedIops: 0, readShare: image.bootReadPct / 100, cpuMhz: image.cloneprepCpuMhz },
        image.cloneprepS,
      );
    }
  }

  async prepareParent(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    await this.guestRunning(vm);
    const { image } = this.options;
    await this.work(vm.name, { host: vm.host, iops: image.parentPrepIops, offloadedIops: 0, readShare: 0.5, cpuMhz: image.parentPrepCpuMhz }, image.parentPrepS);
  }

  async waitUntilReady(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    await this.guestRunning(vm);
    const { agentReadyS } = this.options.image;
    await this.clock.sleep(agentReadyS * 1000 * this.jitter(vm.name, agentReadyS));
    // The host may have gone down while the agent was registering: that desktop never becomes ready.
    this.checkHostUp(vm.host, `get ${vm.name} ready`, vm.name);
  }

  async destroy(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    if (this.downHosts.has(vm.host)) {
      // Unregistered from the inventory, as vCenter does with VMs of a lost host.
      this.vms.delete(vm.id);
      return;
    }
    if (vm.guest === 'booting') await vm.booted.catch(() => undefined);
    const { cluster } = this.options;
    await this.vcenterTask(() => this.work(vm.name, { host: vm.host, iops: cluster.destroyIops, offloadedIops: 0, readShare: 0.2, cpuMhz: cluster.destroyCpuMhz }, cluster.destroyS));
    this.setSteady(vm, false);
    vm.awaitsQuickprep = false;
    this.powerDownMemory(vm);
    this.vms.delete(vm.id);
  }

  startSampling(intervalS: number, listener: SampleListener): SamplerHandle {
    this.resources.sample(); // start a fresh interval
    let timer: TimerHandle | undefined;
    let lastMs = this.clock.nowMs();
    const tick = () => {
      lastMs = this.clock.nowMs();
      listener(this.resources.sample());
      timer = this.clock.schedule(lastMs + intervalS * 1000, tick);
    };
    timer = this.clock.schedule(lastMs + intervalS * 1000, tick);
    return {
      stop: async () => {
        timer?.cancel();
        // The partial last interval still counts, as vCenter reports it once it closes.
        if (this.clock.nowMs() > lastMs) listener(this.resources.sample());
      },
    };
  }

  async close(): Promise<void> {}

  /** VMs the simulator still holds (the golden image aside). */
  leftovers(): VmRef[] {
    return [...this.vms.values()].filter((vm) => vm.id !== this.golden?.vm.id);
  }

  takeWarnings(arm: string): RunWarning[] {
    const { cluster, image } = this.options;
    const stats = this.resources.takeStats();
    const seen = this.armObservations;
    this.armObservations = this.freshObservations();
    const armS = Math.max(1e-9, (this.clock.nowMs() - seen.startMs) / 1000);
    const share = (seconds: number) => `${Math.round((100 * seconds) / armS)} % of the arm`;
    const warnings: RunWarning[] = [];
    const warn = (code: string, message: string) => warnings.push({ code, message, arm });

    if (stats.storageSaturatedS >= SATURATION_WARNING_MIN_S) {
      const capacityIops = this.storageCapacityIops();
      warn('storage-saturated', `storage demand reached ${count(stats.peakStorageDemandIops)} IOPS against a capacity of ${count(capacityIops)} IOPS `
        + `(${(stats.peakStorageDemandIops / capacityIops).toFixed(1)}x); demand exceeded capacity for ${count(stats.storageSaturatedS)} s (${share(stats.storageSaturatedS)}), and every I/O-bound step stretched accordingly`);
    }
    const cpuSaturatedS = Math.max(0, ...stats.cpuSaturatedSByHost.values());
    if (cpuSaturatedS >= SATURATION_WARNING_MIN_S) {
      const hosts = [...stats.cpuSaturatedSByHost.values()].filter((seconds) => seconds >= SATURATION_WARNING_MIN_S).length;
      warn('cpu-saturated', `host CPU demand reached ${stats.peakCpuDemandRatio.toFixed(1)}x capacity; ${hosts} of ${cluster.hosts} hosts were at 100 % CPU, `
        + `the longest for ${count(cpuSaturatedS)} s (${share(cpuSaturatedS)})`);
    }
    const desktops = seen.desktopNames.size;
    const parentsMB = seen.instantClones.size > 0 ? cluster.hosts * this.vmMemoryMB() : 0;
    const neededMB = desktops * this.vmMemoryMB() + parentsMB;
    const availableMB = cluster.hosts * this.hostMemoryCapacityMB();
    if (seen.memoryWaits > 0 || seen.memoryRefusals > 0 || neededMB > availableMB) {
      warn('memory-short', `${count(desktops)} desktops${parentsMB > 0 ? ` and ${cluster.hosts} parent VMs` : ''} need ${count(neededMB / 1024)} GB of memory `
        + `(${count(this.vmMemoryMB())} MB each) against ${count(availableMB / 1024)} GB available for VMs on ${cluster.hosts} hosts; `
        + `${count(seen.memoryWaits)} power-ons waited for memory (${count(seen.memoryWaitS)} s in all) and ${count(seen.memoryRefusals)} were refused`);
    }
    if (seen.instantClones.size > INSTANT_CLONE_POOL_MAX_DESKTOPS) {
      warn('pool-over-maximum', `${count(seen.instantClones.size)} instant clones in one pool; Horizon 7 supports at most ${count(INSTANT_CLONE_POOL_MAX_DESKTOPS)} desktops per instant-clone pool`);
    }
    const vcpuPerCore = (seen.peakDesktopsRunningPerHost * image.vcpus) / cluster.coresPerHost;
    if (vcpuPerCore > cluster.densityVcpuPerCore) {
      warn('density-high', `up to ${count(seen.peakDesktopsRunningPerHost)} desktops ran on one host: ${vcpuPerCore.toFixed(1)} vCPUs per core, `
        + `above the sizing density of ${cluster.densityVcpuPerCore} (cluster.densityVcpuPerCore); add hosts (cluster.hosts) for a realistic figure`);
    }
    return warnings;
  }

  private freshObservations(): ArmObservations {
    const observations: ArmObservations = {
      startMs: this.clock.nowMs(), desktopNames: new Set(), instantClones: new Set(),
      memoryWaits: 0, memoryWaitS: 0, memoryRefusals: 0, peakDesktopsRunningPerHost: 0,
    };
    for (const running of this.desktopsRunningByHost.values()) {
      observations.peakDesktopsRunningPerHost = Math.max(observations.peakDesktopsRunningPerHost, running);
    }
    return observations;
  }

  /** Storage capacity: per node on hyper-converged storage, fixed on a shared array. */
  private storageCapacityIops(): number {
    const { cluster } = this.options;
    return cluster.hyperConverged ? cluster.storageIopsPerHost * cluster.hosts : cluster.storageIops;
  }

  /** vCenter starts tasks at most `vcenterOpsPerS`; a task arriving while it is busy waits its turn. */
  private async vcenterTask<T>(task: () => Promise<T>): Promise<T> {
    const nowMs = this.clock.nowMs();
    const startMs = Math.max(nowMs, this.vcenterNextStartMs);
    this.vcenterNextStartMs = startMs + 1000 / this.options.cluster.vcenterOpsPerS;
    if (startMs > nowMs) await this.clock.sleep(startMs - nowMs);
    return task();
  }

  /** A provisioning operation holds one of its host's `hostProvisioningOps` slots. */
  private provisioning<T>(host: string, work: () => Promise<T>): Promise<T> {
    return this.provisioningByHost.get(host)!.use(work);
  }

  private vmMemoryMB(): number {
    const { image } = this.options;
    return image.memoryGB * MB_PER_GB + image.memoryOverheadMB;
  }

  private hostMemoryCapacityMB(): number {
    const { cluster } = this.options;
    return Math.max(0, cluster.hostMemoryGB - cluster.hostReservedMemoryGB) * MB_PER_GB * (1 + cluster.memoryOvercommitPct / 100);
  }

  /**
   * Memory for a VM about to run on `host`. Where it is short the power-on waits for memory
   * to be freed (a linked clone's QuickPrep shutdown); where nothing will free any, vCenter
   * refuses it (an operation error: Horizon retries, then counts the desktop failed).
   */
  private async admitMemory(host: string, vmName: string): Promise<number> {
    const neededMB = this.vmMemoryMB();
    const memory = this.memoryByHost.get(host)!;
    if (memory.waiting.length === 0 && memory.usedMB + neededMB <= this.hostMemoryCapacityMB()) {
      memory.usedMB += neededMB;
      return neededMB;
    }
    const refusal = () => {
      this.armObservations.memoryRefusals++;
      const freeMB = Math.max(0, this.hostMemoryCapacityMB() - memory.usedMB);
      return new OperationError(`cannot power on ${vmName}: host ${host} has ${count(freeMB)} MB of memory free, the VM needs ${count(neededMB)} MB`, vmName);
    };
    if (memory.pendingShutdowns === 0) throw refusal();
    this.armObservations.memoryWaits++;
    const sinceMs = this.clock.nowMs();
    await new Promise<void>((resolve, reject) => memory.waiting.push({ neededMB, admit: resolve, refuse: () => reject(refusal()) }));
    this.armObservations.memoryWaitS += (this.clock.nowMs() - sinceMs) / 1000;
    return neededMB;
  }

  private releaseMemory(host: string, memoryMB: number): void {
    const memory = this.memoryByHost.get(host)!;
    memory.usedMB = Math.max(0, memory.usedMB - memoryMB);
    const capacityMB = this.hostMemoryCapacityMB();
    while (memory.waiting.length > 0 && memory.usedMB + memory.waiting[0]!.neededMB <= capacityMB) {
      const next = memory.waiting.shift()!;
      memory.usedMB += next.neededMB;
      next.admit();
    }
    // Nothing left that will free memory: the waiting power-ons would wait forever.
    if (memory.waiting.length > 0 && memory.pendingShutdowns === 0) {
      for (const waiter of memory.waiting.splice(0)) waiter.refuse();
    }
  }

  /** A VM stopped running: its memory goes back to its host. */
  private powerDownMemory(vm: SimVm): void {
    const memory = this.memoryByHost.get(vm.host)!;
    if (vm.pendingShutdown) {
      vm.pendingShutdown = false;
      memory.pendingShutdowns--;
    }
    const heldMB = vm.memoryHeldMB;
    vm.memoryHeldMB = 0;
    if (heldMB > 0 || memory.waiting.length > 0) this.releaseMemory(vm.host, heldMB);
  }

  private work(vmName: string, demand: Demand, nominalS: number): Promise<void> {
    return this.resources.run(demand, nominalS * this.jitter(vmName, nominalS));
  }

  private jitter(vmName: string, nominalS: number): number {
    let random = this.randomByVm.get(vmName);
    if (!random) {
      random = new SeededRandom((hashString(vmName) ^ Math.imul(this.options.seed + 1, 0x9e3779b1)) >>> 0);
      this.randomByVm.set(vmName, random);
    }
    const spread = (this.options.cluster.jitterPct / 100) * Math.min(1, Math.sqrt(JITTER_REFERENCE_S / Math.max(nominalS, 1e-9)));
    return random.jitter(spread);
  }

  private async guestRunning(vm: SimVm): Promise<void> {
    if (vm.guest === 'booting') await vm.booted;
    this.checkHostUp(vm.host, `reach the guest of ${vm.name}`, vm.name);
    if (vm.guest !== 'running') throw new Error(`${vm.name}: the guest is not running (power it on first)`);
  }

  private setSteady(vm: SimVm, running: boolean): void {
    if (vm.steady === running) return;
    vm.steady = running;
    const sign = running ? 1 : -1;
    this.resources.addSteadyLoad(vm.host, sign * this.options.image.idleCpuMhz, sign * this.options.image.idleIops);
    if (vm.role === 'desktop') {
      const desktops = this.desktopsRunningByHost.get(vm.host)! + sign;
      this.desktopsRunningByHost.set(vm.host, desktops);
      this.armObservations.peakDesktopsRunningPerHost = Math.max(this.armObservations.peakDesktopsRunningPerHost, desktops);
    }
  }

  private place(host: string | undefined): string {
    if (host !== undefined) {
      if (!this.hostNames.includes(host)) throw new Error(`unknown simulated host ${host}`);
      this.checkHostUp(host, 'place a VM');
      return host;
    }
    const live = this.hostNames.filter((name) => !this.downHosts.has(name));
    if (live.length === 0) throw new OperationError('every host of the cluster is down', '');
    const chosen = live[this.placement % live.length]!;
    this.placement++;
    return chosen;
  }

  private checkHostUp(host: string, what: string, vmName = ''): void {
    if (this.downHosts.has(host)) throw new OperationError(`cannot ${what}: host ${host} is down`, vmName);
  }

  private scheduleFaults(): void {
    const faults = this.options.faults ?? {};
    const startMs = this.clock.nowMs();
    for (const { host, atS } of faults.hostDown ?? []) {
      const name = this.hostNames[host - 1];
      if (!name) throw new Error(`fault hostDown: no host ${host}`);
      this.clock.schedule(startMs + atS * 1000, () => {
        this.downHosts.add(name);
        for (const vm of this.vms.values()) if (vm.host === name) vm.guest = 'off';
        const memory = this.memoryByHost.get(name)!;
        memory.usedMB = 0;
        memory.pendingShutdowns = 0;
        this.desktopsRunningByHost.set(name, 0);
        for (const waiter of memory.waiting.splice(0)) waiter.refuse();
        this.resources.failHost(name, () => new OperationError(`host ${name} went down (injected fault)`, ''));
      });
    }
    for (const { factor, fromS, toS } of faults.storageSlowdown ?? []) {
      this.clock.schedule(startMs + fromS * 1000, () => this.resources.setStorageSlowdown(factor));
      this.clock.schedule(startMs + toS * 1000, () => this.resources.setStorageSlowdown(1));
    }
  }

  /** An injected clone failure, decided per attempt. */
  private maybeFailClone(name: string): void {
    const rate = this.options.faults?.cloneFailureRate ?? 0;
    if (rate > 0 && this.faultRandom.next() < rate) throw new OperationError(`clone of ${name} failed (injected fault)`, name);
  }

  private register(name: string, role: VmRole, host: string): SimVm {
    const vm: SimVm = {
      id: `vm-${this.nextId++}`, name, host, role,
      guest: 'off', booted: Promise.resolve(), steady: false, forkQueue: Promise.resolve(),
      memoryHeldMB: 0, awaitsQuickprep: false, pendingShutdown: false,
    };
    this.vms.set(vm.id, vm);
    return vm;
  }

  private vm(ref: VmRef): SimVm {
    const vm = this.vms.get(ref.id);
    if (!vm) throw new Error(`${ref.name}: no such VM in the simulator`);
    return vm;
  }
}
