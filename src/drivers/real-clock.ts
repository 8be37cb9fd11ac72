import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../contract/cluster.js';

/** Wall-clock time, for drivers that talk to real infrastructure. */
export class RealClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return;
    // An aborted wait ends early; its timer is cleared, so it keeps no process alive.
    await delay(ms, undefined, signal ? { signal } : undefined).catch((error: unknown) => {
      if (!signal?.aborted) throw error;
    });
  }

  outsideTime<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}
