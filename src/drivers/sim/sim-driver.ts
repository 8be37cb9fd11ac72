/**
 * The `sim` driver: a calibrated model of a vSphere cluster running Horizon provisioning,
 * on a virtual clock. Every primitive is an activity on the shared-resource model with
 * costs from the scenario's `cluster:` and `image:` parameters (docs/SIMULATOR.md).
 */
import type { ClusterParameters, ImageParameters } from '../../scenarios/parameters.js';
import type { FaultSettings } from '../../scenarios/schema.js';
import {
  OperationError,
  type CloneOptions,
  type CustomizationKind,
  type HypervisorDriver,
  type ImageRef,
  type Inventory,
  type SampleListener,
  type SamplerHandle,
  type SnapshotRef,
  type VmRef,
  type VmRole,
} from '../types.js';
import { hashString, SeededRandom } from './random.js';
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
}

const MB_PER_GB = 1024;
const KB_PER_MB = 1024;
/**
 * An operation's time varies by the jitter spread when it is this short or shorter; a longer
 * one is many small I/Os whose variations average out, so its spread shrinks as
 * sqrt(JITTER_REFERENCE_S / duration).
 */
const JITTER_REFERENCE_S = 10;

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
  private readonly downHosts = new Set<string>();
  /** Draws whether a clone attempt fails (its own stream, so faults do not shift timings). */
  private readonly faultRandom: SeededRandom;

  constructor(private readonly options: SimDriverOptions) {
    const { cluster } = options;
    this.clock = new VirtualClock(options.startMs, options.timeScale ?? 0);
    this.hostNames = Array.from({ length: cluster.hosts }, (_, index) => `esx-${String(index + 1).padStart(2, '0')}.sim.local`);
    this.faultRandom = new SeededRandom((options.seed ^ 0x5eed_fa17) >>> 0);
    this.resources = new ResourceModel(this.clock, {
      hosts: this.hostNames.map((name) => ({ name, cpuMhz: cluster.coresPerHost * cluster.coreMhz })),
      storageIops: cluster.storageIops,
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
      datastores: ['sim-datastore'],
      hosts: this.hostNames.map((name) => ({ name, cpuMhz: cluster.coresPerHost * cluster.coreMhz })),
      details: {
        model: 'calibrated Horizon 7.0 cluster model (docs/SIMULATOR.md)',
        storageIops: cluster.storageIops,
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

  async fullClone(_source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    const { cluster, image } = this.options;
    const host = this.place(options.host);
    const offload = Boolean(options.allowOffload) && cluster.vaai;
    const rateMBps = offload ? cluster.offloadCopyMBps : cluster.hostCopyMBps;
    const copyIops = (2 * rateMBps * KB_PER_MB) / cluster.copyIoKB;
    await this.work(
      options.name,
      { host, iops: offload ? 0 : copyIops, offloadedIops: offload ? copyIops : 0, readShare: 0.5, cpuMhz: offload ? 200 : 800 },
      (image.usedGB * MB_PER_GB) / rateMBps,
    );
    return this.register(options.name, options.role, host);
  }

  async linkedClone(_source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    const { cluster } = this.options;
    const host = this.place(options.host);
    await this.work(options.name, { host, iops: cluster.linkedCloneIops, offloadedIops: 0, readShare: 0.2, cpuMhz: 300 }, cluster.linkedCloneS);
    if (options.role === 'desktop') this.maybeFailClone(options.name);
    return this.register(options.name, options.role, host);
  }

  async instantClone(parentRef: VmRef, options: CloneOptions): Promise<VmRef> {
    const { cluster } = this.options;
    const parent = this.vm(parentRef);
    this.checkHostUp(parent.host, `fork from ${parent.name}`, options.name);
    if (parent.guest !== 'running') throw new OperationError(`instant clone from ${parent.name}: the parent is not running`, options.name);
    const forkDemand: Demand = { host: parent.host, iops: cluster.forkIops, offloadedIops: 0, readShare: 0.3, cpuMhz: cluster.forkCpuMhz };
    // The stun of the parent is serialized: one fork at a time passes through it.
    const turn = parent.forkQueue.then(() => this.work(options.name, forkDemand, cluster.forkSerialS));
    // The next fork waits for this one whether it succeeds or fails.
    parent.forkQueue = turn.catch(() => undefined);
    await turn;
    await this.work(options.name, forkDemand, cluster.forkS);
    this.maybeFailClone(options.name);
    const vm = this.register(options.name, options.role, parent.host);
    vm.guest = 'running';
    this.setSteady(vm, true);
    return vm;
  }

  async snapshot(vmRef: VmRef, name: string): Promise<SnapshotRef> {
    const vm = this.vm(vmRef);
    await this.work(vm.name, { host: vm.host, iops: 50, offloadedIops: 0, readShare: 0.2, cpuMhz: 100 }, this.options.cluster.snapshotS);
    return { id: `${vm.id}-snap-${name}`, vm, name };
  }

  async digest(vmRef: VmRef): Promise<'performed'> {
    const { cluster, image } = this.options;
    const vm = this.vm(vmRef);
    const iops = (cluster.digestMBps * KB_PER_MB) / cluster.digestIoKB;
    await this.work(vm.name, { host: vm.host, iops, offloadedIops: 0, readShare: 1, cpuMhz: cluster.digestCpuMhz }, (image.usedGB * MB_PER_GB) / cluster.digestMBps);
    return 'performed';
  }

  async powerOn(vmRef: VmRef): Promise<void> {
    const { cluster, image } = this.options;
    const vm = this.vm(vmRef);
    this.checkHostUp(vm.host, `power on ${vm.name}`, vm.name);
    await this.work(vm.name, { host: vm.host, iops: 10, offloadedIops: 0, readShare: 0.5, cpuMhz: 100 }, cluster.powerOnS);
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
    await this.work(vm.name, { host: vm.host, iops: 50, offloadedIops: 0, readShare: 0.3, cpuMhz: 300 }, this.options.cluster.powerOffS);
    vm.guest = 'off';
    this.setSteady(vm, false);
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
    await this.work(vm.name, { host: vm.host, iops: 20, offloadedIops: 0, readShare: 0.5, cpuMhz: 500 }, this.options.image.parentPrepS);
  }

  async waitUntilReady(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    await this.guestRunning(vm);
    const { agentReadyS } = this.options.image;
    await this.clock.sleep(agentReadyS * 1000 * this.jitter(vm.name, agentReadyS));
  }

  async destroy(vmRef: VmRef): Promise<void> {
    const vm = this.vm(vmRef);
    if (this.downHosts.has(vm.host)) {
      // Unregistered from the inventory, as vCenter does with VMs of a lost host.
      this.vms.delete(vm.id);
      return;
    }
    if (vm.guest === 'booting') await vm.booted.catch(() => undefined);
    await this.work(vm.name, { host: vm.host, iops: 30, offloadedIops: 0, readShare: 0.2, cpuMhz: 200 }, this.options.cluster.destroyS);
    this.setSteady(vm, false);
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
