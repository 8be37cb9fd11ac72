import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArmSample, LifecycleEvent } from '../../src/contract/observations.js';
import type { RunIdentity } from '../../src/contract/sink.js';
import type { ArmSummary } from '../../src/contract/summary.js';
import { LineProtocolEncoder } from '../../src/metrics/line-protocol.js';
import { parseLine } from './parse-line-protocol.js';

const run: RunIdentity = { runId: 'r1', scenario: 'demo', driver: 'vsphere', cluster: 'Cluster A', endpoint: 'vc.lab' };
const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

function sample(overrides: Partial<ArmSample> = {}): ArmSample {
  return {
    timeMs: T0 + 20_123, arm: 'composer', method: 'composer', host: 'esx-01', tS: 20.123,
    cpuPct: 12.34567, cpuMhz: 1000, readIops: 10, writeIops: 20, diskReadIops: null, diskWriteIops: 5, ...overrides,
  };
}

function event(overrides: Partial<LifecycleEvent> = {}): LifecycleEvent {
  return { arm: 'composer', method: 'composer', desktop: 'vdibench-composer-1', host: 'esx-01', kind: 'ready', timeMs: T0 + 1_234, tS: 1.2346, ...overrides };
}

/** What a string outside our control is stored as: the documented rule (docs/INFLUXDB.md). */
const storedTag = (value: string) => value.replace(/[\r\n]/g, ' ').replace(/\\(?=[,= ]|$)/g, '/');

