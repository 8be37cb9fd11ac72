import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../src/run-store/read.js';
import { renderStoredRun, type RenderedRun } from '../../src/run/finish.js';
import { executeRun } from '../../src/run/execute.js';
import { copyRunFixture } from '../helpers/fixtures.js';
import { shippedScenario } from '../helpers/sim.js';
import { tempDir } from '../helpers/cli.js';

describe('rendering a stored run (fixture test/fixtures/runs/small)', () => {
  let runDir: string;
  let rendered: RenderedRun;
  let html: string;
  let stored: { summary: { arms: unknown[] }; scenario: { description: string } };

  beforeAll(async () => {
    runDir = copyRunFixture('small');
    stored = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    rendered = await renderStoredRun(runDir);
    html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
  });

  it('recomputes the same summary the run stored', () => {
    expect(rendered.model.summary.arms).toEqual(stored.summary.arms);
  });

  it('states a verdict in words', () => {
    expect(html).toMatch(/<div class="verdict" id="verdict">composer deployed fastest: .* \(\d+\.\dx faster\)\. instant had the lowest peak storage load/);
  });

  it('escapes every outside string: a description with markup shows as text', () => {
    expect(stored.scenario.description).toContain('<script>');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('Lab &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;');
    // Only our three scripts: the JSON data, chart.js and the chart code.
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it('carries a Content-Security-Policy that allows no network and only its own scripts', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/connect-src 'none'/);
    expect(csp.match(/'sha256-[A-Za-z0-9+/=]+'/g)).toHaveLength(2);
  });

  it('shows the summary table numbers of run.json, per arm and metric', () => {
    for (const arm of rendered.model.summary.arms) {
      const value = (metric: string) => new RegExp(`data-arm="${arm.name}" data-metric="${metric.replace('.', '\\.')}" data-value="([^"]*)"`).exec(html)?.[1];
      expect(Number(value('deployTimeS'))).toBe(arm.deployTimeS);
      expect(Number(value('peakIops'))).toBe(arm.peakIops);
      expect(Number(value('avgIops'))).toBe(arm.avgIops);
      expect(Number(value('peakCpuPct'))).toBe(arm.peakCpuPct);
      expect(Number(value('desktopReadyS.p95'))).toBe(arm.desktopReadyS.p95);
      for (const phase of arm.phases) expect(Number(value(`phase.${phase.name}`))).toBe(phase.durationS);
    }
  });

  it('has every chart: timeline, IOPS, CPU, desktops ready, distribution', () => {
    for (const id of ['chart-timeline', 'chart-iops', 'chart-cpu', 'chart-ready', 'chart-distribution']) expect(html).toContain(`<canvas id="${id}"`);
    expect(html).toMatch(/@media print/);
  });

  it('writes desktops.csv and phases.csv', async () => {
    const run = await readRun(runDir);
    const desktops = parse(readFileSync(path.join(runDir, 'desktops.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(desktops).toHaveLength(run.record.arms.reduce((sum, arm) => sum + arm.desktops.length, 0));
    expect(Number(desktops[0]!.readyS)).toBeGreaterThan(0);
    const phases = parse(readFileSync(path.join(runDir, 'phases.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(phases.map((row) => `${row.arm}:${row.phase}`)).toEqual(run.record.arms.flatMap((arm) => arm.phases.map((phase) => `${arm.name}:${phase.name}`)));
  });
});

describe('large runs stay light', () => {
  it('a 10,000-desktop composer-vs-instant report is at most 5 MB', async () => {
    // A cluster the 10,000 desktops fit in (2 GB each): on the default 4 hosts the model refuses power-ons for memory.
    const scenario = await shippedScenario('composer-vs-instant', { desktops: 10_000, set: ['cluster.hosts=32', 'cluster.hostMemoryGB=1024'] });
    const { runDir, record } = await executeRun({ scenario, scenarioFile: null, outDir: tempDir(), harness: { name: 'vdibench', version: 'test', node: process.versions.node } });
    expect(record.status).toBe('completed');
    const { reportPath } = await renderStoredRun(runDir);
    expect(statSync(reportPath).size).toBeLessThanOrEqual(5 * 1024 * 1024);
    const html = readFileSync(reportPath, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="run-data">(.*?)<\/script>/s.exec(html)![1]!);
    const csvRows = readFileSync(path.join(runDir, 'samples.csv'), 'utf8').trim().split('\n').length - 1;
    // The page shows downsampled series; the CSV keeps every sample (4 hosts, one per 20 s, both arms).
    expect(csvRows).toBeGreaterThan(4 * 2000);
    for (const arm of data.arms) {
      expect(arm.iops.length).toBeLessThanOrEqual(600);
      expect(arm.cpu.length).toBeLessThanOrEqual(600);
      expect(arm.ready.length).toBeLessThanOrEqual(600);
    }
    expect(data.arms.reduce((sum: number, arm: { iops: unknown[] }) => sum + arm.iops.length, 0)).toBeLessThan(csvRows / 4);
  }, 120_000);
});
