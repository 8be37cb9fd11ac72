import { describe, expect, it } from 'vitest';
import { clockText, progressLine, type ProgressState } from '../../src/cli/progress.js';

const state = (patch: Partial<ProgressState> = {}): ProgressState => ({
  name: 'composer', ready: 40, failed: 0, total: 100, clockS: 200, firstReadyS: 160, iops: 16_330, cpuPct: 71.8, phases: ['clone', 'customize', 'power-on'], ...patch,
});

describe('the live progress line', () => {
  it('fits 80 columns, even with a long arm name and every field', () => {
    const line = progressLine(state({ name: 'instant-clone-with-a-very-long-arm-name-40', failed: 12 }), 79);
    expect(line.length).toBeLessThanOrEqual(79);
    expect(line.endsWith('…')).toBe(true);
    expect(progressLine(state(), 79).length).toBeLessThanOrEqual(79);
  });

  it('shows desktops ready, the cluster clock, live IOPS and CPU, the estimate and the overlapping phases', () => {
    const line = progressLine(state(), 200);
    expect(line).toContain('40/100');
    expect(line).toContain('t 3:20');
    expect(line).toContain('16,330 IOPS');
    expect(line).toContain('CPU 72%');
    // 39 desktops in 40 s since the first: ~1.03 s each, 60 left.
    expect(line).toContain('ETA 1:02');
    expect(line).toContain('clone+customize+power-on');
  });

  it('on a real cluster, says how many desktops wait and how long the oldest has waited of its limit', () => {
    const line = progressLine(state({ waits: { waitingForReady: 12, tasksInFlight: 40, oldestWaitS: 95, readyTimeoutS: 1800 } }), 200);
    expect(line).toContain('12 waiting (oldest 1:35 of 30:00)');
    expect(line).toContain('40 tasks');
    expect(progressLine(state({ waits: { waitingForReady: 0, tasksInFlight: 0, oldestWaitS: 0, readyTimeoutS: 1800 } }), 200)).not.toContain('waiting');
  });

  it('gives no estimate before two desktops are ready', () => {
    expect(progressLine(state({ ready: 1 }), 200)).not.toContain('ETA');
    expect(progressLine(state({ firstReadyS: null, ready: 0 }), 200)).not.toContain('ETA');
  });

  it('writes clocks as m:ss and h:mm:ss', () => {
    expect(clockText(75)).toBe('1:15');
    expect(clockText(3723)).toBe('1:02:03');
    expect(clockText(5)).toBe('0:05');
  });
});
