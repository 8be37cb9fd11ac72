/**
 * index.html: one self-contained page per run (chart.js and styles inlined, data embedded),
 * written for a customer and readable offline. It only formats the summary computed in
 * summary.ts; series are downsampled for display (the CSV keeps every sample).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ArmRecord, StoredRun } from '../metrics/run-store/record.js';
import { PHASE_NAMES } from '../metrics/types.js';
import { lttb, thinSteps, type Point } from './downsample.js';
import { contentSecurityPolicy, escapeHtml, formatNumber, formatSeconds, jsonForScript } from './markup.js';
import { clusterCpuMhz, clusterSeries } from './summary.js';
import type { ArmSummary, RunSummary } from './summary-types.js';

/** Points per series in the page: enough for a smooth line on a printed page. */
const MAX_SERIES_POINTS = 600;
const HISTOGRAM_BINS = 24;

let chartJsSource: string | undefined;
/** chart.js's UMD build, inlined so the report needs no network. Its exports map hides dist/, so go through the package root. */
export function chartJs(): string {
  if (chartJsSource === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js'); // .../chart.js/dist/chart.cjs
    const source = readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
    // Never let the library's text close the <script> element early.
    chartJsSource = source.replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}

export const ARM_COLOURS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#5c940d', '#c2255c'];

/** Draws every chart from the embedded data. Contains no outside string. */
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('run-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  var minutes = { type: 'linear', min: 0, title: { display: true, text: 'minutes since the arm started' } };
  // Dashed vertical lines where each arm's phases start.
  var phaseMarkers = {
    id: 'phaseMarkers',
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.font = '10px system-ui, sans-serif';
      data.arms.forEach(function (arm) {
        arm.phases.forEach(function (phase) {
          var px = x.getPixelForValue(phase.start / 60);
          if (px < area.left || px > area.right) return;
          ctx.strokeStyle = arm.colour; ctx.globalAlpha = 0.5; ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
          ctx.globalAlpha = 0.9; ctx.fillStyle = arm.colour;
          ctx.save(); ctx.translate(px + 3, area.top + 4); ctx.rotate(Math.PI / 2); ctx.fillText(phase.name, 0, 0); ctx.restore();
        });
      });
      ctx.restore();
    }
  };
  function series(id, key, yTitle, options) {
    options = options || {};
    return new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets: data.arms.map(function (arm) {
        return { label: arm.name, borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 2, pointRadius: 0,
          stepped: options.stepped || false,
          data: arm[key].map(function (p) { return { x: p[0] / 60, y: p[1] }; }) };
      }) },
      options: { parsing: false, normalized: true, interaction: { mode: 'nearest', intersect: false },
        scales: { x: minutes, y: { beginAtZero: true, max: options.yMax, title: { display: true, text: yTitle } } } },
      plugins: options.markers ? [phaseMarkers] : []
    });
  }
  var charts = [];
  // Phase timeline (Gantt): one row per arm and phase.
  var rows = [], bars = [], colours = [];
  data.arms.forEach(function (arm) {
    arm.phases.forEach(function (phase) {
      rows.push(arm.name + ' \\u00b7 ' + phase.name);
      bars.push([phase.start / 60, Math.max(phase.end, phase.start + 0.5) / 60]);
      colours.push(phase.performed ? arm.colour : '#adb5bd');
    });
  });
  charts.push(new Chart(document.getElementById('chart-timeline'), {
    type: 'bar',
    data: { labels: rows, datasets: [{ label: 'phase', data: bars, backgroundColor: colours, borderSkipped: false, barPercentage: 0.8 }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: minutes } }
  }));
  charts.push(series('chart-iops', 'iops', 'storage IOPS (cluster, read + write)', { markers: true }));
  charts.push(series('chart-cpu', 'cpu', 'CPU % (cluster)', { markers: true, yMax: 100 }));
  charts.push(series('chart-ready', 'ready', 'desktops ready', { stepped: true }));
  charts.push(new Chart(document.getElementById('chart-distribution'), {
    type: 'bar',
    data: { labels: data.histogram.labels, datasets: data.arms.map(function (arm, index) {
      return { label: arm.name, backgroundColor: arm.colour, data: data.histogram.counts[index] };
    }) },
    options: { scales: { x: { title: { display: true, text: 'minutes from the arm start to desktop ready' } },
                         y: { beginAtZero: true, title: { display: true, text: 'desktops' } } } }
  }));
  // Charts redraw at the page width when printed (and back after).
  function resizeAll() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
  if (window.matchMedia) window.matchMedia('print').addEventListener('change', resizeAll);
  document.body.setAttribute('data-charts', String(charts.length));
})();
`;

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 14px 0 4px; }
.muted { color: var(--muted); } .verdict { font-size: 16px; background: var(--band); border-left: 4px solid #1f6feb; padding: 10px 14px; margin: 16px 0; }
.warning { border-left-color: #cf222e; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; } thead th { background: var(--band); }
tr.section td { font-weight: 600; background: var(--band); }
.chart { position: relative; height: 300px; margin: 8px 0 16px; } .chart.short { height: 220px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 4px 0; } dl.config dt { color: var(--muted); } dl.config dd { margin: 0; }
.parameters { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0 24px; }
@media (max-width: 800px) { .grid, .parameters { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10px; }
  .chart { height: 210px; break-inside: avoid; } .chart.short { height: 170px; }
  /* A chart drawn at screen width is scaled to the page instead of being cut off. */
  .chart canvas { width: 100% !important; height: 100% !important; }
  table, .verdict, dl, .grid, .parameters { break-inside: avoid; } h2 { break-after: avoid; }
  .page-break { break-before: page; }
}
`;

