/**
 * Records what happens in one arm: phases (each spans from the first step that entered it
 * to the last that left it, so pipelined phases overlap as they really do) and per-desktop
 * lifecycle events. Times are seconds since the arm started, on the driver's clock.
 */
import type { Clock } from '../contract/cluster.js';
import type { Method } from '../contract/method.js';
import type { OperationName } from '../contract/operation.js';
import { OPERATION_PHASE_NAMES, PHASE_NAMES, type LifecycleEvent, type LifecycleKind, type PhaseName, type PhaseRecord } from '../contract/observations.js';

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

  private readonly order: readonly PhaseName[];
  /** Events' `tS` counts from the arm's start, a day-2 operation's included. */
  private readonly eventOriginMs: number;
  readonly operation: OperationName | undefined;

  /**
   * `operation`: a day-2 operation's recorder: its events carry the operation's name, its
   * phases count from its own start (`startMs`), its events from the arm's.
   */
  constructor(
    readonly arm: string,
    readonly method: Method,
    readonly startMs: number,
    private readonly clock: Clock,
    private readonly listener: ArmListener = {},
    operation?: { name: OperationName; armStartMs: number },
  ) {
    this.operation = operation?.name;
    this.eventOriginMs = operation?.armStartMs ?? startMs;
    this.order = operation === undefined ? PHASE_NAMES : OPERATION_PHASE_NAMES;
  }

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
    const event: LifecycleEvent = { arm: this.arm, method: this.method, desktop, host, kind, timeMs, tS: (timeMs - this.eventOriginMs) / 1000 };
    if (error !== undefined) event.error = error;
    if (this.operation !== undefined) event.operation = this.operation;
    this.events.push(event);
    this.listener.onEvent?.(event);
  }

  phases(): PhaseRecord[] {
    return this.order.flatMap((name) => {
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
    if (this.currentPhase && this.order.indexOf(phase) < this.order.indexOf(this.currentPhase)) return;
    this.currentPhase = phase;
    this.listener.onPhase?.(phase);
  }
}
