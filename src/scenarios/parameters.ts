/**
 * Every tunable number of a scenario, with its unit, default and where the default comes from.
 *
 * This table is the single source of truth: the scenario schema is built from it, the `sim`
 * driver reads its costs from it, and docs/SIMULATOR.md lists it (a test keeps them in step).
 * Defaults describe the reference testbed of ../shared/CALIBRATION.md: one Nutanix
 * NX-3460-G4 block (4 nodes), Windows 10 desktops with 2 vCPU / 2 GB, Horizon 7.0.
 */

export interface ParameterSpec {
  readonly default: number | boolean;
  readonly unit: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly meaning: string;
  readonly source: string;
}


export const clusterParameters = {
  hosts: {
    default: 4, unit: 'hosts', min: 1, max: 64, integer: true,
    meaning: 'ESXi hosts in the cluster; one instant-clone parent VM runs on each',
    source: 'NX-3460-G4 block = 4 nodes',
  },
  coresPerHost: {
    default: 24, unit: 'cores', min: 1, max: 512, integer: true,
    meaning: 'physical cores per host',
    source: 'NX-3460-G4: 2 x Xeon E5-2680 v3, 12 cores each',
  },
  coreMhz: {
    default: 2500, unit: 'MHz', min: 100, max: 10000,
    meaning: 'clock of one core; host CPU capacity = coresPerHost x coreMhz',
    source: 'Xeon E5-2680 v3 base clock',
  },
  hostBaseCpuPct: {
    default: 6, unit: '%', min: 0, max: 90,
    meaning: 'CPU used by an idle host (hypervisor and storage controller VM at rest)',
    source: 'typical idle ESXi + CVM reading',
  },
  storageIops: {
    default: 24000, unit: 'IOPS', min: 100, max: 10000000,
    meaning: 'IOPS the shared datastore can serve across the cluster; demand above it stretches every I/O-bound step',
    source: 'order of magnitude of a 4-node hybrid (SSD + HDD) block; the reference peak (16,000) did not saturate it',
  },
  hostBaseIops: {
    default: 20, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'background I/O per host before any desktop exists',
    source: 'idle-cluster reading',
  },
  storageCpuMhzPerKiops: {
    default: 900, unit: 'MHz per 1,000 IOPS', min: 0, max: 100000,
    meaning: 'CPU the storage stack (controller VM) burns on the host that issues the I/O',
    source: 'sized so the Composer boot storm shows the "heavy backend CPU" of the reference',
  },
  vaai: {
    default: true, unit: 'boolean',
    meaning: 'the datastore offers VAAI full-copy offload (used by Composer replicas; Horizon 7.0 instant clones never use it)',
    source: 'Nutanix NFS VAAI plug-in',
  },
  hostCopyMBps: {
    default: 140, unit: 'MB/s', min: 1, max: 100000,
    meaning: 'rate of a full copy done by the host data mover (no VAAI): the host reads and writes every block',
    source: 'sized from the reference instant-clone replica bump (~1,200 IOPS at 256 KB I/O)',
  },
  offloadCopyMBps: {
    default: 500, unit: 'MB/s', min: 1, max: 100000,
    meaning: 'rate of a VAAI-offloaded full copy (done inside the storage)',
    source: 'typical VAAI clone rate on the reference class of hardware',
  },
  copyIoKB: {
    default: 256, unit: 'KB', min: 4, max: 4096,
    meaning: 'I/O size of a full copy (read and write): copy IOPS = 2 x MB/s x 1024 / copyIoKB',
    source: 'large sequential copy I/O',
  },
  digestMBps: {
    default: 41.5, unit: 'MB/s', min: 0.1, max: 100000,
    meaning: 'rate at which View Storage Accelerator reads and hashes the replica disk (digest)',
    source: 'reference: digest of the 20 GB replica took 8.22 min',
  },
  digestIoKB: {
    default: 64, unit: 'KB', min: 4, max: 4096,
    meaning: 'read size of the digest',
    source: 'VSA digest read size',
  },
  digestCpuMhz: {
    default: 2500, unit: 'MHz', min: 0, max: 100000,
    meaning: 'CPU of the digest (one core hashing)',
    source: 'single-threaded hashing',
  },
  linkedCloneS: {
    default: 9.5, unit: 's', min: 0.01, max: 3600,
    meaning: 'time to create one linked clone (VM, delta disk, internal disk) at full speed',
    source: 'sized so the reference Composer pool (100 desktops, 8 concurrent Composer operations) deploys in 5 min',
  },
  linkedCloneIops: {
    default: 300, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand while a linked clone is created (mostly writes)',
    source: 'delta and internal disk creation',
  },
  snapshotS: {
    default: 2, unit: 's', min: 0.01, max: 3600,
    meaning: 'time to take a VM snapshot',
    source: 'vCenter snapshot of a powered-off VM',
  },
  powerOnS: {
    default: 2, unit: 's', min: 0.01, max: 600,
    meaning: 'time of the power-on operation itself (the guest boot follows)',
    source: 'vCenter PowerOnVM_Task',
  },
  powerOffS: {
    default: 3, unit: 's', min: 0.01, max: 600,
    meaning: 'time for a guest shutdown / power-off',
    source: 'Windows 10 shutdown after QuickPrep',
  },
  forkSerialS: {
    default: 0.5, unit: 's', min: 0, max: 600,
    meaning: 'part of an instant-clone fork that is serialized on its parent VM',
    source: 'vmFork stun of the parent',
  },
  forkS: {
    default: 2, unit: 's', min: 0.01, max: 600,
    meaning: 'rest of an instant-clone fork (VM creation with shared memory, resume)',
    source: 'VMware: roughly one clone per second per pool once parents exist',
  },
  forkCpuMhz: {
    default: 1000, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU while a fork runs',
    source: 'estimate',
  },
  forkIops: {
    default: 20, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O while a fork runs (delta disk creation)',
    source: 'estimate',
  },
  jitterPct: {
    default: 5, unit: '%', min: 0, max: 30,
    meaning: 'spread of every operation time around its nominal value (seeded, so a run repeats exactly)',
    source: 'run-to-run variation seen on real clusters',
  },
  destroyS: {
    default: 1.5, unit: 's', min: 0.01, max: 600,
    meaning: 'time to power off and delete one VM (teardown)',
    source: 'vCenter Destroy_Task',
  },
} as const satisfies Record<string, ParameterSpec>;

