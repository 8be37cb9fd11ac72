/**
 * Shared resources with capacities, divided among whatever runs at that moment (a fluid
 * model). An activity needs `nominalS` seconds when it gets all it asks for; when the
 * cluster's storage or its host's CPU is oversubscribed, every activity on it gets the same
 * fraction of its demand and stretches accordingly. Peaks therefore emerge from
 * concurrency x per-operation demand, capped by capacity.
 */
import type { HostSample } from '../../contract/observations.js';
import type { TimerHandle, VirtualClock } from './virtual-clock.js';

export interface Demand {
  host: string;
  /** I/O the host issues (hypervisor-side). */
  iops: number;
  /** Share of reads in `iops` and `offloadedIops`, 0..1. */
  readShare: number;
  /** I/O the storage performs on the host's behalf without the host issuing it (VAAI copy). */
  offloadedIops: number;
  /** CPU of the operation itself; the storage stack's CPU for the host's I/O is added. */
  cpuMhz: number;
}

export interface ResourceCapacities {
  hosts: { name: string; cpuMhz: number }[];
  storageIops: number;
  storageCpuMhzPerKiops: number;
  hostBaseCpuPct: number;
  hostBaseIops: number;
}

interface Activity {
  demand: Demand;
  cpuDemandMhz: number;
  remainingS: number;
  rate: number;
  done: () => void;
  fail: (error: Error) => void;
}

/** What the resources went through since the last `takeStats()`: the raw material of warnings. */
export interface SaturationStats {
  /** Seconds during which storage demand exceeded capacity. */
  storageSaturatedS: number;
  /** Highest storage demand and the capacity at that moment. */
  peakStorageDemandIops: number;
  storageCapacityIops: number;
  /** Per host: seconds of CPU demand above capacity, and the highest demand / capacity ratio. */
  cpuSaturatedSByHost: Map<string, number>;
  peakCpuDemandRatio: number;
}

interface HostState {
  capacityMhz: number;
  /** Steady load of running VMs (idle desktops, parents), not stretched. */
  steadyCpuMhz: number;
  steadyIops: number;
  /** Integrals since the last sample. */
  cpuMhzS: number;
  readIo: number;
  writeIo: number;
  diskReadIo: number;
  diskWriteIo: number;
  /** Instantaneous CPU demand, recomputed on every change. */
  cpuDemandMhz: number;
}

// Well above the float resolution of epoch milliseconds (~2e-7 s), so a completion always moves time.
const EPSILON_S = 1e-5;
const STEADY_READ_SHARE = 0.6;

export class ResourceModel {
  private readonly activities = new Set<Activity>();
  private readonly hosts = new Map<string, HostState>();
  private lastUpdateMs: number;
  private lastSampleMs: number;
  private storageFactor = 1;
  /** Divides the storage capacity (a storage slowdown fault). */
  private storageSlowdown = 1;
  private completion: TimerHandle | undefined;
  /** Current total storage demand (IOPS), kept for the saturation statistics. */
  private storageDemandIops = 0;
  private stats: SaturationStats = ResourceModel.emptyStats();

  constructor(private readonly clock: VirtualClock, private readonly capacities: ResourceCapacities) {
    for (const host of capacities.hosts) {
      this.hosts.set(host.name, {
        capacityMhz: host.cpuMhz, steadyCpuMhz: 0, steadyIops: 0,
        cpuMhzS: 0, readIo: 0, writeIo: 0, diskReadIo: 0, diskWriteIo: 0, cpuDemandMhz: 0,
      });
    }
    this.lastUpdateMs = clock.nowMs();
    this.lastSampleMs = clock.nowMs();
    this.recompute();
  }

  /** Run an activity to completion; resolves when its work is done. */
  run(demand: Demand, nominalS: number): Promise<void> {
    if (!(nominalS > 0)) return Promise.resolve();
    this.host(demand.host);
    return new Promise((resolve, reject) => {
      this.advance();
      this.activities.add({ demand, cpuDemandMhz: 0, remainingS: nominalS, rate: 1, done: resolve, fail: reject });
      this.recompute();
    });
  }

