/**
 * run-store/read.ts on folders that are not what a finished run leaves: missing or broken
 * files, torn lines, a run still marked running. Each problem is an InputError naming the
 * file; a torn or foreign row is skipped, never fatal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { RUN_SCHEMA_VERSION, type ArmRecord, type RunRecord } from '../../src/contract/run-record.js';
import { readRun } from '../../src/run-store/read.js';
import { EVENT_COLUMNS, runFilePath, SAMPLE_COLUMNS } from '../../src/run-store/layout.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: RUN_SCHEMA_VERSION, runId: 'r', status: 'completed', createdAt: iso(T0),
    harness: { name: 'vdibench', version: 'test', node: process.versions.node }, process: { pid: process.pid, host: hostname() },
    scenarioFile: null,
    scenario: {
      name: 's', description: '', driver: 'sim', desktops: 1, seed: 1, namePrefix: 'vdibench-', keep: false, sampleIntervalS: 20,
      arms: [{ name: 'composer', method: 'composer', desktops: 1 }, { name: 'instant', method: 'instant-clone', desktops: 3 }],
      gate: { maxRegression: {}, expect: {} },
    },
    driver: { name: 'sim', inventory: { cluster: 'c', endpoint: 'e', datastores: [], hosts: [], details: {} } },
    arms: [],
    ...overrides,
  };
}

/** A run folder written by hand: run.json (object or raw text) and optional CSV texts. */
function folder(runJson: RunRecord | string, files: { samples?: string; events?: string } = {}): string {
  const dir = tempDir();
  writeFileSync(runFilePath(dir, 'record'), typeof runJson === 'string' ? runJson : JSON.stringify(runJson));
  if (files.samples !== undefined) writeFileSync(runFilePath(dir, 'samples'), files.samples);
  if (files.events !== undefined) writeFileSync(runFilePath(dir, 'events'), files.events);
  return dir;
}

const SAMPLE_HEADER = SAMPLE_COLUMNS.join(',') + '\n';
const EVENT_HEADER = EVENT_COLUMNS.join(',') + '\n';

async function inputError(work: Promise<unknown>): Promise<InputError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('readRun: what is not a readable run', () => {
  it('a folder without run.json', async () => {
    const dir = path.join(tempDir(), 'nothing-here');
    const error = await inputError(readRun(dir));
    expect(error.message).toBe(`${dir}: not a run folder (no run.json)`);
    expect(error.hint).toBe('pass a folder that `bench run` wrote, e.g. reports/<run-id>');
  });

  it('run.json that is not JSON', async () => {
    const dir = folder('{"schemaVersion": 1,');
    const error = await inputError(readRun(dir));
    expect(error.message).toMatch(new RegExp(`^${runFilePath(dir, 'record').replaceAll('/', '\\/')}: not valid JSON \\(.+\\)$`));
  });

  it('run.json of another schema, without arms, or not an object', async () => {
    const recordPath = (dir: string) => runFilePath(dir, 'record');
    const future = folder(JSON.stringify({ ...record(), schemaVersion: 2 }));
    expect((await inputError(readRun(future))).message).toBe(`${recordPath(future)}: unsupported run record (schemaVersion 2, expected ${RUN_SCHEMA_VERSION})`);
    const armless = folder(JSON.stringify({ ...record(), arms: 'none' }));
    expect((await inputError(readRun(armless))).message).toBe(`${recordPath(armless)}: unsupported run record (schemaVersion 1, expected ${RUN_SCHEMA_VERSION})`);
    const nullRecord = folder('null');
    expect((await inputError(readRun(nullRecord))).message).toBe(`${recordPath(nullRecord)}: unsupported run record (schemaVersion undefined, expected ${RUN_SCHEMA_VERSION})`);
  });

  it('a CSV file csv-parse cannot read (a quote never closed, before whole lines) names the file', async () => {
    // An open quote on the last line without its newline is a torn line and is dropped (torn-quote.test.ts); here whole lines follow it.
    const dir = folder(record(), { samples: `${SAMPLE_HEADER}${iso(T0)},0,composer,composer,"esx-01\n${iso(T0)},20,composer,composer,esx-02\n` });
    const error = await inputError(readRun(dir));
    expect(error.message).toMatch(new RegExp(`^${runFilePath(dir, 'samples').replaceAll('/', '\\/')}: unreadable CSV \\(Quote Not Closed.*\\)$`));
  });
});

