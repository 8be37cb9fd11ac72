/**
 * The machine-readable summary: what `bench run --json` prints, what summary.json holds,
 * and what lab CI relies on. Changing a field's meaning is a breaking change.
 */
import type { RunStatus } from './run-status.js';
import type { PhaseName } from './observations.js';
import type { Method } from './method.js';

export interface PhaseSummary {
  name: PhaseName;
  startS: number;
  durationS: number;
  performed: boolean;
}

/** The spread of one metric over repeated runs (report/statistics.ts). */
export interface MetricStats {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation. */
  sd: number;
  min: number;
  max: number;
  /** 95 % confidence interval of the mean (Student's t). */
  ci95: [number, number];
  /** Values more than 14 median absolute deviations from the median. */
  outliers: number[];
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
  /**
   * Repeated runs only (`--repeat N`): every figure above is then the median over the
   * repetitions; `stats` gives, per gate metric, the spread behind it; `repetitions` each
   * run's own summary; `warmups` the runs left out of the statistics.
   */
  stats?: Record<string, MetricStats>;
  repetitions?: ArmSummary[];
  warmups?: ArmSummary[];
  /** Provisioning attempts that failed and were tried again (`retried` events), all desktops of the arm. */
  retries: number;
}

/**
 * Something the figures alone would hide: storage or CPU at capacity, memory
 * over-committed, a pool beyond a configuration maximum. `code` is stable (for CI); the
 * message is for people. `arm` is absent for a warning about the whole run.
 */
export interface RunWarning {
  code: string;
  message: string;
  arm?: string;
}

export interface GateCheck {
  arm: string;
  metric: string;
  /** `regression`: worse than the baseline by more than allowed; `change`: moved either way by more than allowed; `band`: outside expected values. */
  kind: 'regression' | 'change' | 'band';
  value: number | null;
  baseline?: number | null;
  /** The limit the value was held to. */
  limit: string;
  passed: boolean;
  message: string;
}

/** The regression gate's verdict, stored with the run (summary.json, run.json, the report). */
export interface GateResult {
  passed: boolean;
  /** The baseline compared with (as given: a run folder or a summary.json), when there was one. */
  baseline?: string;
  /** How many checks failed, of `checks.length`. */
  failed: number;
  checks: GateCheck[];
}

export interface RunSummary {
  runId: string;
  scenario: string;
  driver: string;
  status: RunStatus;
  runDir: string;
  arms: ArmSummary[];
  /** Present (and non-empty) only when there is something to warn about. */
  warnings?: RunWarning[];
  /** Present when the run was gated (`--baseline`, or `gate:` in the scenario). */
  gate?: GateResult;
}