describe('line protocol encoding', () => {
  it('keeps hostile tag values intact: spaces, commas, =, quotes, unicode; a backslash that cannot be encoded becomes /', () => {
    const hostile = { cluster: 'Prod, "Blue"=1 \\', endpoint: 'https://vc é/ü?x=1,y', runId: 'r1', scenario: 'demo', driver: 'vsphere' };
    const [line] = new LineProtocolEncoder(hostile).encode({ samples: [sample({ host: 'esx 01\\lab\\' })] });
    const point = parseLine(line!);
    expect(point.measurement).toBe('vsphere_host_cpu');
    expect(point.tags).toEqual({
      arm: 'composer', method: 'composer', run_id: 'r1', scenario: 'demo', cpu: 'instance-total',
      clustername: 'Prod, "Blue"=1 /', vcenter: 'https://vc é/ü?x=1,y', esxhostname: 'esx 01\\lab/', source: 'esx 01\\lab/',
    });
    expect(line).toMatch(/^vsphere_host_cpu,arm=composer,clustername=Prod\\,\\ "Blue"\\=1\\ \/,cpu=instance-total,esxhostname=esx\\ 01\\lab\/,/);
  });

  it.each([
    ['trailing', 'C:\\dir\\', 'C:\\dir/'],
    ['before a comma', 'a\\,b', 'a/,b'],
    ['before a space', 'a\\ b', 'a/ b'],
    ['before =', 'a\\=b', 'a/=b'],
    ['before a newline', 'a\\\nb', 'a/ b'],
    ['a run of them', 'a\\\\', 'a\\/'],
    ['inside', 'DOMAIN\\user', 'DOMAIN\\user'],
  ])('a backslash %s in a tag value: %j is stored as %j', (_where, value, stored) => {
    const [line] = new LineProtocolEncoder({ ...run, cluster: value }).encode({ samples: [sample()] });
    expect(parseLine(line!).tags.clustername).toBe(stored);
  });

  it('any tag value and any error text survive the encoding (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'binary' }), (value, error) => {
      const encoder = new LineProtocolEncoder({ ...run, cluster: value, endpoint: `${value}\\` });
      const [sampleLine] = encoder.encode({ samples: [sample({ host: value })] });
      const [eventLine] = encoder.encode({ events: [event({ kind: 'failed', desktop: value, error })] });
      const point = parseLine(sampleLine!);
      expect(point.tags.clustername).toBe(storedTag(value));
      expect(point.tags.vcenter).toBe(storedTag(`${value}\\`));
      expect(point.tags.esxhostname).toBe(storedTag(value));
      const eventPoint = parseLine(eventLine!);
      expect(eventPoint.fields.error).toBe(error.replace(/[\r\n]/g, ' '));
      expect(eventPoint.fields.desktop).toBe(value.replace(/[\r\n]/g, ' '));
      expect(sampleLine).not.toMatch(/[\r\n]/);
      expect(eventLine).not.toMatch(/[\r\n]/);
    }), { numRuns: 300 });
  });

  it('leaves out empty tags and values the source did not give (a gap, not a zero)', () => {
    const lines = new LineProtocolEncoder({ ...run, endpoint: '' }).encode({ samples: [sample({ cpuPct: null, cpuMhz: null, diskReadIops: null, diskWriteIops: null })] });
    expect(lines.map((line) => parseLine(line).measurement)).toEqual(['vsphere_host_disk', 'vdibench_storage']);
    const storage = parseLine(lines[1]!);
    expect(storage.tags).not.toHaveProperty('vcenter');
    expect(storage.fields).toEqual({ host_read_iops: 10, host_write_iops: 20 });
  });

  it('writes sample fields under Telegraf\'s names, rounded to 3 digits', () => {
    const points = new LineProtocolEncoder(run).encode({ samples: [sample({ diskReadIops: 7.77777 })] }).map(parseLine);
    expect(points.map((point) => [point.measurement, point.fields])).toEqual([
      ['vsphere_host_cpu', { usage_average: 12.346, usagemhz_average: 1000 }],
      ['vsphere_host_disk', { numberReadAveraged_average: 10, numberWriteAveraged_average: 20 }],
      ['vdibench_storage', { disk_read_iops: 7.778, disk_write_iops: 5, host_read_iops: 10, host_write_iops: 20 }],
    ]);
    expect(points[0]!.tags.disk).toBeUndefined();
    expect(points[1]!.tags.disk).toBe('instance-total');
  });

  it('keeps milliseconds in timestamps and numbers events so points of one millisecond stay distinct', () => {
    const encoder = new LineProtocolEncoder(run);
    const [first, second] = encoder.encode({ events: [event(), event({ desktop: 'd2' })] }).map(parseLine);
    const [third] = encoder.encode({ events: [event({ timeMs: T0 + 1_234.6 })] }).map(parseLine);
    expect(first!.timeNs).toBe(BigInt(T0 + 1_234) * 1_000_000n);
    expect(second!.timeNs).toBe(BigInt(T0 + 1_234) * 1_000_000n + 1n);
    // Cut, not rounded, to the millisecond: as events.csv stores it.
    expect(third!.timeNs).toBe(BigInt(T0 + 1_234) * 1_000_000n + 2n);
    expect(first!.fields).toEqual({ desktop: 'vdibench-composer-1', t_s: 1.235, host: 'esx-01' });
    const [cpu] = encoder.encode({ samples: [sample()] }).map(parseLine);
    expect(cpu!.timeNs).toBe(BigInt(T0 + 20_123) * 1_000_000n);
  });

  it('writes phases at the arm start plus their start, and summaries with every figure', () => {
    const encoder = new LineProtocolEncoder(run);
    const [phase] = encoder.encode({ phases: [{ arm: 'instant', method: 'instant-clone', startMs: T0, phases: [{ name: 'power-on', startS: 12.3456, durationS: 7.0004, performed: false }] }] }).map(parseLine);
    expect(phase).toEqual({
      measurement: 'vdibench_phase', timeNs: BigInt(T0 + 12_345) * 1_000_000n,
      tags: { arm: 'instant', method: 'instant-clone', phase: 'power-on', run_id: 'r1', scenario: 'demo' },
      fields: { start_s: 12.346, duration_s: 7, performed: false },
    });
    const arm: ArmSummary = {
      name: 'composer', method: 'composer', desktops: { requested: 10, ready: 9, failed: 1 }, deployTimeS: 300.5,
      phases: [{ name: 'power-on', startS: 1, durationS: 20.5, performed: true }, { name: 'digest', startS: 0, durationS: 0, performed: false }],
      peakIops: 16000, avgIops: 8000, totalIos: 1e6, peakCpuPct: 70.25, avgCpuPct: 40, desktopReadyS: { p50: 200, p95: null, max: 300 }, retries: 0,
    };
    const [summary] = encoder.encode({ summaries: [{ arm, timeMs: T0 + 5 }] }).map(parseLine);
    expect(summary!.measurement).toBe('vdibench_summary');
    expect(summary!.timeNs).toBe(BigInt(T0 + 5) * 1_000_000n);
    expect(summary!.fields).toEqual({
      desktops_requested: 10, desktops_ready: 9, desktops_failed: 1, peak_iops: 16000, avg_iops: 8000, total_ios: 1e6,
      peak_cpu_pct: 70.25, avg_cpu_pct: 40, retries: 0, deploy_time_s: 300.5, ready_p50_s: 200, phase_power_on_s: 20.5,
    });
    const [empty] = encoder.encode({ summaries: [{ arm: { ...arm, deployTimeS: null, desktopReadyS: { p50: null, p95: 3, max: null } }, timeMs: T0 }] }).map(parseLine);
    expect(empty!.fields).not.toHaveProperty('deploy_time_s');
    expect(empty!.fields).not.toHaveProperty('ready_p50_s');
    expect(empty!.fields.ready_p95_s).toBe(3);
  });

  it('refuses a value that is not a number', () => {
    const encoder = new LineProtocolEncoder(run);
    const arm = { name: 'a', method: 'composer', desktops: { requested: 1, ready: 1, failed: 0 }, deployTimeS: Number.NaN, phases: [], peakIops: 1, avgIops: 1, totalIos: 1, peakCpuPct: 1, avgCpuPct: 1, desktopReadyS: { p50: 1, p95: 1, max: 1 }, retries: 0 } satisfies ArmSummary;
    expect(() => encoder.encode({ summaries: [{ arm, timeMs: T0 }] })).toThrow(/field value NaN is not finite/);
  });
});
