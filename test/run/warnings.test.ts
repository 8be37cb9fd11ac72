/**
 * Warnings reach people: a saturated run says so in the JSON summary, run.json, the
 * terminal and the report's first screen; `--strict` turns a warning into exit 1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/contract/summary.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

describe('warnings in the run', () => {
  const saturated = ['run', 'composer-only', '--desktops', '60', '--set', 'cluster.storageIopsPerHost=500', '--json'];

  it('a run with storage at capacity says so everywhere, and still exits 0 without --strict', () => {
    const result = bench([...saturated, '--out', tempDir()]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    const warning = summary.warnings?.find((candidate) => candidate.code === 'storage-saturated');
    expect(warning).toMatchObject({ arm: 'composer' });
    expect(result.stderr).toContain(`warning [storage-saturated] composer: ${warning!.message}`);
    const runDir = path.resolve(repoRoot, summary.runDir);
    expect(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')).summary.warnings).toEqual(summary.warnings);
    const html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    expect(html).toContain('<li data-code="storage-saturated">');
    // On the first screen: before the summary table.
    expect(html.indexOf('id="warnings"')).toBeLessThan(html.indexOf('<h2>Summary</h2>'));
  });

  it('--strict makes a warning exit 1; a clean run still exits 0 with --strict', () => {
    const strict = bench([...saturated, '--strict', '--out', tempDir()]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/--strict: 1 warning\(s\); exit 1/);
    const clean = bench(['run', 'composer-only', '--desktops', '10', '--strict', '-q', '--out', tempDir()]);
    expect(clean.status, clean.stderr).toBe(0);
  });
});