  /** A host went down: everything running on it fails with `error`, and its steady load is gone. */
  failHost(hostName: string, error: () => Error): void {
    this.advance();
    const host = this.host(hostName);
    host.steadyCpuMhz = 0;
    host.steadyIops = 0;
    for (const activity of [...this.activities]) {
      if (activity.demand.host !== hostName) continue;
      this.activities.delete(activity);
      activity.fail(error());
    }
    this.recompute();
  }

  /** Storage serves `1 / factor` of its capacity from now on (1 = normal). */
  setStorageSlowdown(factor: number): void {
    this.advance();
    this.storageSlowdown = factor;
    this.recompute();
  }

  /** Add (or with negative values, remove) the steady load of a running VM. */
  addSteadyLoad(hostName: string, cpuMhz: number, iops: number): void {
    this.advance();
    const host = this.host(hostName);
    host.steadyCpuMhz = Math.max(0, host.steadyCpuMhz + cpuMhz);
    host.steadyIops = Math.max(0, host.steadyIops + iops);
    this.recompute();
  }

  /** Saturation since the previous call; starts a new period. */
  takeStats(): SaturationStats {
    this.advance();
    const stats = this.stats;
    this.stats = ResourceModel.emptyStats();
    this.stats.peakStorageDemandIops = this.storageDemandIops;
    return stats;
  }

  private static emptyStats(): SaturationStats {
    return { storageSaturatedS: 0, peakStorageDemandIops: 0, storageCapacityIops: 0, cpuSaturatedSByHost: new Map(), peakCpuDemandRatio: 0 };
  }

  /** Per-host averages since the previous call. */
  sample(): HostSample[] {
    this.advance();
    const nowMs = this.clock.nowMs();
    const intervalS = (nowMs - this.lastSampleMs) / 1000;
    this.lastSampleMs = nowMs;
    const samples: HostSample[] = [];
    for (const [name, host] of this.hosts) {
      const per = (value: number) => (intervalS > 0 ? value / intervalS : 0);
      const cpuMhz = per(host.cpuMhzS);
      samples.push({
        timeMs: nowMs,
        host: name,
        cpuMhz,
        cpuPct: (100 * cpuMhz) / host.capacityMhz,
        readIops: per(host.readIo),
        writeIops: per(host.writeIo),
        diskReadIops: per(host.diskReadIo),
        diskWriteIops: per(host.diskWriteIo),
      });
      host.cpuMhzS = host.readIo = host.writeIo = host.diskReadIo = host.diskWriteIo = 0;
    }
    return samples;
  }

