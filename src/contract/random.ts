/** Seeded pseudo-random numbers (mulberry32): runs with the same seed repeat exactly. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A duration multiplier around 1 with the given spread (e.g. 0.05 = 5 %), clipped to stay sane. */
  jitter(spread: number): number {
    if (spread <= 0) return 1;
    return Math.min(1 + 3 * spread, Math.max(1 - 3 * spread, 1 + spread * this.normal()));
  }
}

/** FNV-1a hash of a string, to derive independent seeded streams (one per VM). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
