import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../contract/cluster.js';

/** Wall-clock time, for drivers that talk to real infrastructure. */
export class RealClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  async sleep(ms: number): Promise<void> {
    if (ms > 0) await delay(ms);
  }

  outsideTime<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}
