/**
 * A discrete-event clock. Simulated time only moves when every piece of code waiting on it
 * is blocked: the pump yields to the event loop (setImmediate) so all promise continuations
 * of the last events run first, then jumps to the next scheduled event. Results are therefore
 * exact and deterministic, and do not depend on how busy the machine is.
 *
 * Real I/O (the run folder, sinks) looks to the pump like everyone being blocked, so code
 * that awaits it runs it through `outsideTime`: the clock holds still until it is done, and
 * a fault due at 600 s never fires while a file is written at 0 s.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../contract/cluster.js';

interface ScheduledEvent {
  atMs: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Stop a runaway simulation (a wait that never ends while samplers keep ticking). */
const MAX_SIMULATED_MS = 90 * 24 * 3600 * 1000;

export class VirtualClock implements Clock {
  private now: number;
  private readonly startMs: number;
  private readonly heap: ScheduledEvent[] = [];
  private seq = 0;
  private pumping = false;
  /** Real-world work in progress; time holds still while any is. */
  private holds = 0;
  private released: (() => void) | undefined;
  /** Events fired so far (for the performance benchmark). */
  eventsFired = 0;

  /** @param timeScale 0 = as fast as possible; X = X simulated seconds per real second. */
  constructor(startMs: number, private readonly timeScale = 0) {
    this.now = startMs;
    this.startMs = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.schedule(this.now + Math.max(0, ms), () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      });
      // An aborted wait leaves no event behind to move the clock later.
      const abort = () => {
        timer.cancel();
        resolve();
      };
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  schedule(atMs: number, fire: () => void): TimerHandle {
    const event: ScheduledEvent = { atMs: Math.max(atMs, this.now), seq: this.seq++, fire, cancelled: false };
    this.push(event);
    if (!this.pumping) void this.pump();
    return { cancel: () => { event.cancelled = true; } };
  }

  async outsideTime<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work();
    } finally {
      this.holds--;
      if (this.holds === 0) this.released?.();
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        await yieldToEventLoop();
        while (this.holds > 0) {
          await new Promise<void>((resolve) => { this.released = resolve; });
          this.released = undefined;
          await yieldToEventLoop();
        }
        const next = this.popLive();
        if (!next) return;
        if (this.timeScale > 0 && next.atMs > this.now) await delay((next.atMs - this.now) / this.timeScale);
        if (next.atMs - this.startMs > MAX_SIMULATED_MS) {
          throw new Error(`simulation ran past ${MAX_SIMULATED_MS / 86_400_000} simulated days: a wait never ends`);
        }
        this.now = next.atMs;
        this.fireEvent(next);
        // Everything due at the same instant fires before the continuations run.
        for (let peek = this.peekLive(); peek && peek.atMs === this.now; peek = this.peekLive()) {
          this.fireEvent(this.popLive()!);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private fireEvent(event: ScheduledEvent): void {
    this.eventsFired++;
    event.fire();
  }

  private peekLive(): ScheduledEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private popLive(): ScheduledEvent | undefined {
    return this.peekLive() ? this.pop() : undefined;
  }

  private before(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private pop(): ScheduledEvent {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return top;
  }
}
