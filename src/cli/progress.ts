/**
 * Live progress on stderr. On a terminal: one line per arm, redrawn in place (phase,
 * desktops ready of N). Otherwise: plain lines at each phase and every 10 % of desktops.
 */
import type { ArmRecord } from '../metrics/run-store/record.js';
import type { LifecycleEvent, PhaseName } from '../metrics/types.js';
import type { RunListener } from '../scenarios/runner.js';
import type { ArmSpec } from '../scenarios/schema.js';

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
}

export function progressReporter({ stream, quiet }: ProgressOptions): RunListener {
  if (quiet) return {};
  const tty = Boolean(stream.isTTY);
  let phase: PhaseName | '' = '';
  let ready = 0;
  let failed = 0;
  let total = 0;
  let lastDrawMs = 0;
  let lastDecile = 0;
  let started = 0;
  /** A progress line is on screen without its newline yet. */
  let lineOpen = false;
  const closeLine = (arm: ArmSpec) => {
    if (!tty || !lineOpen) return;
    draw(arm, true);
    stream.write('\n');
    lineOpen = false;
  };
  const label = (arm: ArmSpec) => `${arm.name} (${arm.method})`;
  const draw = (arm: ArmSpec, force = false) => {
    const nowMs = Date.now();
    if (!force && nowMs - lastDrawMs < 100) return;
    lastDrawMs = nowMs;
    const width = 24;
    const filled = total ? Math.round((width * ready) / total) : 0;
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    stream.write(`\r\x1b[2K  ${label(arm)}  [${bar}] ${ready}/${total} ready${failed ? `, ${failed} failed` : ''}  phase: ${phase}`);
    lineOpen = true;
  };
  return {
    onArmStart(arm, index, count) {
      phase = '';
      ready = failed = lastDecile = 0;
      total = arm.desktops;
      started = Date.now();
      stream.write(`arm ${index + 1}/${count}: ${label(arm)}, ${arm.desktops} desktops\n`);
    },
    onPhase(arm, next) {
      phase = next;
      if (tty) draw(arm, true);
      else stream.write(`  ${arm.name}: phase ${next}\n`);
    },
    onEvent(arm, event: LifecycleEvent) {
      if (event.kind === 'ready') ready++;
      else if (event.kind === 'failed') failed++;
      else return;
      if (tty) {
        draw(arm);
        return;
      }
      const decile = Math.floor((10 * (ready + failed)) / Math.max(total, 1));
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`  ${arm.name}: ${ready}/${total} ready${failed ? `, ${failed} failed` : ''}\n`);
      }
    },
    onArmEnd(arm, record: ArmRecord) {
      closeLine(arm);
      const simulatedS = (record.endMs - record.startMs) / 1000;
      stream.write(`  ${arm.name}: done, ${ready}/${total} ready in ${simulatedS.toFixed(0)} s of cluster time (${((Date.now() - started) / 1000).toFixed(2)} s wall)\n`);
    },
    onTeardown(arm, vms) {
      closeLine(arm);
      if (vms > 0) stream.write(`  ${arm.name}: tearing down ${vms} VMs\n`);
    },
  };
}
