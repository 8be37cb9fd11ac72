/**
 * index.html: one self-contained page per run (chart.js and styles inlined, data embedded),
 * readable offline. It only formats the summary computed in summary.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PHASE_NAMES } from '../metrics/types.js';
import type { StoredRun } from '../metrics/run-store/record.js';
import { clusterCpuMhz, clusterSeries } from './summary.js';
import type { ArmSummary, RunSummary } from './summary-types.js';
import { contentSecurityPolicy, escapeHtml, formatNumber, formatSeconds, jsonForScript } from './markup.js';

let chartJsSource: string | undefined;
/** chart.js's UMD build, inlined so the report needs no network. Its exports map hides dist/, so go through the package root. */
function chartJs(): string {
  if (chartJsSource === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js'); // .../chart.js/dist/chart.cjs
    const source = readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
    // Never let the library's text close the <script> element early.
    chartJsSource = source.replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}

const ARM_COLOURS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#5c940d', '#c2255c'];

/** Draws the charts from the embedded data; kept free of outside strings. */
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('run-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  function lineChart(id, key, yTitle) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: 'line',
      data: { datasets: data.arms.map(function (arm) {
        return { label: arm.name, borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 2, pointRadius: 0,
          data: arm.series.map(function (p) { return { x: p[0] / 60, y: p[key] }; }) };
      }) },
      options: { responsive: true, maintainAspectRatio: false, parsing: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: { type: 'linear', title: { display: true, text: 'minutes since the arm started' } },
                  y: { beginAtZero: true, title: { display: true, text: yTitle } } } }
    });
  }
  lineChart('chart-iops', 1, 'storage IOPS (cluster, read + write)');
  lineChart('chart-cpu', 2, 'CPU % (cluster)');
  document.body.setAttribute('data-charts-drawn', String(Chart.instances ? Object.keys(Chart.instances).length : 0));
})();
`;

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); } .verdict { font-size: 16px; background: var(--band); border-left: 4px solid #1f6feb; padding: 10px 14px; margin: 16px 0; }
.status-failed, .status-aborted { border-left-color: #cf222e; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { background: var(--band); }
.chart { position: relative; height: 300px; margin: 8px 0 16px; }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dl.config dt { color: var(--muted); } dl.config dd { margin: 0; }
code { font-size: 12px; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  .chart { height: 220px; break-inside: avoid; } table, .verdict, dl { break-inside: avoid; } h2 { break-after: avoid; }
}
`;

export function verdict(arms: ArmSummary[]): string {
  const timed = arms.filter((arm) => arm.deployTimeS !== null);
  if (arms.length < 2 || timed.length < 2) {
    const arm = timed[0];
    return arm ? `${arm.name} deployed ${arm.desktops.ready} desktops in ${formatSeconds(arm.deployTimeS)}.` : 'No desktop became ready.';
  }
  const byTime = [...timed].sort((a, b) => a.deployTimeS! - b.deployTimeS!);
  const fast = byTime[0]!;
  const slow = byTime[byTime.length - 1]!;
  const timeRatio = slow.deployTimeS! / Math.max(fast.deployTimeS!, 1e-9);
  const byPeak = [...arms].sort((a, b) => a.peakIops - b.peakIops);
  const low = byPeak[0]!;
  const high = byPeak[byPeak.length - 1]!;
  const peakRatio = high.peakIops / Math.max(low.peakIops, 1);
  return `${fast.name} deployed fastest: ${formatSeconds(fast.deployTimeS)} against ${formatSeconds(slow.deployTimeS)} for ${slow.name} `
    + `(${timeRatio.toFixed(1)}x faster). ${low.name} had the lowest peak storage load: ${formatNumber(low.peakIops)} IOPS `
    + `against ${formatNumber(high.peakIops)} for ${high.name} (${peakRatio.toFixed(1)}x lower).`;
}

