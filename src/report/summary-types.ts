/**
 * The machine-readable summary: what `bench run --json` prints, what summary.json holds,
 * and what lab CI relies on. Changing a field's meaning is a breaking change.
 */
import type { RunStatus } from '../metrics/run-store/record.js';
import type { PhaseName } from '../metrics/types.js';
import type { Method } from '../scenarios/schema.js';

export interface PhaseSummary {
  name: PhaseName;
  startS: number;
  durationS: number;
  performed: boolean;
}

export interface ArmSummary {
  name: string;
  method: Method;
  desktops: { requested: number; ready: number; failed: number };
  /** From the arm's start to its last desktop ready; null when none became ready. */
  deployTimeS: number | null;
  phases: PhaseSummary[];
  /** Peak of the cluster's total (read + write) storage IOPS over the sampling intervals. */
  peakIops: number;
  /** Time-weighted mean of the cluster's total storage IOPS over the arm. */
  avgIops: number;
  /** Storage I/Os over the arm. */
  totalIos: number;
  /** Peak and mean of the cluster's CPU use (all hosts' MHz over all hosts' capacity). */
  peakCpuPct: number;
  avgCpuPct: number;
  /** Seconds from the arm's start until each desktop was ready. */
  desktopReadyS: { p50: number | null; p95: number | null; max: number | null };
}

export interface RunSummary {
  runId: string;
  scenario: string;
  driver: string;
  status: RunStatus;
  runDir: string;
  arms: ArmSummary[];
}
