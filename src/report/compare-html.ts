/** The HTML exporter of a comparison of runs: a table and two bar charts, self-contained. */
import path from 'node:path';
import { ARM_COLOURS, chartJs } from './chart-library.js';
import { comparisonRows, formatChange, formatComparedValue, runDifferences, runLabel, type ComparedRun } from './compare.js';
import { thinSteps, type Point } from './downsample.js';
import { contentSecurityPolicy, escapeHtml, jsonForScript } from './markup.js';

const COMPARE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('compare-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var charts = 0;
  function bars(id, metric, title) {
    new Chart(document.getElementById(id), {
      type: 'bar',
      data: { labels: data.arms, datasets: data.runs.map(function (run) {
        return { label: run.label, backgroundColor: run.colour, data: data.arms.map(function (arm) { return run.values[metric][arm]; }) };
      }) },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: title } } } }
    });
    charts++;
  }
  bars('chart-deploy', 'deployTimeS', 'deploy time (s)');
  bars('chart-peak', 'peakIops', 'peak storage IOPS');
  // Storage IOPS over time, every run and arm overlaid (arm by dash, run by colour).
  var dashes = [[], [6, 4], [2, 2], [10, 3, 2, 3]];
  var datasets = [];
  data.runs.forEach(function (run) {
    run.series.forEach(function (series, armIndex) {
      datasets.push({ label: run.label + ' · ' + series.arm, borderColor: run.colour, backgroundColor: run.colour, borderWidth: 1.5,
        borderDash: dashes[armIndex % dashes.length], pointRadius: 0,
        data: series.iops.map(function (p) { return { x: p[0] / 60, y: p[1] }; }) });
    });
  });
  new Chart(document.getElementById('chart-iops'), {
    type: 'line', data: { datasets: datasets },
    options: { parsing: false, scales: { x: { type: 'linear', min: 0, title: { display: true, text: 'minutes since the arm started' } },
      y: { beginAtZero: true, title: { display: true, text: 'storage IOPS' } } } }
  });
  charts++;
  document.body.setAttribute('data-charts', String(charts));
})();
`;

/** Points per overlaid series: plenty for a comparison chart. */
const MAX_OVERLAY_POINTS = 300;

export function renderComparisonHtml(runs: ComparedRun[], htmlPath?: string): string {
  const rows = comparisonRows(runs);
  const arms = [...new Set(rows.map((row) => row.arm))];
  const differences = runDifferences(runs);
  const data = {
    arms,
    runs: runs.map((run, index) => ({
      label: runLabel(run, index),
      colour: ARM_COLOURS[index % ARM_COLOURS.length],
      values: Object.fromEntries(['deployTimeS', 'peakIops'].map((metric) => [metric, Object.fromEntries(arms.map((arm) => [arm, rows.find((row) => row.arm === arm && row.metric === metric)?.values[index] ?? null]))])),
      series: (run.arms ?? []).map((arm) => ({
        arm: arm.summary.name,
        iops: thinSteps(arm.series.flatMap((point): Point[] => (point.iops === null ? [] : [[Number(point.tS.toFixed(1)), Math.round(point.iops)]])), MAX_OVERLAY_POINTS),
      })),
    })),
  };
  const library = chartJs();
  const link = (run: ComparedRun) => {
    if (!run.reportPath) return '';
    const href = htmlPath ? path.relative(path.dirname(htmlPath), run.reportPath) : run.reportPath;
    return `<a href="${escapeHtml(href.split(path.sep).join('/'))}">report</a>`;
  };
  const legend = runs.map((run, index) => {
    const { summary, record } = run;
    return `<tr><td>${escapeHtml(runLabel(run, index))}</td><td>${escapeHtml(summary.runId)}</td><td>${escapeHtml(summary.scenario)}</td><td>${escapeHtml(`${record.driver.name} · ${record.driver.inventory.cluster} · ${record.driver.inventory.hosts.length} hosts`)}</td><td>${escapeHtml(record.createdAt)}</td><td>${escapeHtml(summary.status)}</td><td>${link(run)}</td></tr>`;
  }).join('\n');
  const differencesList = differences.slice(1).map((list, index) => `<li><strong>${escapeHtml(runLabel(runs[index + 1]!, index + 1))}</strong> vs ${escapeHtml(runLabel(runs[0]!, 0))}: ${list.length === 0 ? 'same desktops, driver and parameters' : escapeHtml(list.join('; '))}</li>`).join('');
  const body = rows.map((row) => `<tr><td>${escapeHtml(row.arm)}</td><td title="${escapeHtml(row.metric)}">${escapeHtml(row.label)}</td>${row.values.map((value, index) => {
    const verdict = row.better[index];
    const cls = verdict === true ? ' class="better"' : verdict === false ? ' class="worse"' : '';
    return `<td data-value="${value ?? ''}"${cls}>${escapeHtml(formatComparedValue(row, value, index) + formatChange(row.changesPct[index]!, index))}</td>`;
  }).join('')}</tr>`).join('\n');
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
td.better { color: #1a7f37; font-weight: 600; } td.worse { color: #cf222e; font-weight: 600; }
.differences { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 12px; border-radius: 6px; } .differences ul { margin: 4px 0; padding-left: 20px; }
.chart { position: relative; height: 280px; margin-bottom: 16px; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media print { @page { size: A4; margin: 12mm; } body { padding: 0; font-size: 10px; } .chart, table { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Comparison of ${runs.length} runs</h1>
<div class="differences" id="differences"><strong>What differs between the runs</strong><ul>${differencesList}</ul></div>
<table id="runs"><thead><tr><th>run</th><th>id</th><th>scenario</th><th>cluster</th><th>date</th><th>status</th><th></th></tr></thead><tbody>
${legend}
</tbody></table>
<div class="grid"><div class="chart"><canvas id="chart-deploy"></canvas></div><div class="chart"><canvas id="chart-peak"></canvas></div></div>
<div class="chart"><canvas id="chart-iops"></canvas></div>
<table id="comparison"><thead><tr><th>arm</th><th>metric</th>${runs.map((run, index) => `<th>${escapeHtml(runLabel(run, index))}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
<p>Changes are against ${escapeHtml(runLabel(runs[0]!, 0))}; green is better, red is worse (for each metric in its own direction: less time and load is better, more desktops ready is better).</p>
<script type="application/json" id="compare-data">${jsonForScript(data)}</script>
<script>${library}</script>
<script>${COMPARE_SCRIPT}</script>
</body>
</html>
`;
}
