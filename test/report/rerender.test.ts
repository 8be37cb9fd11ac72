import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bench, tempDir } from '../helpers/cli.js';

describe('bench report <run-dir> re-renders from the folder alone', () => {
  let runDir: string;
  let original: Record<string, unknown>;

  beforeAll(() => {
    const out = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '30', '--json', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    runDir = path.resolve(JSON.parse(result.stdout).runDir);
    original = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
  });

  it('rebuilds index.html and summary.json equal to the originals', () => {
    const originalHtml = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    rmSync(path.join(runDir, 'index.html'));
    rmSync(path.join(runDir, 'summary.json'));
    const result = bench(['report', runDir, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const rebuilt = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    expect(rebuilt).toEqual(original);
    expect(JSON.parse(result.stdout)).toEqual(original);
    expect(readFileSync(path.join(runDir, 'index.html'), 'utf8')).toBe(originalHtml);
  });

  it('computes the summary from the stored samples, not from a cached copy', () => {
    const recordPath = path.join(runDir, 'run.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    delete record.summary;
    writeFileSync(recordPath, JSON.stringify(record));
    const samplesPath = path.join(runDir, 'samples.csv');
    const lines = readFileSync(samplesPath, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const armColumn = header.indexOf('arm');
    const diskRead = header.indexOf('diskReadIops');
    // Make one composer sample absurdly high: the peak must follow.
    const row = lines.findIndex((line, index) => index > 0 && line.split(',')[armColumn] === 'composer');
    const cells = lines[row]!.split(',');
    cells[diskRead] = '999999';
    lines[row] = cells.join(',');
    writeFileSync(samplesPath, lines.join('\n') + '\n');
    const result = bench(['report', runDir, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.arms[0].peakIops).toBeGreaterThan(999_999);
    expect(summary.arms[1]).toEqual((original.arms as unknown[])[1]);
  });
});