export function verdict(arms: ArmSummary[]): string {
  const timed = arms.filter((arm) => arm.deployTimeS !== null);
  if (arms.length < 2 || timed.length < 2) {
    const arm = timed[0];
    return arm ? `${arm.name} deployed ${arm.desktops.ready} desktops in ${formatSeconds(arm.deployTimeS)}, peaking at ${formatNumber(arm.peakIops)} storage IOPS.` : 'No desktop became ready.';
  }
  const byTime = [...timed].sort((a, b) => a.deployTimeS! - b.deployTimeS!);
  const fast = byTime[0]!;
  const slow = byTime[byTime.length - 1]!;
  const timeRatio = slow.deployTimeS! / Math.max(fast.deployTimeS!, 1e-9);
  const byPeak = [...arms].sort((a, b) => a.peakIops - b.peakIops);
  const low = byPeak[0]!;
  const high = byPeak[byPeak.length - 1]!;
  const timeSentence = `${fast.name} deployed fastest: ${formatSeconds(fast.deployTimeS)} against ${formatSeconds(slow.deployTimeS)} for ${slow.name} `
    + `(${timeRatio.toFixed(1)}x faster).`;
  if (high.peakIops <= 0) return `${timeSentence} No storage load was measured.`;
  const peakRatio = high.peakIops / Math.max(low.peakIops, 1);
  return `${timeSentence} ${low.name} had the lowest peak storage load: ${formatNumber(low.peakIops)} IOPS `
    + `against ${formatNumber(high.peakIops)} for ${high.name} (${peakRatio.toFixed(1)}x lower).`;
}

type Row = [label: string, metric: string, cell: (arm: ArmSummary) => { text: string; value: number | null }];

function summaryTable(arms: ArmSummary[]): string {
  const phaseNames = PHASE_NAMES.filter((name) => arms.some((arm) => arm.phases.some((phase) => phase.name === name)));
  const number = (value: number | null, digits = 0) => ({ text: formatNumber(value, digits), value });
  const seconds = (value: number | null) => ({ text: formatSeconds(value), value });
  const sections: [string, Row[]][] = [
    ['Time', [
      ['Deploy time', 'deployTimeS', (arm) => seconds(arm.deployTimeS)],
      ...phaseNames.map((name): Row => [`phase: ${name}`, `phase.${name}`, (arm) => {
        const phase = arm.phases.find((candidate) => candidate.name === name);
        if (!phase) return { text: '—', value: null };
        return phase.performed ? seconds(phase.durationS) : { text: 'not performed', value: null };
      }]),
      ['Desktop ready, p50', 'desktopReadyS.p50', (arm) => seconds(arm.desktopReadyS.p50)],
      ['Desktop ready, p95', 'desktopReadyS.p95', (arm) => seconds(arm.desktopReadyS.p95)],
      ['Desktop ready, max', 'desktopReadyS.max', (arm) => seconds(arm.desktopReadyS.max)],
    ]],
    ['Impact', [
      ['Peak storage IOPS', 'peakIops', (arm) => number(arm.peakIops)],
      ['Average storage IOPS', 'avgIops', (arm) => number(arm.avgIops)],
      ['Total storage I/Os', 'totalIos', (arm) => number(arm.totalIos)],
      ['Peak CPU %', 'peakCpuPct', (arm) => number(arm.peakCpuPct, 1)],
      ['Average CPU %', 'avgCpuPct', (arm) => number(arm.avgCpuPct, 1)],
    ]],
    ['Desktops', [
      ['Requested', 'desktops.requested', (arm) => number(arm.desktops.requested)],
      ['Ready', 'desktops.ready', (arm) => number(arm.desktops.ready)],
      ['Failed', 'desktops.failed', (arm) => number(arm.desktops.failed)],
    ]],
  ];
  const head = `<thead><tr><th></th>${arms.map((arm) => `<th>${escapeHtml(arm.name)}<br><span class="muted">${escapeHtml(arm.method)}</span></th>`).join('')}</tr></thead>`;
  const body = sections.map(([title, rows]) => `<tr class="section"><td colspan="${arms.length + 1}">${escapeHtml(title)}</td></tr>\n${rows.map(([label, metric, cell]) => `<tr><td>${escapeHtml(label)}</td>${arms.map((arm) => {
    const { text, value } = cell(arm);
    return `<td data-arm="${escapeHtml(arm.name)}" data-metric="${escapeHtml(metric)}" data-value="${value === null ? '' : value}">${escapeHtml(text)}</td>`;
  }).join('')}</tr>`).join('\n')}`).join('\n');
  return `<table id="summary">${head}<tbody>${body}</tbody></table>`;
}

