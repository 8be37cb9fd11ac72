/**
 * Records what happens in one arm: phases (each spans from the first step that entered it
 * to the last that left it, so pipelined phases overlap as they really do) and per-desktop
 * lifecycle events. Times are seconds since the arm started, on the driver's clock.
 */
import type { Clock } from '../contract/cluster.js';
import type { Method } from '../contract/method.js';
import { PHASE_NAMES, type LifecycleEvent, type LifecycleKind, type PhaseName, type PhaseRecord } from '../contract/observations.js';

export interface ArmListener {
  onPhase?(phase: PhaseName): void;
  onEvent?(event: LifecycleEvent): void;
}

interface PhaseSpan {
  startMs: number;
  endMs: number;
  active: number;
  performed: boolean;
  note?: string;
}

export class ArmRecorder {
  private readonly spans = new Map<PhaseName, PhaseSpan>();
  private currentPhase: PhaseName | undefined;
  readonly events: LifecycleEvent[] = [];

  constructor(
    readonly arm: string,
    readonly method: Method,
    readonly startMs: number,
    private readonly clock: Clock,
    private readonly listener: ArmListener = {},
  ) {}

  /** Run `step` as part of `phase`. */
  async track<T>(phase: PhaseName, step: () => Promise<T>): Promise<T> {
    const nowMs = this.clock.nowMs();
    let span = this.spans.get(phase);
    if (!span) {
      span = { startMs: nowMs, endMs: nowMs, active: 0, performed: true };
      this.spans.set(phase, span);
    }
    span.active++;
    this.enter(phase);
    try {
      return await step();
    } finally {
      span.active--;
      span.endMs = Math.max(span.endMs, this.clock.nowMs());
    }
  }

  /** A phase the platform offers no way to perform: recorded with zero length and a note. */
  notPerformed(phase: PhaseName, note: string): void {
    const nowMs = this.clock.nowMs();
    this.spans.set(phase, { startMs: nowMs, endMs: nowMs, active: 0, performed: false, note });
  }

  desktop(desktop: string, host: string, kind: LifecycleKind, error?: string): void {
    const timeMs = this.clock.nowMs();
    const event: LifecycleEvent = { arm: this.arm, method: this.method, desktop, host, kind, timeMs, tS: (timeMs - this.startMs) / 1000 };
    if (error !== undefined) event.error = error;
    this.events.push(event);
    this.listener.onEvent?.(event);
  }

  phases(): PhaseRecord[] {
    return PHASE_NAMES.flatMap((name) => {
      const span = this.spans.get(name);
      if (!span) return [];
      const record: PhaseRecord = {
        name,
        startS: (span.startMs - this.startMs) / 1000,
        durationS: (span.endMs - span.startMs) / 1000,
        performed: span.performed,
      };
      if (span.note !== undefined) record.note = span.note;
      return [record];
    });
  }

  /** Progress shows the latest phase entered. */
  private enter(phase: PhaseName): void {
    if (this.currentPhase === phase) return;
    if (this.currentPhase && PHASE_NAMES.indexOf(phase) < PHASE_NAMES.indexOf(this.currentPhase)) return;
    this.currentPhase = phase;
    this.listener.onPhase?.(phase);
  }
}
