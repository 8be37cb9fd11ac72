/**
 * Comparing runs: the same scenario on two clusters, or before and after a storage upgrade.
 * Arms are matched by name; every value is shown with its change against the first run.
 */
import type { StoredRun } from '../metrics/run-store/record.js';
import { ARM_COLOURS, chartJs } from './html.js';
import { contentSecurityPolicy, escapeHtml, formatNumber, formatSeconds, jsonForScript } from './markup.js';
import { METRICS } from './metrics.js';
import type { RunSummary } from './summary-types.js';

export interface ComparedRun {
  run: StoredRun;
  summary: RunSummary;
}

const COMPARED_METRICS = [
  'deployTimeS', 'phase.replica', 'phase.digest', 'phase.parents', 'phase.clone', 'phase.customize', 'phase.power-on',
  'peakIops', 'avgIops', 'totalIos', 'peakCpuPct', 'avgCpuPct', 'desktopReadyP50S', 'desktopReadyP95S', 'desktopsReady', 'desktopsFailed',
] as const;

export interface ComparisonRow {
  arm: string;
  metric: string;
  unit: string;
  values: (number | null)[];
  /** Change against the first run, in percent; null where either is missing or the first is 0. */
  changesPct: (number | null)[];
}

export function comparisonRows(runs: ComparedRun[]): ComparisonRow[] {
  const armNames: string[] = [];
  for (const { summary } of runs) for (const arm of summary.arms) if (!armNames.includes(arm.name)) armNames.push(arm.name);
  const rows: ComparisonRow[] = [];
  for (const armName of armNames) {
    for (const metric of COMPARED_METRICS) {
      const spec = METRICS.get(metric)!;
      const values = runs.map(({ summary }) => {
        const arm = summary.arms.find((candidate) => candidate.name === armName);
        return arm ? spec.read(arm) : null;
      });
      if (values.every((value) => value === null)) continue;
      const first = values[0] ?? null;
      const changesPct = values.map((value) => (value === null || first === null || first === 0 ? null : ((value - first) / Math.abs(first)) * 100));
      rows.push({ arm: armName, metric, unit: spec.unit, values, changesPct });
    }
  }
  return rows;
}

function formatValue(row: ComparisonRow, value: number | null): string {
  if (row.unit === 's') return formatSeconds(value);
  return formatNumber(value, row.unit === '%' ? 1 : 0);
}

function formatChange(change: number | null, index: number): string {
  if (index === 0 || change === null) return '';
  return ` (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`;
}

export function formatComparison(runs: ComparedRun[]): string {
  const rows = comparisonRows(runs);
  const header = ['arm', 'metric', ...runs.map((_, index) => `run ${index + 1}`)];
  const table = [header, ...rows.map((row) => [row.arm, row.metric, ...row.values.map((value, index) => formatValue(row, value) + formatChange(row.changesPct[index]!, index))])];
  const widths = header.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const lines = table.map((line) => line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ').trimEnd());
  const legend = runs.map(({ summary, run }, index) => `run ${index + 1}: ${summary.runId} (${summary.scenario}, ${run.record.driver.name} ${run.record.driver.inventory.cluster}, ${summary.status})`);
  return `${legend.join('\n')}\n\n${lines.join('\n')}\n`;
}

const COMPARE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('compare-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function bars(id, metric, title) {
    new Chart(document.getElementById(id), {
      type: 'bar',
      data: { labels: data.arms, datasets: data.runs.map(function (run) {
        return { label: run.label, backgroundColor: run.colour, data: data.arms.map(function (arm) { return run.values[metric][arm]; }) };
      }) },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: title } } } }
    });
  }
  bars('chart-deploy', 'deployTimeS', 'deploy time (s)');
  bars('chart-peak', 'peakIops', 'peak storage IOPS');
  document.body.setAttribute('data-charts', '2');
})();
`;

export function renderComparisonHtml(runs: ComparedRun[]): string {
  const rows = comparisonRows(runs);
  const arms = [...new Set(rows.map((row) => row.arm))];
  const data = {
    arms,
    runs: runs.map((_run, index) => ({
      label: `run ${index + 1}`,
      colour: ARM_COLOURS[index % ARM_COLOURS.length],
      values: Object.fromEntries(['deployTimeS', 'peakIops'].map((metric) => [metric, Object.fromEntries(arms.map((arm) => [arm, rows.find((row) => row.arm === arm && row.metric === metric)?.values[index] ?? null]))])),
    })),
  };
  const library = chartJs();
  const legend = runs.map(({ summary, run }, index) => `<tr><td>run ${index + 1}</td><td>${escapeHtml(summary.runId)}</td><td>${escapeHtml(summary.scenario)}</td><td>${escapeHtml(`${run.record.driver.name} · ${run.record.driver.inventory.cluster} · ${run.record.driver.inventory.hosts.length} hosts`)}</td><td>${escapeHtml(run.record.createdAt)}</td><td>${escapeHtml(summary.status)}</td></tr>`).join('\n');
  const body = rows.map((row) => `<tr><td>${escapeHtml(row.arm)}</td><td>${escapeHtml(row.metric)}</td>${row.values.map((value, index) => `<td data-value="${value ?? ''}">${escapeHtml(formatValue(row, value) + formatChange(row.changesPct[index]!, index))}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy([library, COMPARE_SCRIPT]))}">
<title>vdibench comparison</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1100px; padding: 24px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 20px; } th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; } thead th { background: #f6f8fa; }
.chart { position: relative; height: 280px; margin-bottom: 16px; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media print { @page { size: A4; margin: 12mm; } body { padding: 0; font-size: 10px; } .chart, table { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Comparison of ${runs.length} runs</h1>
<table id="runs"><thead><tr><th>run</th><th>id</th><th>scenario</th><th>cluster</th><th>date</th><th>status</th></tr></thead><tbody>
${legend}
</tbody></table>
<div class="grid"><div class="chart"><canvas id="chart-deploy"></canvas></div><div class="chart"><canvas id="chart-peak"></canvas></div></div>
<table id="comparison"><thead><tr><th>arm</th><th>metric</th>${runs.map((_, index) => `<th>run ${index + 1}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
<p>Changes are against run 1.</p>
<script type="application/json" id="compare-data">${jsonForScript(data)}</script>
<script>${library}</script>
<script>${COMPARE_SCRIPT}</script>
</body>
</html>
`;
}
