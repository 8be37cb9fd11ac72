/** What a driver found when it opened the cluster, and the clock every wait goes through. */

export interface Clock {
  /** Milliseconds since the Unix epoch: real time, or virtual time on a simulated cluster. */
  nowMs(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (its timer then gone: nothing keeps waiting). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Runs real-world work (the run folder's files, a sink's flush) during which simulated
   * time must not move: a virtual clock holds still until it is done; a real clock just runs it.
   */
  outsideTime<T>(work: () => Promise<T>): Promise<T>;
}

export interface HostInfo {
  name: string;
  cpuMhz: number;
}

export interface Inventory {
  /** e.g. vCenter address or "simulated". */
  endpoint: string;
  cluster: string;
  datastores: string[];
  hosts: HostInfo[];
  /** Model or product details worth printing in a report. */
  details: Record<string, string | number | boolean>;
}

/** The cluster's CPU capacity: every host's MHz. */
export function clusterCpuMhz(inventory: Inventory): number {
  return inventory.hosts.reduce((sum, host) => sum + host.cpuMhz, 0);
}