describe('readRun: samples.csv', () => {
  it('missing samples.csv means no samples', async () => {
    expect((await readRun(folder(record()))).samples).toEqual([]);
    // A folder (not a file) where samples.csv should be reads as none, too.
    const dir = folder(record());
    mkdirSync(runFilePath(dir, 'samples'));
    expect((await readRun(dir)).samples).toEqual([]);
  });

  it('skips a torn last line, rows of an arm the scenario does not have and rows without a time; empty and missing cells are gaps', async () => {
    const samples = SAMPLE_HEADER + [
      `${iso(T0)},0,composer,composer,esx-01,1.5,2000,3,4,5,6`,
      `${iso(T0 + 20_000)},20,instant,instant-clone,esx-02,,,0,,7`,
      `${iso(T0 + 40_000)},40,ghost,composer,esx-01,1,1,1,1,1,1`,
      `not-a-time,60,composer,composer,esx-01,1,1,1,1,1,1`,
      `,80,composer,composer,esx-01,1,1,1,1,1,1`,
      `2026-11-26T10:0`,
    ].join('\n');
    const stored = await readRun(folder(record(), { samples }));
    expect(stored.samples).toEqual([
      { timeMs: T0, arm: 'composer', method: 'composer', host: 'esx-01', tS: 0, cpuPct: 1.5, cpuMhz: 2000, readIops: 3, writeIops: 4, diskReadIops: 5, diskWriteIops: 6 },
      { timeMs: T0 + 20_000, arm: 'instant', method: 'instant-clone', host: 'esx-02', tS: 20, cpuPct: null, cpuMhz: null, readIops: 0, writeIops: null, diskReadIops: 7, diskWriteIops: null },
    ]);
  });

  it('a row cut before its host still reads, with an empty host; the method comes from the scenario, not the row', async () => {
    const samples = SAMPLE_HEADER + `${iso(T0)},5,composer,instant-clone\n`;
    const stored = await readRun(folder(record(), { samples }));
    expect(stored.samples).toEqual([{ timeMs: T0, arm: 'composer', method: 'composer', host: '', tS: 5, cpuPct: null, cpuMhz: null, readIops: null, writeIops: null, diskReadIops: null, diskWriteIops: null }]);
  });
});

