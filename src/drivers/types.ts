/**
 * The hypervisor driver interface: what a provisioning strategy may ask of a cluster.
 *
 * Strategies (src/scenarios/strategies) are written once against this interface and never
 * know which driver they drive. Every wait goes through the driver's Clock.
 */
import type { Clock, Inventory } from '../contract/cluster.js';
import type { HostSample } from '../contract/observations.js';
import type { RunWarning } from '../contract/summary.js';

export type VmRole = 'template' | 'replica' | 'parent' | 'desktop';

export interface VmRef {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly role: VmRole;
}

export interface SnapshotRef {
  readonly id: string;
  readonly vm: VmRef;
  readonly name: string;
}

export interface ImageRef {
  readonly vm: VmRef;
  readonly snapshot: SnapshotRef;
}

export type CustomizationKind = 'quickprep' | 'cloneprep';

export interface CloneOptions {
  name: string;
  role: VmRole;
  /** Host to place the VM on; the driver chooses when absent. */
  host?: string;
  /** Whether the copy may be offloaded to the storage (VAAI full copy). Horizon 7.0 instant clones never do. */
  allowOffload?: boolean;
}

/** Receives host samples as the driver collects them. Must not block. */
export type SampleListener = (samples: HostSample[]) => void;

export interface SamplerHandle {
  /** Collect what is due up to now and stop. */
  stop(): Promise<void>;
}

export interface HypervisorDriver {
  readonly name: string;
  readonly clock: Clock;
  /** Connect, discover the cluster and check the scenario can run on it. */
  open(signal?: AbortSignal): Promise<Inventory>;
  /** The golden image VM and the snapshot clones start from. */
  goldenImage(): Promise<ImageRef>;
  /**
   * The image a patch moves the pool to (recompose, push image): the golden image's patch
   * snapshot. A driver with no patch snapshot configured returns the deployed one and says
   * so in its warnings: the work is the same, only the content is not new.
   */
  patchedImage(): Promise<ImageRef>;

  /** A full copy of a snapshot (a replica). */
  fullClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef>;
  /** A linked clone: a delta disk on top of `source`. */
  linkedClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef>;
  /** An instant clone forked from a running parent, on the parent's host. */
  instantClone(parent: VmRef, options: CloneOptions): Promise<VmRef>;
  snapshot(vm: VmRef, name: string): Promise<SnapshotRef>;
  /** View Storage Accelerator digest of a disk; `not-supported` where the platform exposes no way to do it. */
  digest(vm: VmRef): Promise<'performed' | 'not-supported'>;
  powerOn(vm: VmRef): Promise<void>;
  /** Hard power-off (Horizon powers a desktop off before recompose or refresh). */
  powerOff(vm: VmRef): Promise<void>;
  /**
   * Revert a VM to one of its snapshots (View Composer refresh: the OS disk's delta is
   * discarded). Snapshots are taken without memory, so the VM is powered off afterwards.
   */
  revert(snapshot: SnapshotRef): Promise<void>;
  /** Guest customization; for QuickPrep this ends with the guest shut down. */
  customize(vm: VmRef, kind: CustomizationKind): Promise<void>;
  /** Make a running parent ready to be forked from. */
  prepareParent(vm: VmRef): Promise<void>;
  /** Until the guest is up and its agent reports ready. */
  waitUntilReady(vm: VmRef): Promise<void>;
  destroy(vm: VmRef): Promise<void>;

  /**
   * What the driver saw since the last call that the figures alone would hide (storage or
   * CPU at capacity, memory short…), for the arm that just ended. Optional: a driver that
   * cannot tell returns nothing.
   */
  takeWarnings?(arm: string): RunWarning[];
  /**
   * What the driver's desktops wait for right now, for the progress line (drivers that wait
   * on real time: a Tools wait on vCenter can take minutes).
   */
  waiting?(): WaitState;
  /** Start collecting per-host samples; every batch goes to `listener`. */
  startSampling(intervalS: number, listener: SampleListener): SamplerHandle;
  close(): Promise<void>;
}

export interface WaitState {
  /** Desktops waiting to be ready (VMware Tools, or power-on). */
  waitingForReady: number;
  /** vCenter tasks started and not finished. */
  tasksInFlight: number;
  /** How long the oldest readiness wait has lasted, and the limit it will fail at. */
  oldestWaitS: number;
  readyTimeoutS: number;
}

/** A failure of one operation on one VM (clone failed, host down). The run may go on. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(message: string, readonly vmName: string) {
    super(message);
  }
}
