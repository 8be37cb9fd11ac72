/**
 * The first screen tells the story: title and audience (from the scenario's `report:` or the
 * flags, escaped), the Simulated badge with the calibration source, and the method box with
 * the overrides marked.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/contract/summary.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';

const reportOf = (stdout: string) => readFileSync(path.join(path.resolve(repoRoot, (JSON.parse(stdout) as RunSummary).runDir), 'index.html'), 'utf8');

describe('the report\'s first screen', () => {
  it('takes title, customer, author and notes from the scenario file, flags winning, all escaped', () => {
    const dir = tempDir();
    const file = path.join(dir, 'for-acme.yml');
    writeFileSync(file, [
      'scenarios:',
      '  pilot:',
      '    desktops: 8',
      '    report: { title: "Acme <b>pilot</b>", customer: "Acme & Co", notes: "Sized for <script>alert(1)</script> 2027" }',
      '    arms: [{ name: composer, method: composer }]',
      '',
    ].join('\n'));
    const result = bench(['run', 'pilot', '--file', file, '--author', 'J. Doe', '--json', '-q', '--out', dir]);
    expect(result.status, result.stderr).toBe(0);
    const html = reportOf(result.stdout);
    expect(html).toContain('<h1>Acme &lt;b&gt;pilot&lt;/b&gt;</h1>');
    expect(html).toContain('<p id="audience"><strong>Prepared for Acme &amp; Co by J. Doe</strong> · scenario pilot</p>');
    expect(html).toContain('<p id="notes">Sized for &lt;script&gt;alert(1)&lt;/script&gt; 2027</p>');
    const flagged = bench(['run', 'pilot', '--file', file, '--title', 'Other title', '--json', '-q', '--out', dir]);
    expect(reportOf(flagged.stdout)).toContain('<h1>Other title</h1>');
  });

  it('says the run is simulated, on what it is calibrated, and marks the overrides', () => {
    const result = bench(['run', 'composer-only', '--desktops', '8', '--set', 'cluster.hosts=6', '--json', '-q', '--out', tempDir()]);
    const html = reportOf(result.stdout);
    const badge = /<div class="badge simulated" id="provenance">(.*?)<\/div>/s.exec(html)![1]!;
    expect(badge).toMatch(/^<strong>Simulated<\/strong> — /);
    expect(badge).toContain('published Horizon 7.0 field test');
    expect(badge).toContain('(profile reference-2016)');
    // Badge first, then the verdict and the method box, all before the summary table.
    expect(html.indexOf('id="provenance"')).toBeLessThan(html.indexOf('id="verdict"'));
    expect(html.indexOf('id="method"')).toBeLessThan(html.indexOf('<h2>Summary</h2>'));
    expect(html).toMatch(/<dd class="override">--desktops 8 --set cluster.hosts=6<\/dd>/);
    expect(html).toMatch(/<dd class="override">6 \(--set\)<\/dd>/);
  });
});