export const imageParameters = {
  usedGB: {
    default: 20, unit: 'GB', min: 0.1, max: 100000,
    meaning: 'used size of the golden image disk: what a replica copy and a digest read',
    source: 'Windows 10 golden image with office apps',
  },
  vcpus: {
    default: 2, unit: 'vCPU', min: 1, max: 128, integer: true,
    meaning: 'vCPUs per desktop (recorded; CPU demand comes from the MHz parameters)',
    source: 'reference desktops',
  },
  memoryGB: {
    default: 2, unit: 'GB', min: 0.25, max: 4096,
    meaning: 'memory per desktop (recorded)',
    source: 'reference desktops',
  },
  bootS: {
    default: 45, unit: 's', min: 0.1, max: 3600,
    meaning: 'Windows boot to a running guest at full speed',
    source: 'Windows 10 on hybrid storage',
  },
  bootIops: {
    default: 150, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand of one booting desktop',
    source: 'CALIBRATION.md: a booting Windows desktop does on the order of 150 IOPS',
  },
  bootReadPct: {
    default: 75, unit: '%', min: 0, max: 100,
    meaning: 'share of reads in boot and customization I/O',
    source: 'boot I/O is read-heavy',
  },
  bootCpuMhz: {
    default: 1500, unit: 'MHz', min: 0, max: 100000,
    meaning: 'CPU demand of one booting desktop',
    source: '2 vCPU desktop, boot',
  },
  quickprepS: {
    default: 30, unit: 's', min: 0.01, max: 3600,
    meaning: 'View Composer QuickPrep in the guest (rename, domain join) before its shutdown',
    source: 'QuickPrep on Windows 10',
  },
  quickprepIops: {
    default: 220, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand of QuickPrep',
    source: 'writes to the new delta disk',
  },
  cloneprepS: {
    default: 11, unit: 's', min: 0.01, max: 3600,
    meaning: 'Instant Clone ClonePrep in the guest (rename, domain join, no reboot)',
    source: 'sized so the reference clone phase (100 desktops, 20 concurrent ICE operations) takes 1.4 min',
  },
  cloneprepIops: {
    default: 40, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand of ClonePrep',
    source: 'small: memory and disk are shared with the parent',
  },
  cloneprepCpuMhz: {
    default: 1000, unit: 'MHz', min: 0, max: 100000,
    meaning: 'CPU demand of ClonePrep',
    source: 'estimate',
  },
  agentReadyS: {
    default: 3, unit: 's', min: 0, max: 3600,
    meaning: 'from a running, customized guest to the Horizon agent reporting Available',
    source: 'Horizon agent registration',
  },
  idleCpuMhz: {
    default: 100, unit: 'MHz', min: 0, max: 100000,
    meaning: 'CPU of a running, idle desktop',
    source: 'idle Windows 10',
  },
  idleIops: {
    default: 3, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O of a running, idle desktop',
    source: 'idle Windows 10',
  },
  parentPrepS: {
    default: 45, unit: 's', min: 0, max: 3600,
    meaning: 'Instant Clone parent preparation after its boot (agent quiesce, memory state ready to fork)',
    source: 'sized so the reference instant-clone publish totals 14 min',
  },
} as const satisfies Record<string, ParameterSpec>;

export const horizonParameters = {
  maxVcProvisioning: {
    default: 20, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent vCenter provisioning operations (full VMs: replicas, templates, parents)',
    source: 'Horizon default',
  },
  maxPowerOps: {
    default: 50, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent power operations',
    source: 'Horizon default',
  },
  maxComposerMaintenance: {
    default: 12, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent View Composer maintenance operations (teardown of linked clones)',
    source: 'Horizon default',
  },
  maxComposerProvisioning: {
    default: 8, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent View Composer provisioning operations (linked clone creation)',
    source: 'Horizon default',
  },
  maxInstantCloneProvisioning: {
    default: 20, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent Instant Clone Engine provisioning operations (fork to ready)',
    source: 'Horizon default',
  },
} as const satisfies Record<string, ParameterSpec>;

export const parameterSections = {
  cluster: clusterParameters,
  image: imageParameters,
  horizon: horizonParameters,
} as const;

type Values<T extends Record<string, ParameterSpec>> = {
  -readonly [K in keyof T]: T[K]['default'] extends boolean ? boolean : number;
};

export type ClusterParameters = Values<typeof clusterParameters>;
export type ImageParameters = Values<typeof imageParameters>;
export type HorizonLimits = Values<typeof horizonParameters>;

function defaultsOf<T extends Record<string, ParameterSpec>>(specs: T): Values<T> {
  const out: Record<string, number | boolean> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = spec.default;
  return out as Values<T>;
}

export const defaultCluster = (): ClusterParameters => defaultsOf(clusterParameters);
export const defaultImage = (): ImageParameters => defaultsOf(imageParameters);
export const defaultHorizon = (): HorizonLimits => defaultsOf(horizonParameters);
