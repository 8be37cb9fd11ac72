/**
 * A run cut off while writing a quoted CSV field (an error text with a comma) leaves an open
 * quote on the last line of events.csv: that torn line is dropped, like any torn last line,
 * and the run can still be read back and reported.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRun } from '../../src/run-store/read.js';
import { copyRunFixture } from '../helpers/fixtures.js';

describe('a torn quoted field', () => {
  it('on the last line of events.csv is dropped; the rest of the run is read back', async () => {
    const dir = copyRunFixture('small');
    const recordPath = path.join(dir, 'run.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    // A run whose process died mid-way: the reader rebuilds its arms from events.csv.
    record.status = 'running';
    record.arms = [];
    delete record.process;
    writeFileSync(recordPath, JSON.stringify(record));
    appendFileSync(path.join(dir, 'events.csv'), '2026-11-26T00:52:00.000Z,100,composer,composer,vdibench-composer-1,esx-01,failed,"clone failed, host');
    const run = await readRun(dir);
    expect(run.record.status).toBe('failed');
    const composer = run.record.arms.find((arm) => arm.name === 'composer')!;
    expect(composer.desktops.length).toBeGreaterThan(0);
    // The torn event (a failure of desktop 1) is not in the record.
    expect(composer.desktops.find((desktop) => desktop.name === 'vdibench-composer-1')!.failedS).toBeUndefined();
  });
});
