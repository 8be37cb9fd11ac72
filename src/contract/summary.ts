/**
 * The machine-readable summary: what `bench run --json` prints, what summary.json holds,
 * and what lab CI relies on. Changing a field's meaning is a breaking change.
 */
import type { RunStatus } from './run-status.js';
import type { PhaseName } from './observations.js';
import type { Method } from './method.js';
import type { OperationName, UserPolicyName } from './operation.js';

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

/** What a deployment or a day-2 operation did to the cluster, over its own samples. */
export interface ClusterLoad {
  /** Peak of the cluster's total (read + write) storage IOPS over the sampling intervals. */
  peakIops: number;
  /** Time-weighted mean of the cluster's total storage IOPS. */
  avgIops: number;
  /** Storage I/Os. */
  totalIos: number;
  /** Peak and mean of the cluster's CPU use (all hosts' MHz over all hosts' capacity). */
  peakCpuPct: number;
  avgCpuPct: number;
}

/** One day-2 operation on an arm's pool; times in seconds. */
export interface OperationSummary extends ClusterLoad {
  name: OperationName;
  /** When it started, since the arm's start; how long it ran (publishing and waiting for users included). */
  startS: number;
  durationS: number;
  users: { policy: UserPolicyName; loggedInPct: number };
  /** Desktops it took, those back in service, those that failed. */
  desktops: { total: number; done: number; failed: number };
  /** The maintenance window: first desktop out of service to the last back (or failed); null when none went out. */
  windowS: number | null;
  /** Desktop-seconds out of service, all desktops (a failed one counts until the operation ended). */
  unavailableDesktopS: number;
  /** Most desktops out of service at once. */
  peakUnavailable: number;
  /** Per desktop: out of service to back in service. */
  downtimeS: { p50: number | null; p95: number | null; max: number | null };
  /** Seconds since the operation started. */
  phases: PhaseSummary[];
}

export interface ArmSummary extends ClusterLoad {
  name: string;
  method: Method;
  desktops: { requested: number; ready: number; failed: number };
  /** From the arm's start to its last desktop ready; null when none became ready. */
  deployTimeS: number | null;
  phases: PhaseSummary[];
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
  /**
   * Day-2 operations after the deployment, in order (absent: deploy only). Every figure
   * above is the deployment's alone.
   */
  operations?: OperationSummary[];
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
