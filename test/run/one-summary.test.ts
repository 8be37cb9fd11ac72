/**
 * The summary is computed once, from what the run store holds, and that one value is what
 * every output carries: summary.json, run.json, the JSON on stdout, the summary points in
 * metrics.lp and in a real InfluxDB, and the report's table. Round one computed it twice
 * and metrics.lp disagreed with summary.json (totalIos 2,544,427 vs 2,544,431).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArmSummary, RunSummary } from '../../src/contract/summary.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';
import { skipInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';

/** The summary fields as the line protocol names them (src/metrics/line-protocol.ts). */
function lineProtocolFields(arm: ArmSummary): Record<string, number> {
  const fields: Record<string, number> = {
    desktops_requested: arm.desktops.requested, desktops_ready: arm.desktops.ready, desktops_failed: arm.desktops.failed,
    peak_iops: arm.peakIops, avg_iops: arm.avgIops, total_ios: arm.totalIos, peak_cpu_pct: arm.peakCpuPct, avg_cpu_pct: arm.avgCpuPct,
    retries: arm.retries,
  };
  if (arm.deployTimeS !== null) fields.deploy_time_s = arm.deployTimeS;
  if (arm.desktopReadyS.p50 !== null) fields.ready_p50_s = arm.desktopReadyS.p50;
  if (arm.desktopReadyS.p95 !== null) fields.ready_p95_s = arm.desktopReadyS.p95;
  for (const phase of arm.phases) if (phase.performed) fields[`phase_${phase.name.replace('-', '_')}_s`] = phase.durationS;
  return fields;
}

function parseFields(text: string): Record<string, number> {
  return Object.fromEntries(text.split(',').map((pair) => {
    const [key, value] = pair.split('=');
    return [key!, Number(value)];
  }));
}

describe.skipIf(skipInfluxd)('one summary, everywhere', () => {
  let influxd: Influxd;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('summary.json, run.json, stdout, metrics.lp, InfluxDB and the report carry the same figures', async () => {
    const out = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '100', '--json', '-q', '--out', out, '--influx-url', influxd.url, '--influx-db', 'one']);
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as RunSummary;
    const runDir = path.resolve(repoRoot, printed.runDir);
    const fromFile = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    const record = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { summary: RunSummary };
    expect(fromFile).toEqual(printed);
    expect(record.summary).toEqual(printed);
    expect(printed.arms).toHaveLength(2);

    // metrics.lp: one vdibench_summary line per arm, with the very same values.
    const summaryLines = readFileSync(path.join(runDir, 'metrics.lp'), 'utf8').split('\n').filter((line) => line.startsWith('vdibench_summary,'));
    expect(summaryLines).toHaveLength(2);
    for (const arm of printed.arms) {
      const line = summaryLines.find((candidate) => candidate.includes(`,arm=${arm.name},`))!;
      expect(parseFields(line.split(' ')[1]!)).toEqual(lineProtocolFields(arm));
    }

    // InfluxDB: what it stored equals the summary.
    const stored = await influxd.query('SELECT * FROM vdibench_summary', 'one');
    const series = stored.results[0]!.series![0]!;
    expect(series.values).toHaveLength(2);
    for (const row of series.values) {
      const arm = printed.arms.find((candidate) => candidate.name === row[series.columns.indexOf('arm')])!;
      for (const [field, value] of Object.entries(lineProtocolFields(arm))) {
        expect(row[series.columns.indexOf(field)], `${arm.name} ${field}`).toBe(value);
      }
    }

    // The report's summary table: every data-value cell equals the summary.
    const html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    const cells = [...html.matchAll(/data-arm="([^"]+)" data-metric="([^"]+)" data-value="([^"]*)"/g)];
    expect(cells.length).toBeGreaterThan(20);
    for (const [, armName, metric, value] of cells) {
      const arm = printed.arms.find((candidate) => candidate.name === armName)! as unknown as Record<string, unknown>;
      let expected: unknown;
      if (metric!.startsWith('phase.')) {
        const phase = (arm.phases as ArmSummary['phases']).find((candidate) => candidate.name === metric!.slice(6));
        expected = phase?.performed ? phase.durationS : null;
      } else {
        expected = metric!.split('.').reduce<unknown>((object, key) => (object as Record<string, unknown>)[key], arm);
      }
      expect(value === '' ? null : Number(value), `${armName} ${metric}`).toEqual(expected);
    }
  });
});