  private host(name: string): HostState {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`unknown simulated host ${name}`);
    return host;
  }

  /** Move every activity and every integral forward to now, at the rates in force. */
  private advance(): void {
    const nowMs = this.clock.nowMs();
    const dtS = (nowMs - this.lastUpdateMs) / 1000;
    this.lastUpdateMs = nowMs;
    if (dtS <= 0) return;
    const { hostBaseIops, hostBaseCpuPct, storageCpuMhzPerKiops } = this.capacities;
    if (this.storageFactor < 1) this.stats.storageSaturatedS += dtS;
    for (const [name, host] of this.hosts) {
      const cpuFactor = host.cpuDemandMhz > host.capacityMhz ? host.capacityMhz / host.cpuDemandMhz : 1;
      if (cpuFactor < 1) this.stats.cpuSaturatedSByHost.set(name, (this.stats.cpuSaturatedSByHost.get(name) ?? 0) + dtS);
      const steadyIops = (hostBaseIops + host.steadyIops) * this.storageFactor;
      const steadyCpu = (host.capacityMhz * hostBaseCpuPct) / 100 + host.steadyCpuMhz + (steadyIops * storageCpuMhzPerKiops) / 1000;
      host.cpuMhzS += steadyCpu * cpuFactor * dtS;
      host.readIo += steadyIops * STEADY_READ_SHARE * dtS;
      host.writeIo += steadyIops * (1 - STEADY_READ_SHARE) * dtS;
      host.diskReadIo += steadyIops * STEADY_READ_SHARE * dtS;
      host.diskWriteIo += steadyIops * (1 - STEADY_READ_SHARE) * dtS;
    }
    for (const activity of this.activities) {
      const { demand, rate } = activity;
      const host = this.hosts.get(demand.host)!;
      activity.remainingS -= rate * dtS;
      host.cpuMhzS += activity.cpuDemandMhz * rate * dtS;
      const hostIo = demand.iops * rate * dtS;
      const diskIo = (demand.iops + demand.offloadedIops) * rate * dtS;
      host.readIo += hostIo * demand.readShare;
      host.writeIo += hostIo * (1 - demand.readShare);
      host.diskReadIo += diskIo * demand.readShare;
      host.diskWriteIo += diskIo * (1 - demand.readShare);
    }
  }

  /** New shares after a change; finish what is done; schedule the next completion. */
  private recompute(): void {
    for (;;) {
      // Collected without copying the set: this runs on every event.
      let finished: Activity[] | undefined;
      for (const activity of this.activities) if (activity.remainingS <= EPSILON_S) (finished ??= []).push(activity);
      if (!finished) break;
      for (const activity of finished) {
        this.activities.delete(activity);
        activity.done();
      }
    }
    const { storageIops, storageCpuMhzPerKiops, hostBaseIops, hostBaseCpuPct } = this.capacities;
    let storageDemand = 0;
    for (const host of this.hosts.values()) {
      storageDemand += hostBaseIops + host.steadyIops;
      host.cpuDemandMhz = (host.capacityMhz * hostBaseCpuPct) / 100 + host.steadyCpuMhz
        + ((hostBaseIops + host.steadyIops) * storageCpuMhzPerKiops) / 1000;
    }
    for (const activity of this.activities) {
      const { demand } = activity;
      activity.cpuDemandMhz = demand.cpuMhz + ((demand.iops + demand.offloadedIops) * storageCpuMhzPerKiops) / 1000;
      storageDemand += demand.iops + demand.offloadedIops;
      this.hosts.get(demand.host)!.cpuDemandMhz += activity.cpuDemandMhz;
    }
    const capacityIops = storageIops / this.storageSlowdown;
    this.storageFactor = storageDemand > capacityIops ? capacityIops / storageDemand : 1;
    this.storageDemandIops = storageDemand;
    if (storageDemand > this.stats.peakStorageDemandIops) {
      this.stats.peakStorageDemandIops = storageDemand;
      this.stats.storageCapacityIops = capacityIops;
    }
    for (const host of this.hosts.values()) {
      this.stats.peakCpuDemandRatio = Math.max(this.stats.peakCpuDemandRatio, host.cpuDemandMhz / host.capacityMhz);
    }

    let nextCompletionS = Infinity;
    for (const activity of this.activities) {
      const { demand } = activity;
      const host = this.hosts.get(demand.host)!;
      const cpuFactor = host.cpuDemandMhz > host.capacityMhz ? host.capacityMhz / host.cpuDemandMhz : 1;
      const usesStorage = demand.iops + demand.offloadedIops > 0;
      const usesCpu = activity.cpuDemandMhz > 0;
      activity.rate = Math.min(usesStorage ? this.storageFactor : 1, usesCpu ? cpuFactor : 1);
      nextCompletionS = Math.min(nextCompletionS, activity.remainingS / activity.rate);
    }
    this.completion?.cancel();
    this.completion = undefined;
    if (nextCompletionS < Infinity) {
      this.completion = this.clock.schedule(this.clock.nowMs() + nextCompletionS * 1000, () => {
        this.completion = undefined;
        this.advance();
        this.recompute();
      });
    }
  }
}
