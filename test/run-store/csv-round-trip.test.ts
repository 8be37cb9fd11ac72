import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArmSample, LifecycleEvent } from '../../src/contract/observations.js';
import { RUN_SCHEMA_VERSION, type ArmRecord, type RunRecord } from '../../src/contract/run-record.js';
import { renderDesktopsCsv, renderPhasesCsv } from '../../src/report/csv.js';
import { readRun } from '../../src/run-store/read.js';
import { DESKTOP_COLUMNS, EVENT_COLUMNS, PHASE_COLUMNS, runFilePath, SAMPLE_COLUMNS } from '../../src/run-store/layout.js';
import { RunStoreSink } from '../../src/run-store/writer.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

/** A run record still `running`, owned by this live process: read back from events.csv, not marked crashed. */
function runningRecord(): RunRecord {
  return {
    schemaVersion: RUN_SCHEMA_VERSION, runId: 'r', status: 'running', createdAt: new Date(T0).toISOString(),
    harness: { name: 'vdibench', version: 'test', node: process.versions.node }, process: { pid: process.pid, host: hostname() },
    scenarioFile: null,
    scenario: {
      name: 's', description: '', driver: 'sim', desktops: 2, seed: 1, namePrefix: 'vdibench-', keep: false, sampleIntervalS: 20,
      arms: [{ name: 'composer', method: 'composer', desktops: 2 }, { name: 'instant', method: 'instant-clone', desktops: 2 }],
      gate: { maxRegression: {}, expect: {} },
    },
    driver: { name: 'sim', inventory: { cluster: 'c', endpoint: 'e', datastores: [], hosts: [], details: {} } },
    arms: [],
  };
}

async function storeAndRead(samples: ArmSample[], events: LifecycleEvent[], record = runningRecord()) {
  const dir = tempDir();
  writeFileSync(runFilePath(dir, 'record'), JSON.stringify(record));
  const writer = new RunStoreSink(dir);
  await writer.start({ runId: 'r', scenario: 's', driver: 'sim', cluster: 'c', endpoint: 'e' });
  writer.write({ samples, events, lines: ['m f=1 1'] });
  writer.write({});
  await writer.flush();
  await writer.close();
  return { dir, stored: await readRun(dir) };
}

const event = (desktop: string, kind: LifecycleEvent['kind'], tS: number, error?: string): LifecycleEvent => ({
  arm: 'composer', method: 'composer', desktop, host: 'esx-01', kind, timeMs: T0 + Math.round(tS * 1000), tS, ...(error === undefined ? {} : { error }),
});