function failedDesktops(arms: ArmRecord[]): string {
  const failed = arms.flatMap((arm) => arm.desktops.filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined).map((desktop) => ({ arm: arm.name, desktop })));
  if (failed.length === 0) return '';
  const shown = failed.slice(0, 200);
  return `<h2>Failed desktops (${failed.length})</h2>
<table id="failed"><thead><tr><th>Desktop</th><th>Arm</th><th>Host</th><th>Failed at</th><th>Error</th></tr></thead><tbody>
${shown.map(({ arm, desktop }) => `<tr><td>${escapeHtml(desktop.name)}</td><td>${escapeHtml(arm)}</td><td>${escapeHtml(desktop.host)}</td><td>${escapeHtml(formatSeconds(desktop.failedS ?? null))}</td><td style="text-align:left">${escapeHtml(desktop.error ?? '')}</td></tr>`).join('\n')}
</tbody></table>${failed.length > shown.length ? `<p class="muted">…and ${failed.length - shown.length} more in desktops.csv.</p>` : ''}`;
}

function configuration(run: StoredRun): string {
  const { record } = run;
  const { scenario, driver } = record;
  const items: [string, string][] = [
    ['Scenario', scenario.name],
    ['Description', scenario.description || '—'],
    ['Run', record.runId],
    ['Status', record.status + (record.error ? `: ${record.error}` : '')],
    ['Started', record.createdAt],
    ['Scenario file', record.scenarioFile ?? '—'],
    ['Driver', `${driver.name} (${driver.inventory.endpoint})`],
    ['Cluster', `${driver.inventory.cluster}: ${driver.inventory.hosts.length} hosts; datastores ${driver.inventory.datastores.join(', ')}`],
    ['Hosts', driver.inventory.hosts.map((host) => `${host.name} (${formatNumber(host.cpuMhz)} MHz)`).join(', ')],
    ...Object.entries(driver.inventory.details).map(([key, value]): [string, string] => [key, String(value)]),
    ['Harness', `${record.harness.name} ${record.harness.version}, Node ${record.harness.node}`],
    ['Seed', String(scenario.seed)],
    ['Sample interval', `${scenario.sampleIntervalS} s`],
    ['Name prefix', scenario.namePrefix],
    ['Arms', scenario.arms.map((arm) => `${arm.name} (${arm.method}, ${arm.desktops} desktops)`).join('; ')],
  ];
  const dl = (entries: [string, unknown][]) => `<dl class="config">${entries.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
  const parameters = (['cluster', 'image', 'horizon'] as const)
    .map((section) => `<div><h3>${section}</h3>${dl(Object.entries(scenario[section]))}</div>`).join('');
  return `${dl(items)}<div class="parameters">${parameters}</div>`;
}

function histogram(arms: ArmRecord[]): { labels: string[]; counts: number[][] } {
  const readyTimes = arms.map((arm) => arm.desktops.flatMap((desktop) => (desktop.readyS === undefined ? [] : [desktop.readyS])));
  const maxS = Math.max(1, ...readyTimes.flat());
  const widthS = maxS / HISTOGRAM_BINS;
  const labels = Array.from({ length: HISTOGRAM_BINS }, (_, index) => `${((index * widthS) / 60).toFixed(1)}–${(((index + 1) * widthS) / 60).toFixed(1)}`);
  const counts = readyTimes.map((times) => {
    const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const time of times) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor(time / widthS))]!++;
    return bins;
  });
  return { labels, counts };
}

type GapPoint = [x: number, y: number | null];

/** LTTB for a series without gaps; one with gaps is thinned evenly so its gaps stay visible. */
function downsample(points: GapPoint[]): GapPoint[] {
  if (points.every((point) => point[1] !== null)) return lttb(points as Point[], MAX_SERIES_POINTS);
  return thinSteps(points as Point[], MAX_SERIES_POINTS) as GapPoint[];
}

export function chartData(run: StoredRun, summary: RunSummary) {
  const capacity = clusterCpuMhz(run.record.driver.inventory);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return {
    arms: summary.arms.map((arm, index) => {
      const record = run.record.arms.find((candidate) => candidate.name === arm.name);
      const points = clusterSeries(run.samples.filter((sample) => sample.arm === arm.name), capacity);
      const iops = points.map((point): GapPoint => [round(point.tS, 1), point.iops === null ? null : Math.round(point.iops)]);
      const cpu = points.map((point): GapPoint => [round(point.tS, 1), point.cpuPct === null ? null : round(point.cpuPct, 2)]);
      const readyTimes = (record?.desktops ?? []).flatMap((desktop) => (desktop.readyS === undefined ? [] : [desktop.readyS])).sort((a, b) => a - b);
      const ready: Point[] = [[0, 0], ...readyTimes.map((time, count): Point => [round(time, 1), count + 1])];
      return {
        name: arm.name,
        colour: ARM_COLOURS[index % ARM_COLOURS.length]!,
        iops: downsample(iops),
        cpu: downsample(cpu),
        ready: thinSteps(ready, MAX_SERIES_POINTS),
        phases: arm.phases.map((phase) => ({ name: phase.name, start: phase.startS, end: phase.startS + phase.durationS, performed: phase.performed })),
      };
    }),
    histogram: histogram(run.record.arms),
  };
}

export function renderHtml(run: StoredRun, summary: RunSummary): string {
  const library = chartJs();
  const { record } = run;
  const incomplete = record.status !== 'completed';
  const statusNote = incomplete
    ? `<div class="verdict warning" id="status-note"><strong>This run is ${escapeHtml(record.status === 'running' ? 'incomplete (it stopped without finishing)' : record.status)}${record.error ? `: ${escapeHtml(record.error)}` : ''}.</strong> The figures cover what was gathered.</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy([library, CHART_SCRIPT]))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${summary.scenario} — vdibench report`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(summary.scenario)}</h1>
<p class="muted">${escapeHtml(record.scenario.description)}</p>
<p class="muted">Run ${escapeHtml(summary.runId)} · ${escapeHtml(record.createdAt)} · driver ${escapeHtml(summary.driver)} (${escapeHtml(record.driver.inventory.cluster)}, ${record.driver.inventory.hosts.length} hosts) · status ${escapeHtml(summary.status)}</p>
${statusNote}
<div class="verdict" id="verdict">${escapeHtml(verdict(summary.arms))}</div>
<h2>Summary</h2>
${summaryTable(summary.arms)}
<h2>Where the time goes</h2>
<div class="chart short"><canvas id="chart-timeline" role="img" aria-label="Phase timeline per arm"></canvas></div>
<h2>Storage IOPS</h2>
<p class="muted">Cluster total, read + write, 20 s averages; dashed lines mark where each arm's phases start.</p>
<div class="chart"><canvas id="chart-iops" role="img" aria-label="Storage IOPS over time, per arm"></canvas></div>
<h2>CPU</h2>
<div class="chart"><canvas id="chart-cpu" role="img" aria-label="Cluster CPU over time, per arm"></canvas></div>
<h2>Desktops ready</h2>
<div class="grid">
<div class="chart short"><canvas id="chart-ready" role="img" aria-label="Desktops ready over time"></canvas></div>
<div class="chart short"><canvas id="chart-distribution" role="img" aria-label="Distribution of time to ready"></canvas></div>
</div>
${failedDesktops(record.arms)}
<h2 class="page-break">Configuration</h2>
${configuration(run)}
<p class="muted">In this folder: samples.csv (every host sample), desktops.csv, phases.csv, events.csv, summary.json, run.json, metrics.lp (InfluxDB line protocol).</p>
<script type="application/json" id="run-data">${jsonForScript(chartData(run, summary))}</script>
<script>${library}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
