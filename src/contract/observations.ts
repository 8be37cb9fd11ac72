/**
 * What a run records: host samples (a time series per host), per-desktop lifecycle events,
 * and phases. Units live in the names.
 */
import type { Method } from './method.js';
import type { OperationName } from './operation.js';

/**
 * One host over one sampling interval, averaged over that interval (as vCenter's 20 s
 * realtime stats are). A value the source did not give is null: a gap, never a zero.
 */
export interface HostSample {
  /** End of the interval, ms since the Unix epoch (the driver's clock, or vCenter's). */
  timeMs: number;
  host: string;
  cpuPct: number | null;
  cpuMhz: number | null;
  /** Hypervisor-side: I/O the host issued. */
  readIops: number | null;
  writeIops: number | null;
  /** Disk-side: I/O the storage served for this host, including offloaded (VAAI) copies. */
  diskReadIops: number | null;
  diskWriteIops: number | null;
}

/** A host sample as stored: tagged with its arm and placed on the arm's own time axis. */
export interface ArmSample extends HostSample {
  arm: string;
  method: Method;
  /** Seconds since the arm started. */
  tS: number;
}

/**
 * `retried`: an attempt failed and the desktop is provisioned again (its `error` says why).
 * Day-2 operations add `logged-off` (its user left, or was forced off) and `out-of-service`
 * (Horizon took it for maintenance); `ready` then means back in service.
 */
export const LIFECYCLE = ['requested', 'cloned', 'powered-on', 'customized', 'ready', 'retried', 'failed', 'destroyed', 'logged-off', 'out-of-service'] as const;
export type LifecycleKind = (typeof LIFECYCLE)[number];

export interface LifecycleEvent {
  arm: string;
  method: Method;
  desktop: string;
  host: string;
  kind: LifecycleKind;
  timeMs: number;
  /** Seconds since the arm started. */
  tS: number;
  error?: string;
  /** The day-2 operation the event belongs to; absent for the deployment. */
  operation?: OperationName;
}

/** A deployment's phases, in the order they start. */
export const PHASE_NAMES = ['template', 'replica', 'digest', 'parents', 'clone', 'customize', 'power-on'] as const;
/**
 * A day-2 operation's phases: publishing a new image (template to parents), waiting for
 * users to log off, the per-desktop steps, and removing what the old image left (cleanup).
 */
export const OPERATION_PHASE_NAMES = ['template', 'replica', 'digest', 'parents', 'logoff', 'power-off', 'destroy', 'revert', 'clone', 'customize', 'power-on', 'cleanup'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number] | (typeof OPERATION_PHASE_NAMES)[number];

export interface PhaseRecord {
  name: PhaseName;
  /** Seconds since the arm started. */
  startS: number;
  durationS: number;
  /** False when the platform offers no way to perform it (e.g. digest on plain vSphere). */
  performed: boolean;
  note?: string;
}
