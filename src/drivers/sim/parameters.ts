/**
 * The `sim` driver's model parameters: every per-operation cost and capacity, with its unit,
 * default and where the default comes from. The defaults describe the reference testbed of
 * the published Horizon 7.0 field test (docs/SIMULATOR.md): one Nutanix NX-3460-G4 block
 * (4 nodes), Windows 10 desktops with 2 vCPU / 2 GB. docs/SIMULATOR.md lists this table
 * (generated; a test keeps the two in step).
 */
import { parameterDefaults, type ParameterSpec, type ParameterValues } from '../../contract/parameter-spec.js';

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
  hyperConverged: {
    default: true, unit: 'boolean',
    meaning: 'storage is hyper-converged: every host brings storageIopsPerHost, so capacity grows with the cluster; false = a shared array of fixed capacity storageIops',
    source: 'the reference runs on Nutanix (hyper-converged)',
  },
  storageIopsPerHost: {
    default: 6000, unit: 'IOPS per host', min: 10, max: 10000000,
    meaning: 'hyper-converged mode: IOPS each host adds to the cluster datastore (capacity = hosts x this); demand above capacity stretches every I/O-bound step',
    source: 'order of magnitude of a hybrid (SSD + HDD) node; 4 nodes = 24,000, which the reference peak (16,000) did not saturate',
  },
  storageIops: {
    default: 24000, unit: 'IOPS', min: 100, max: 10000000,
    meaning: 'shared-array mode (hyperConverged false): IOPS the array serves across the cluster, whatever the host count',
    source: 'same capacity as the 4-node reference, for comparison',
  },
  datastores: {
    default: 1, unit: 'datastores', min: 1, max: 256, integer: true,
    meaning: 'datastores the pool spreads over; Horizon makes one replica (and one digest) per datastore',
    source: 'the reference uses one Nutanix container',
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
  hostMemoryGB: {
    default: 256, unit: 'GB', min: 1, max: 24576,
    meaning: 'physical memory per host',
    source: 'a common NX-3460-G4 configuration (the reference does not state it; 2 GB desktops never ran short there)',
  },
  hostReservedMemoryGB: {
    default: 32, unit: 'GB', min: 0, max: 24576,
    meaning: 'memory per host not available to desktops: hypervisor and storage controller VM',
    source: 'Nutanix CVM (24-32 GB) plus ESXi',
  },
  memoryOvercommitPct: {
    default: 0, unit: '%', min: 0, max: 400,
    meaning: 'how far the configured memory of powered-on VMs may exceed a host\'s available memory before a power-on waits (0 = admit only what fits)',
    source: 'VDI sizing keeps desktops in physical memory (transparent page sharing between VMs is off by default since 2014)',
  },
  vcenterOpsPerS: {
    default: 30, unit: 'operations/s', min: 0.1, max: 10000,
    meaning: 'vCenter task throughput shared by every clone, power, snapshot and destroy task of the run; a task waits its turn when more arrive',
    source: 'VMware VROOM! blog, "vCenter 6.5 Performance: what does 6x mean?" (2016): ~10 operations/s in 5.5, ~30 in 6.0 (the reference ran vCenter 6.0)',
  },
  hostProvisioningOps: {
    default: 8, unit: 'operations per host', min: 1, max: 1000, integer: true,
    meaning: 'concurrent provisioning operations (clones, full copies, forks) vCenter lets one host run; more wait',
    source: 'vSphere docs, "Limits on Simultaneous Migrations": provisioning operation cost 1, max cost per host 8',
  },
  densityVcpuPerCore: {
    default: 10, unit: 'vCPU per core', min: 0.1, max: 100,
    meaning: 'desktop vCPUs per physical core above which the run warns (density-high); not a limit',
    source: 'common VDI sizing rule of 8-10 vCPUs per core for knowledge workers',
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
  hostCopyCpuMhz: {
    default: 800, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU of a full copy done by the host data mover (the storage stack CPU for its I/O comes on top)',
    source: 'estimate: one data-mover thread',
  },
  offloadCopyCpuMhz: {
    default: 200, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU while a VAAI-offloaded copy runs (issuing and tracking the offload)',
    source: 'estimate',
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
  linkedCloneCpuMhz: {
    default: 300, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU while a linked clone is created',
    source: 'estimate',
  },
  snapshotS: {
    default: 2, unit: 's', min: 0.01, max: 3600,
    meaning: 'time to take a VM snapshot',
    source: 'vCenter snapshot of a powered-off VM',
  },
  snapshotIops: {
    default: 50, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O while a snapshot is taken',
    source: 'estimate: delta disk creation',
  },
  snapshotCpuMhz: {
    default: 100, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU while a snapshot is taken',
    source: 'estimate',
  },
  revertS: {
    default: 4, unit: 's', min: 0.01, max: 3600,
    meaning: 'View Composer refresh: revert a linked clone to its post-QuickPrep snapshot (the OS delta disk is discarded and a fresh one created)',
    source: 'estimate: a delta-disk delete and create, about two snapshot operations',
  },
  revertIops: {
    default: 150, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O while a linked clone is reverted (delta disk delete and create)',
    source: 'estimate: half a linked clone creation (linkedCloneIops)',
  },
  revertCpuMhz: {
    default: 150, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU while a linked clone is reverted',
    source: 'estimate',
  },
  powerOnS: {
    default: 2, unit: 's', min: 0.01, max: 600,
    meaning: 'time of the power-on operation itself (the guest boot follows)',
    source: 'vCenter PowerOnVM_Task',
  },
  powerOnIops: {
    default: 10, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O of the power-on task itself (swap file, VM files)',
    source: 'estimate',
  },
  powerOnCpuMhz: {
    default: 100, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU of the power-on task itself',
    source: 'estimate',
  },
  powerOffS: {
    default: 3, unit: 's', min: 0.01, max: 600,
    meaning: 'time for a guest shutdown / power-off',
    source: 'Windows 10 shutdown after QuickPrep',
  },
  powerOffIops: {
    default: 50, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O of a guest shutdown (flushes)',
    source: 'estimate',
  },
  powerOffCpuMhz: {
    default: 300, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU of a guest shutdown',
    source: 'estimate',
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
  destroyIops: {
    default: 30, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O of deleting one VM',
    source: 'estimate',
  },
  destroyCpuMhz: {
    default: 200, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU of deleting one VM',
    source: 'estimate',
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
    meaning: 'configured memory per desktop (and per instant-clone parent): what a power-on needs free on its host',
    source: 'reference desktops',
  },
  memoryOverheadMB: {
    default: 40, unit: 'MB', min: 0, max: 100000,
    meaning: 'hypervisor memory overhead of one powered-on desktop, on top of memoryGB',
    source: 'vSphere Resource Management, "Overhead Memory on Virtual Machines" (tens of MB for a 2 vCPU desktop)',
  },
  bootS: {
    default: 30, unit: 's', min: 0.1, max: 3600,
    meaning: 'Windows boot to a running guest at full speed',
    source: 'FITTED to the reference Composer deploy (5 min): with power slots held over both boots, 50 slots bound it; Windows 10 fast startup on a flash tier',
  },
  bootIops: {
    default: 250, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand of one booting desktop',
    source: 'FITTED to the reference Composer peak (~16,000 IOPS: at most 50 desktops booting or customizing at once)',
  },
  bootReadPct: {
    default: 75, unit: '%', min: 0, max: 100,
    meaning: 'share of reads in boot and customization I/O',
    source: 'boot I/O is read-heavy',
  },
  bootCpuMhz: {
    default: 2200, unit: 'MHz', min: 0, max: 100000,
    meaning: 'CPU demand of one booting desktop',
    source: "2 vCPU desktop booting at close to one core each; with storage CPU, the reference's heavy backend CPU during Composer's storm",
  },
  quickprepS: {
    default: 30, unit: 's', min: 0.01, max: 3600,
    meaning: 'View Composer QuickPrep in the guest (rename, domain join) before its shutdown',
    source: 'QuickPrep on Windows 10',
  },
  quickprepIops: {
    default: 320, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O demand of QuickPrep',
    source: 'FITTED with bootIops to the reference Composer peak (QuickPrep writes to the new delta disk)',
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
  parentPrepIops: {
    default: 20, unit: 'IOPS', min: 0, max: 100000,
    meaning: 'I/O of the instant-clone parent preparation',
    source: 'estimate',
  },
  parentPrepCpuMhz: {
    default: 500, unit: 'MHz', min: 0, max: 100000,
    meaning: 'host CPU of the instant-clone parent preparation',
    source: 'estimate',
  },
} as const satisfies Record<string, ParameterSpec>;

export type ClusterParameters = ParameterValues<typeof clusterParameters>;
export type ImageParameters = ParameterValues<typeof imageParameters>;

export const defaultCluster = (): ClusterParameters => parameterDefaults(clusterParameters);
export const defaultImage = (): ImageParameters => parameterDefaults(imageParameters);

/**
 * Horizon 7 configuration maximum: desktops in one instant-clone pool (Horizon 7
 * documentation, configuration maximums). A larger pool runs, with a pool-over-maximum warning.
 */
export const INSTANT_CLONE_POOL_MAX_DESKTOPS = 2000;
