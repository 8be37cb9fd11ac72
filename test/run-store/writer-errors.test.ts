/**
 * run-store/writer.ts beyond the happy path: flush and close semantics, the first failure
 * recorded and later writes dropped, the space reserve, a deleted folder. Real files only.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunError } from '../../src/contract/errors.js';
import type { ArmSample } from '../../src/contract/observations.js';
import { EVENT_COLUMNS, runFilePath, SAMPLE_COLUMNS } from '../../src/run-store/layout.js';
import { describeStoreFailure, RunStoreSink, type StoreFailure } from '../../src/run-store/writer.js';
import { tempDir } from '../helpers/cli.js';

const RUN = { runId: 'r', scenario: 's', driver: 'sim', cluster: 'c', endpoint: 'e' };
const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const sample = (tS: number): ArmSample => ({ timeMs: T0 + tS * 1000, arm: 'a', method: 'composer', host: 'h', tS, cpuPct: 1, cpuMhz: 2, readIops: 3, writeIops: 4, diskReadIops: 5, diskWriteIops: 6 });
const read = (dir: string, file: 'samples' | 'events' | 'lineProtocol') => readFileSync(runFilePath(dir, file), 'utf8');
const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const until = async (condition: () => boolean, ms = 5000) => {
  for (const start = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
  }
};

describe('RunStoreSink', () => {
  it('is the sink named run-store, and refuses a write before start', () => {
    const sink = new RunStoreSink(tempDir());
    expect(sink.name).toBe('run-store');
    expect(sink.failure).toBeUndefined();
    expect(() => sink.write({ lines: ['m f=1 1'] })).toThrow('run store: write before start');
  });

  it('after flush() every write so far is in the files, before close', async () => {
    const dir = tempDir();
    const sink = new RunStoreSink(dir);
    await sink.start(RUN);
    sink.write({ samples: [sample(0), sample(20)], events: [], lines: ['m f=1 1', 'm f=2 2'] });
    sink.write({ lines: [] });
    sink.write({ lines: ['m f=3 3'] });
    await sink.flush();
    expect(lines(read(dir, 'samples'))).toEqual([SAMPLE_COLUMNS.join(','), `${new Date(T0).toISOString()},0,a,composer,h,1,2,3,4,5,6`, `${new Date(T0 + 20_000).toISOString()},20,a,composer,h,1,2,3,4,5,6`]);
    expect(read(dir, 'events')).toBe(EVENT_COLUMNS.join(',') + '\n');
    expect(read(dir, 'lineProtocol')).toBe('m f=1 1\nm f=2 2\nm f=3 3\n');
    await sink.close();
    expect(sink.failure).toBeUndefined();
  });

  it('flush and close after close, and close before start, are harmless', async () => {
    const unstarted = new RunStoreSink(tempDir());
    await unstarted.flush();
    await unstarted.close();
    const dir = tempDir();
    const sink = new RunStoreSink(dir);
    await sink.start(RUN);
    sink.write({ lines: ['m f=1 1'] });
    await sink.close();
    await sink.flush();
    await sink.close();
    expect(sink.failure).toBeUndefined();
    expect(read(dir, 'lineProtocol')).toBe('m f=1 1\n');
  });

  it('records the first failure only, tells onFailure once, and drops every write after it', async () => {
    const dir = tempDir();
    const seen: StoreFailure[] = [];
    const sink = new RunStoreSink(dir, { onFailure: (failure) => seen.push(failure) });
    await sink.start(RUN);
    sink.write({ lines: ['before f=1 1'] });
    sink.recordFailure('run.json', Object.assign(new Error('full'), { code: 'ENOSPC' }));
    sink.recordFailure('samples.csv', Object.assign(new Error('io'), { code: 'EIO' }));
    sink.write({ samples: [sample(0)], lines: ['after f=1 1'] });
    await sink.flush();
    await sink.close();
    expect(sink.failure).toEqual({ what: 'run.json', code: 'ENOSPC' });
    expect(seen).toEqual([{ what: 'run.json', code: 'ENOSPC' }]);
    expect(read(dir, 'lineProtocol')).toBe('before f=1 1\n');
    expect(lines(read(dir, 'samples'))).toEqual([SAMPLE_COLUMNS.join(',')]);
    const other = new RunStoreSink(tempDir());
    other.recordFailure('metrics.lp', new Error('no code'));
    expect(other.failure).toEqual({ what: 'metrics.lp', code: 'EIO' });
    other.recordFailure('x', undefined);
    expect(other.failure).toEqual({ what: 'metrics.lp', code: 'EIO' });
    new RunStoreSink(tempDir()).recordFailure('no listener', undefined);
  });

  it('a file that cannot be opened is a recorded failure of that file, not a crash', async () => {
    const dir = tempDir();
    mkdirSync(runFilePath(dir, 'events'));
    const seen: StoreFailure[] = [];
    const sink = new RunStoreSink(dir, { onFailure: (failure) => seen.push(failure) });
    await sink.start(RUN);
    await until(() => sink.failure !== undefined);
    expect(sink.failure).toEqual({ what: 'events.csv', code: 'EISDIR' });
    expect(seen).toHaveLength(1);
    sink.write({ lines: ['late f=1 1'] });
    await sink.flush();
    await sink.close();
    expect(read(dir, 'lineProtocol')).toBe('');
  });

  it.each([['samples', 'samples.csv'], ['lineProtocol', 'metrics.lp']] as const)('a %s file that cannot be opened is recorded as %s', async (file, what) => {
    const dir = tempDir();
    mkdirSync(runFilePath(dir, file));
    const sink = new RunStoreSink(dir);
    await sink.start(RUN);
    await until(() => sink.failure !== undefined);
    expect(sink.failure).toEqual({ what, code: 'EISDIR' });
    await sink.close();
  });

  it('close() alone puts every write in the files', async () => {
    const dir = tempDir();
    const sink = new RunStoreSink(dir);
    await sink.start(RUN);
    sink.write({ samples: [sample(0)], lines: Array.from({ length: 2000 }, (_, index) => `m f=${index} ${index}`) });
    await sink.close();
    expect(lines(read(dir, 'lineProtocol'))).toHaveLength(2000);
    expect(lines(read(dir, 'samples'))).toHaveLength(2);
  });

  it('notices the run folder being deleted', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'run');
    mkdirSync(dir);
    const sink = new RunStoreSink(dir, { folderCheckMs: 10 });
    await sink.start(RUN);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sink.failure).toBeUndefined();
    rmSync(dir, { recursive: true });
    // Checked every folderCheckMs (10 ms here), not at the default second.
    await until(() => sink.failure !== undefined, 700);
    expect(sink.failure).toEqual({ what: 'the run folder', code: 'ENOENT' });
    await sink.close();
  });

  it('sets real space aside at start and gives it back on release', async () => {
    const dir = tempDir();
    const bytes = 2.5 * 1024 * 1024 + 7;
    const sink = new RunStoreSink(dir, { reserveBytes: bytes });
    await sink.start(RUN);
    const reserve = path.join(dir, '.space-reserve');
    expect(statSync(reserve).size).toBe(bytes);
    expect(readFileSync(reserve).every((byte) => byte === 0)).toBe(true);
    await sink.releaseReserve();
    expect(existsSync(reserve)).toBe(false);
    await sink.releaseReserve();
    await sink.close();
    const small = new RunStoreSink(tempDir(), { reserveBytes: 10 });
    await small.start(RUN);
    expect(statSync(path.join(small.dir, '.space-reserve')).size).toBe(10);
    await small.close();
  });

  it('a reserve that cannot be written stops the start with a RunError saying how much room it needs', async () => {
    const dir = path.join(tempDir(), 'gone');
    const sink = new RunStoreSink(dir, { reserveBytes: 3 * 1024 * 1024 });
    const error = await sink.start(RUN).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toBe(`cannot start the run folder ${dir}: the run folder was deleted (ENOENT); it needs about 3072 KiB free to begin`);
    expect((error as RunError).hint).toBe('free some space, or point --out elsewhere');
    // The sink never started: a write is a bug, said as such (not a TypeError on a missing stream).
    expect(() => sink.write({ lines: ['m f=1 1'] })).toThrow('run store: write before start');
  });
});

describe('describeStoreFailure', () => {
  it('says what the errno means, or that the file cannot be written', () => {
    expect(describeStoreFailure({ what: 'samples.csv', code: 'ENOSPC' })).toBe('samples.csv: no space left on the device (ENOSPC)');
    expect(describeStoreFailure({ what: 'x', code: 'EDQUOT' })).toBe('x: disk quota exceeded (EDQUOT)');
    expect(describeStoreFailure({ what: 'x', code: 'EIO' })).toBe('x: input/output error (EIO)');
    expect(describeStoreFailure({ what: 'x', code: 'EROFS' })).toBe('x: the file system became read-only (EROFS)');
    expect(describeStoreFailure({ what: 'x', code: 'EACCES' })).toBe('x: permission denied (EACCES)');
    expect(describeStoreFailure({ what: 'x', code: 'EFBIG' })).toBe('x: file too large (EFBIG)');
    expect(describeStoreFailure({ what: 'x', code: 'EISDIR' })).toBe('x: cannot write (EISDIR)');
    expect(describeStoreFailure({ what: 'x', code: 'toString' })).toBe('x: cannot write (toString)');
  });
});
