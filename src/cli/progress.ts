/**
 * Live progress on stderr. On a terminal: one line per arm, redrawn in place and never
 * wider than the terminal (80 columns by default): desktops ready of N, the cluster clock
 * (simulated time on sim), live storage IOPS and CPU from the last samples, an estimate of
 * the time left, and the phases under way. Otherwise: plain lines at each phase and every
 * 10 % of desktops.
 */
import type { ArmSample, LifecycleEvent, PhaseName } from '../contract/observations.js';
import type { ArmRecord, ArmSpec } from '../contract/run-record.js';
import type { WaitState } from '../drivers/types.js';
import type { RunListener } from '../scenarios/runner.js';

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
}

/** `75 s`, `12:05`, `1:02:03`: short enough for a progress line. */
export function clockText(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export interface ProgressState {
  name: string;
  ready: number;
  failed: number;
  total: number;
  /** Cluster time since the arm started (simulated on sim). */
  clockS: number;
  /** Cluster time of the first desktop ready, for the rate behind the estimate. */
  firstReadyS: number | null;
  iops: number | null;
  cpuPct: number | null;
  phases: PhaseName[];
  /** On a real cluster: what desktops wait for, and how long the oldest has waited of its limit. */
  waits?: WaitState | undefined;
}

/** The progress line, cut to `columns` characters. */
export function progressLine(state: ProgressState, columns: number): string {
  const { ready, failed, total } = state;
  const barWidth = columns >= 100 ? 20 : 10;
  const filled = total ? Math.round((barWidth * ready) / total) : 0;
  const parts = [
    `${state.name} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${ready}/${total}${failed ? ` (${failed} failed)` : ''}`,
    `t ${clockText(state.clockS)}`,
  ];
  if (state.iops !== null) parts.push(`${Math.round(state.iops).toLocaleString('en-US')} IOPS`);
  if (state.cpuPct !== null) parts.push(`CPU ${Math.round(state.cpuPct)}%`);
  const remaining = total - ready - failed;
  if (state.firstReadyS !== null && ready > 1 && remaining > 0 && state.clockS > state.firstReadyS) {
    const perDesktopS = (state.clockS - state.firstReadyS) / (ready - 1);
    parts.push(`ETA ${clockText(remaining * perDesktopS)}`);
  }
  const waits = state.waits;
  if (waits && waits.waitingForReady > 0) parts.push(`${waits.waitingForReady} waiting (oldest ${clockText(waits.oldestWaitS)} of ${clockText(waits.readyTimeoutS)})`);
  if (waits && waits.tasksInFlight > 0) parts.push(`${waits.tasksInFlight} tasks`);
  if (state.phases.length > 0) parts.push(state.phases.join('+'));
  const line = `  ${parts.join('  ')}`;
  return line.length <= columns ? line : `${line.slice(0, Math.max(0, columns - 1))}…`;
}

export function progressReporter({ stream, quiet }: ProgressOptions): RunListener {
  if (quiet) return {};
  const tty = Boolean(stream.isTTY);
  let state: ProgressState = { name: '', ready: 0, failed: 0, total: 0, clockS: 0, firstReadyS: null, iops: null, cpuPct: null, phases: [] };
  let lastDrawMs = 0;
  let lastDecile = 0;
  let started = 0;
  let waitsOf: (() => WaitState | undefined) | undefined;
  // On a real cluster nothing may happen for minutes (Tools waits): redraw every second anyway.
  let ticker: NodeJS.Timeout | undefined;
  /** A progress line is on screen without its newline yet. */
  let lineOpen = false;
  const columns = () => Math.max(40, (stream.columns || 80) - 1);
  const draw = (force = false) => {
    const nowMs = Date.now();
    if (!force && nowMs - lastDrawMs < 100) return;
    lastDrawMs = nowMs;
    state.waits = waitsOf?.();
    stream.write(`\r\x1b[2K${progressLine(state, columns())}`);
    lineOpen = true;
  };
  const closeLine = () => {
    if (!tty || !lineOpen) return;
    draw(true);
    stream.write('\n');
    lineOpen = false;
  };
  const label = (arm: ArmSpec) => `${arm.name} (${arm.method})`;
  return {
    onArmStart(arm, index, count, waits) {
      waitsOf = waits;
      if (tty) {
        clearInterval(ticker);
        ticker = setInterval(() => { state.waits = waitsOf?.(); draw(true); }, 1000);
        ticker.unref();
      }
      state = { name: arm.name, ready: 0, failed: 0, total: arm.desktops, clockS: 0, firstReadyS: null, iops: null, cpuPct: null, phases: [] };
      lastDecile = 0;
      started = Date.now();
      stream.write(`arm ${index + 1}/${count}: ${label(arm)}, ${arm.desktops} desktops\n`);
    },
    onPhase(arm, next) {
      // Pipelined phases overlap (Composer clones, customizes and powers on at once): keep the last three.
      state.phases = [...state.phases.filter((phase) => phase !== next), next].slice(-3);
      if (tty) draw(true);
      else stream.write(`  ${arm.name}: phase ${next}\n`);
    },
    onOperation(arm, operation) {
      closeLine();
      // The pool as deployed is what the operation works through: count it afresh.
      state = { ...state, name: `${arm.name} ${operation}`, ready: 0, failed: 0, firstReadyS: null, phases: [] };
      lastDecile = 0;
      stream.write(`  ${arm.name}: ${operation} on the deployed pool\n`);
    },
    onSamples(_arm, samples: ArmSample[]) {
      if (samples.length === 0) return;
      const iops = samples.map((sample) => (sample.diskReadIops ?? sample.readIops ?? 0) + (sample.diskWriteIops ?? sample.writeIops ?? 0));
      const cpu = samples.flatMap((sample) => (sample.cpuPct === null ? [] : [sample.cpuPct]));
      state.iops = iops.reduce((sum, value) => sum + value, 0);
      state.cpuPct = cpu.length ? cpu.reduce((sum, value) => sum + value, 0) / cpu.length : null;
      state.clockS = Math.max(state.clockS, samples[0]!.tS);
      if (tty) draw();
    },
    onEvent(arm, event: LifecycleEvent) {
      state.clockS = Math.max(state.clockS, event.tS);
      if (event.kind === 'ready') {
        state.ready++;
        state.firstReadyS ??= event.tS;
      } else if (event.kind === 'failed') {
        state.failed++;
      } else {
        return;
      }
      if (tty) {
        draw();
        return;
      }
      const decile = Math.floor((10 * (state.ready + state.failed)) / Math.max(state.total, 1));
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`  ${arm.name}: ${state.ready}/${state.total} ready${state.failed ? `, ${state.failed} failed` : ''} at ${clockText(state.clockS)} cluster time\n`);
      }
    },
    onArmEnd(arm, record: ArmRecord) {
      clearInterval(ticker);
      closeLine();
      const clusterS = (record.endMs - record.startMs) / 1000;
      const ready = record.desktops.filter((desktop) => desktop.readyS !== undefined).length;
      const wall = `(${((Date.now() - started) / 1000).toFixed(2)} s wall)`;
      const operations = record.operations ?? [];
      stream.write(`  ${arm.name}: done, ${ready}/${arm.desktops} ready in ${clockText(clusterS)} of cluster time${operations.length ? '' : ` ${wall}`}\n`);
      for (const [index, operation] of operations.entries()) {
        const back = operation.desktops.filter((desktop) => desktop.readyS !== undefined).length;
        stream.write(`  ${arm.name}: ${operation.name}, ${back}/${operation.desktops.length} back in service in ${clockText((operation.endMs - operation.startMs) / 1000)} of cluster time${index === operations.length - 1 ? ` ${wall}` : ''}\n`);
      }
    },
    onTeardown(arm, vms) {
      clearInterval(ticker);
      closeLine();
      if (vms > 0) stream.write(`  ${arm.name}: tearing down ${vms} VMs\n`);
    },
  };
}