function summaryTable(arms: ArmSummary[]): string {
  const phaseNames = PHASE_NAMES.filter((name) => arms.some((arm) => arm.phases.some((phase) => phase.name === name)));
  const rows: [string, (arm: ArmSummary) => string][] = [
    ['Desktops ready / requested', (arm) => `${arm.desktops.ready} / ${arm.desktops.requested}`],
    ['Desktops failed', (arm) => String(arm.desktops.failed)],
    ['Deploy time', (arm) => formatSeconds(arm.deployTimeS)],
    ...phaseNames.map((name): [string, (arm: ArmSummary) => string] => [`phase: ${name}`, (arm) => {
      const phase = arm.phases.find((candidate) => candidate.name === name);
      if (!phase) return '—';
      return phase.performed ? formatSeconds(phase.durationS) : 'not performed';
    }]),
    ['Peak storage IOPS', (arm) => formatNumber(arm.peakIops)],
    ['Average storage IOPS', (arm) => formatNumber(arm.avgIops)],
    ['Total storage I/Os', (arm) => formatNumber(arm.totalIos)],
    ['Peak CPU %', (arm) => formatNumber(arm.peakCpuPct, 1)],
    ['Average CPU %', (arm) => formatNumber(arm.avgCpuPct, 1)],
    ['Desktop ready, p50', (arm) => formatSeconds(arm.desktopReadyS.p50)],
    ['Desktop ready, p95', (arm) => formatSeconds(arm.desktopReadyS.p95)],
    ['Desktop ready, max', (arm) => formatSeconds(arm.desktopReadyS.max)],
  ];
  const head = `<thead><tr><th></th>${arms.map((arm) => `<th>${escapeHtml(arm.name)}<br><span class="muted">${escapeHtml(arm.method)}</span></th>`).join('')}</tr></thead>`;
  const body = rows.map(([label, cell]) => `<tr><td>${escapeHtml(label)}</td>${arms.map((arm) => `<td data-arm="${escapeHtml(arm.name)}" data-metric="${escapeHtml(label)}">${escapeHtml(cell(arm))}</td>`).join('')}</tr>`).join('\n');
  return `<table id="summary">${head}<tbody>${body}</tbody></table>`;
}

function configuration(run: StoredRun): string {
  const { record } = run;
  const { scenario } = record;
  const items: [string, string][] = [
    ['Scenario', `${scenario.name}${scenario.description ? ` — ${scenario.description}` : ''}`],
    ['Run', record.runId],
    ['Status', record.status + (record.error ? `: ${record.error}` : '')],
    ['Date', record.createdAt],
    ['Driver', `${record.driver.name} (${record.driver.inventory.endpoint})`],
    ['Cluster', `${record.driver.inventory.cluster}: ${record.driver.inventory.hosts.length} hosts, ${record.driver.inventory.datastores.join(', ')}`],
    ['Harness', `${record.harness.name} ${record.harness.version}, Node ${record.harness.node}`],
    ['Seed', String(scenario.seed)],
    ['Sample interval', `${scenario.sampleIntervalS} s`],
    ['Arms', scenario.arms.map((arm) => `${arm.name} (${arm.method}, ${arm.desktops} desktops)`).join('; ')],
  ];
  const parameters = (['cluster', 'image', 'horizon'] as const).map((section) => `<h3>${section}</h3><dl class="config">${
    Object.entries(scenario[section]).map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`).join('');
  return `<dl class="config">${items.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>${parameters}`;
}

export function renderHtml(run: StoredRun, summary: RunSummary): string {
  const capacity = clusterCpuMhz(run.record);
  const chartData = {
    arms: summary.arms.map((arm, index) => ({
      name: arm.name,
      colour: ARM_COLOURS[index % ARM_COLOURS.length],
      series: clusterSeries(run.samples.filter((sample) => sample.arm === arm.name), capacity)
        .map((point) => [Number(point.tS.toFixed(1)), Math.round(point.iops), Number(point.cpuPct.toFixed(2))]),
    })),
  };
  const library = chartJs();
  const scripts = [library, CHART_SCRIPT];
  const statusClass = run.record.status === 'completed' ? '' : ` status-${escapeHtml(run.record.status)}`;
  const statusNote = run.record.status === 'completed' ? '' : `<p><strong>This run ${escapeHtml(run.record.status)}${run.record.error ? `: ${escapeHtml(run.record.error)}` : ''}.</strong> The figures cover what was gathered.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`vdibench — ${summary.scenario} — ${summary.runId}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(summary.scenario)}</h1>
<p class="muted">${escapeHtml(run.record.scenario.description)}</p>
<p class="muted">Run ${escapeHtml(summary.runId)} · ${escapeHtml(run.record.createdAt)} · driver ${escapeHtml(summary.driver)} · status ${escapeHtml(summary.status)}</p>
${statusNote}
<div class="verdict${statusClass}" id="verdict">${escapeHtml(verdict(summary.arms))}</div>
<h2>Summary</h2>
${summaryTable(summary.arms)}
<h2>Storage IOPS</h2>
<div class="chart"><canvas id="chart-iops" role="img" aria-label="Storage IOPS over time, per arm"></canvas></div>
<h2>CPU</h2>
<div class="chart"><canvas id="chart-cpu" role="img" aria-label="Cluster CPU over time, per arm"></canvas></div>
<h2>Configuration</h2>
${configuration(run)}
<p class="muted">Raw samples: samples.csv · lifecycle events: events.csv · InfluxDB line protocol: metrics.lp · record: run.json (in this folder).</p>
<script type="application/json" id="run-data">${jsonForScript(chartData)}</script>
<script>${library}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