describe('the run store CSV files, written and read back', () => {
  it('keeps any error text of a failed desktop, however hostile (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'binary', minLength: 1 }), { minLength: 1, maxLength: 5 }), async (errors) => {
      const events = errors.flatMap((error, index) => [event(`d${index}`, 'requested', index), event(`d${index}`, 'failed', index + 0.5, error)]);
      const { stored } = await storeAndRead([], events);
      const [arm] = stored.record.arms;
      expect(arm!.desktops.map((desktop) => [desktop.name, desktop.failedS, desktop.error])).toEqual(errors.map((error, index) => [`d${index}`, index + 0.5, error]));
    }), { numRuns: 60 });
  });

  it.each([
    'disk full, "retry" later',
    'line one\nline two\r\nline three\r',
    '=cmd|" /C calc"!A0',
    '"',
    ',',
    ' leading and trailing ',
    'ünïcødé 🖥️ \u0000 \t',
  ])('keeps the error %j', async (error) => {
    const { stored } = await storeAndRead([], [event('d1', 'requested', 0), event('d1', 'failed', 1.25, error)]);
    expect(stored.record.arms[0]!.desktops[0]!.error).toBe(error);
  });

  it('keeps sample values to their stored precision, gaps as null, times to the millisecond', async () => {
    const samples: ArmSample[] = [
      { timeMs: T0 + 20_123, arm: 'composer', method: 'composer', host: 'esx 01, "a"', tS: 20.1234, cpuPct: 12.3456, cpuMhz: 1000.06, readIops: 0, writeIops: null, diskReadIops: 7.77, diskWriteIops: null },
      { timeMs: T0 + 40_000, arm: 'instant', method: 'instant-clone', host: 'esx-02', tS: 40, cpuPct: null, cpuMhz: null, readIops: 1.25, writeIops: 2.04, diskReadIops: null, diskWriteIops: 3 },
    ];
    const { stored, dir } = await storeAndRead(samples, [], { ...runningRecord(), status: 'completed' });
    expect(stored.samples).toEqual([
      { timeMs: T0 + 20_123, arm: 'composer', method: 'composer', host: 'esx 01, "a"', tS: 20.123, cpuPct: 12.35, cpuMhz: 1000.1, readIops: 0, writeIops: null, diskReadIops: 7.8, diskWriteIops: null },
      { timeMs: T0 + 40_000, arm: 'instant', method: 'instant-clone', host: 'esx-02', tS: 40, cpuPct: null, cpuMhz: null, readIops: 1.3, writeIops: 2, diskReadIops: null, diskWriteIops: 3 },
    ]);
    const header = (file: 'samples' | 'events') => parse(readFileSync(runFilePath(dir, file), 'utf8'), { to_line: 1 })[0];
    expect(header('samples')).toEqual([...SAMPLE_COLUMNS]);
    expect(header('events')).toEqual([...EVENT_COLUMNS]);
  });

  it('writes events to the millisecond with their columns in order', async () => {
    const { dir, stored } = await storeAndRead([], [
      { ...event('d1', 'failed', 1.2346, 'boom'), timeMs: T0 + 1_234.6 },
      event('d2', 'ready', 3),
      { ...event('d2', 'out-of-service', 4), operation: 'recompose' },
    ]);
    const rows = parse(readFileSync(runFilePath(dir, 'events'), 'utf8'));
    expect(rows).toEqual([
      [...EVENT_COLUMNS],
      ['2026-11-26T10:00:01.234Z', '1.235', 'composer', 'composer', 'd1', 'esx-01', 'failed', 'boom', ''],
      ['2026-11-26T10:00:03.000Z', '3', 'composer', 'composer', 'd2', 'esx-01', 'ready', '', ''],
      ['2026-11-26T10:00:04.000Z', '4', 'composer', 'composer', 'd2', 'esx-01', 'out-of-service', '', 'recompose'],
    ]);
    // A rebuilt arm's desktops are the deployment's: the operation's event does not count there.
    expect(stored.record.arms[0]!.desktops.find((desktop) => desktop.name === 'd2')).toEqual({ name: 'd2', host: 'esx-01', readyS: 3 });
  });

  it('a run still going is rebuilt from its events; a run whose process is gone is marked failed', async () => {
    const events = [event('d1', 'requested', 0.5), event('d1', 'cloned', 2), event('d1', 'ready', 10), { ...event('x', 'ready', 1), arm: 'ghost' }];
    const { stored } = await storeAndRead([], events);
    expect(stored.record.status).toBe('running');
    expect(stored.record.arms).toEqual([{
      name: 'composer', method: 'composer', desktopsRequested: 2, startedAt: new Date(T0).toISOString(), startMs: T0, endMs: T0 + 10_000,
      phases: [], desktops: [{ name: 'd1', host: 'esx-01', requestedS: 0.5, clonedS: 2, readyS: 10 }], keptVms: [],
    } satisfies ArmRecord]);
    const crashed = await storeAndRead([], events, { ...runningRecord(), process: { pid: process.pid, host: 'another-host' } });
    expect(crashed.stored.record.status).toBe('failed');
    expect(crashed.stored.record.error).toMatch(/its process is gone/);
  });
});

describe('the exported desktops.csv and phases.csv', () => {
  const arm = (error: string, note: string): ArmRecord => ({
    name: 'composer', method: 'composer', desktopsRequested: 1, startedAt: '', startMs: 0, endMs: 0, keptVms: [],
    phases: [{ name: 'digest', startS: 1.23456, durationS: 2, performed: false, note }],
    desktops: [{ name: 'd1', host: 'esx-01', requestedS: 0, clonedS: 1.5, failedS: 3, error }],
  });

  it('quote whatever a desktop error or phase note holds (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (error, note) => {
      const record = { ...runningRecord(), arms: [arm(error, note)] };
      const desktops = parse(renderDesktopsCsv({ record }), { columns: true }) as Record<string, string>[];
      expect(desktops).toEqual([{ arm: 'composer', method: 'composer', desktop: 'd1', host: 'esx-01', requestedS: '0', clonedS: '1.5', poweredOnS: '', customizedS: '', readyS: '', failedS: '3', error, retries: '0' }]);
      const phases = parse(renderPhasesCsv({ record }), { columns: true }) as Record<string, string>[];
      expect(phases).toEqual([{ arm: 'composer', method: 'composer', phase: 'digest', startS: '1.235', durationS: '2.000', endS: '3.235', performed: 'false', note, operation: '' }]);
    }), { numRuns: 300 });
    const header = (text: string) => parse(text, { to_line: 1 })[0];
    const record = { ...runningRecord(), arms: [arm('', '')] };
    expect(header(renderDesktopsCsv({ record }))).toEqual([...DESKTOP_COLUMNS]);
    expect(header(renderPhasesCsv({ record }))).toEqual([...PHASE_COLUMNS]);
  });
});