describe('readRun: a run whose run.json still says running (crash recovery)', () => {
  const eventRow = (arm: string, desktop: string, kind: string, tS: number, extra: { host?: string; error?: string; time?: string } = {}) =>
    [extra.time ?? iso(T0 + 5_000 + tS * 1000), tS, arm, 'composer', desktop, extra.host ?? 'esx-01', kind, extra.error ?? ''].join(',');

  it('rebuilds the arms not yet checkpointed from events.csv, skipping rows it cannot use', async () => {
    const events = EVENT_HEADER + [
      eventRow('instant', 'i1', 'requested', 0),
      eventRow('instant', 'i1', 'failed', 2, { error: 'boom' }),
      eventRow('instant', 'i2', 'requested', 1),
      eventRow('instant', 'i2', 'ready', 4),
      eventRow('ghost', 'g1', 'ready', 1),
      eventRow('instant', 'i3', '', 1),
      eventRow('instant', '', 'ready', 1),
      eventRow('instant', 'i4', 'ready', 1, { time: 'yesterday' }),
      `${iso(T0)},0,instant`,
    ].join('\n');
    const stored = await readRun(folder(record({ status: 'running' }), { events }));
    expect(stored.record.status).toBe('running');
    expect(stored.record.arms).toEqual([{
      name: 'instant', method: 'instant-clone', desktopsRequested: 3,
      startedAt: iso(T0 + 5_000), startMs: T0 + 5_000, endMs: T0 + 9_000,
      phases: [], keptVms: [],
      desktops: [{ name: 'i1', host: 'esx-01', requestedS: 0, failedS: 2, error: 'boom' }, { name: 'i2', host: 'esx-01', requestedS: 1, readyS: 4 }],
    } satisfies ArmRecord]);
  });

  it('keeps an arm already checkpointed as it is, and adds none for an arm without events', async () => {
    const checkpointed: ArmRecord = {
      name: 'composer', method: 'composer', desktopsRequested: 1, startedAt: iso(T0), startMs: T0, endMs: T0 + 1, phases: [], keptVms: [],
      desktops: [{ name: 'c1', host: 'esx-09', requestedS: 0, readyS: 1 }],
    };
    const events = EVENT_HEADER + eventRow('composer', 'c1', 'requested', 0) + '\n' + eventRow('composer', 'c2', 'ready', 3) + '\n';
    const stored = await readRun(folder(record({ status: 'running', arms: [checkpointed] }), { events }));
    expect(stored.record.arms).toEqual([checkpointed]);
    // No events.csv at all: nothing to rebuild.
    expect((await readRun(folder(record({ status: 'running' })))).record.arms).toEqual([]);
  });

  it('a repetition keeps its place in the series, and a warm-up says so', async () => {
    const scenario = {
      ...record().scenario,
      arms: [
        { name: 'composer#w1', method: 'composer' as const, desktops: 1, repetitionOf: 'composer', repetition: 0, warmup: true },
        { name: 'composer#2', method: 'composer' as const, desktops: 1, repetitionOf: 'composer', repetition: 2 },
      ],
    };
    const events = EVENT_HEADER + eventRow('composer#w1', 'w', 'ready', 1) + '\n' + eventRow('composer#2', 'c', 'ready', 2) + '\n';
    const stored = await readRun(folder(record({ status: 'running', scenario }), { events }));
    expect(stored.record.arms.map((arm) => [arm.name, arm.repetitionOf, arm.repetition, arm.warmup])).toEqual([
      ['composer#w1', 'composer', 0, true],
      ['composer#2', 'composer', 2, undefined],
    ]);
    expect('warmup' in stored.record.arms[1]!).toBe(false);
    expect('repetitionOf' in (await readRun(folder(record({ status: 'running' }), { events: EVENT_HEADER + eventRow('instant', 'i', 'ready', 1) }))).record.arms[0]!).toBe(false);
  });

  it('a finished run is not rebuilt from events.csv', async () => {
    const events = EVENT_HEADER + eventRow('instant', 'i1', 'ready', 1) + '\n';
    for (const status of ['completed', 'failed', 'aborted'] as const) {
      const stored = await readRun(folder(record({ status }), { events }));
      expect(stored.record.arms).toEqual([]);
      expect(stored.record.status).toBe(status);
      expect(stored.record.error).toBeUndefined();
    }
  });

  it('marks the run failed when its process is gone: no owner, a pid that no longer exists, another host', async () => {
    const gone = 'the run stopped without finishing (its process is gone: killed or crashed); the figures cover what was gathered';
    const { process: _owner, ...ownerless } = record({ status: 'running' });
    for (const runJson of [
      ownerless as RunRecord,
      record({ status: 'running', process: { pid: 2 ** 22 + 12345, host: hostname() } }),
      record({ status: 'running', process: { pid: process.pid, host: `${hostname()}-elsewhere` } }),
    ]) {
      const stored = await readRun(folder(runJson));
      expect(stored.record.status).toBe('failed');
      expect(stored.record.error).toBe(gone);
    }
    const alive = await readRun(folder(record({ status: 'running' })));
    expect(alive.record.status).toBe('running');
    expect(alive.record.error).toBeUndefined();
  });
});
