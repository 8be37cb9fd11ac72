/**
 * index.html: one self-contained page per run (chart.js and styles inlined, data embedded),
 * written for a customer and readable offline. It only formats the summary computed in
 * summary.ts; series are downsampled for display (the CSV keeps every sample).
 */
import { OPERATION_PHASE_NAMES, PHASE_NAMES } from '../contract/observations.js';
import { OPERATION_LABELS } from '../contract/operation.js';
import type { ArmRecord } from '../contract/run-record.js';
import type { ArmSummary, OperationSummary } from '../contract/summary.js';
import { ARM_COLOURS, chartJs } from './chart-library.js';
import { lttb, thinSteps, type Point } from './downsample.js';
import { contentSecurityPolicy, escapeHtml, formatDesktopTime, formatNumber, formatSeconds, jsonForScript } from './markup.js';
import type { ArmView, ReportModel } from './model.js';
import { metricValues } from './repeats.js';
import { inDeployment, pointsWithin, type ClusterPoint } from './summary.js';

/** Points per series in the page: enough for a smooth line on a printed page. */
const MAX_SERIES_POINTS = 600;
const HISTOGRAM_BINS = 24;

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
      // Labels sit in lanes (one per phase of every arm), so marks near each other never overlap.
      var lane = 0;
      data.arms.forEach(function (arm) {
        arm.phases.forEach(function (phase) {
          var px = x.getPixelForValue(phase.start / 60);
          lane++;
          if (px < area.left || px > area.right) return;
          ctx.strokeStyle = arm.colour; ctx.globalAlpha = 0.5; ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
          ctx.globalAlpha = 0.9; ctx.fillStyle = arm.colour;
          ctx.fillText(phase.name, Math.min(px + 3, area.right - ctx.measureText(phase.name).width), area.top + 10 + ((lane - 1) % Math.max(1, Math.floor((area.bottom - area.top - 12) / 11))) * 11);
        });
      });
      ctx.restore();
    }
  };
  function points(list) { return list.map(function (p) { return { x: p[0] / 60, y: p[1] }; }); }
  // A horizontal line across the whole chart: a capacity the series cannot exceed.
  function capacityLine(label, value) {
    var endS = 0;
    data.arms.forEach(function (arm) { arm.iops.forEach(function (p) { endS = Math.max(endS, p[0]); }); });
    return { label: label, borderColor: '#6e7781', borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, data: [{ x: 0, y: value }, { x: endS / 60, y: value }] };
  }
  function series(id, key, yTitle, options) {
    options = options || {};
    var datasets = [];
    data.arms.forEach(function (arm) {
      datasets.push({ label: arm.name + (options.suffix || ''), borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 2, pointRadius: 0,
        stepped: options.stepped || false, data: points(arm[key]) });
      (options.extra || []).forEach(function (extra) {
        if (!arm[extra.key]) return;
        datasets.push({ label: arm.name + extra.suffix, borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 1.5, borderDash: extra.dash, pointRadius: 0, data: points(arm[extra.key]) });
      });
    });
    if (options.band) {
      // Repeated runs: the range of all runs around each arm's median run.
      data.arms.forEach(function (arm) {
        if (!arm.iopsMin) return;
        datasets.push({ label: arm.name + ' (min of runs)', borderWidth: 0, pointRadius: 0, backgroundColor: 'transparent', data: points(arm.iopsMin) });
        datasets.push({ label: arm.name + ' (range of runs)', borderWidth: 0, pointRadius: 0, backgroundColor: arm.colour + '33', fill: '-1', data: points(arm.iopsMax) });
      });
    }
    if (options.capacity) datasets.push(capacityLine(options.capacity.label, options.capacity.value));
    return new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets: datasets },
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
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: minutes, y: { ticks: { autoSkip: false, font: { size: 10 } } } } }
  }));
  charts.push(series('chart-iops', 'iops', 'IOPS (read + write)', { markers: true, suffix: ' (disk)', band: true,
    extra: [{ key: 'hostIops', suffix: ' (hypervisor)', dash: [6, 4] }],
    capacity: data.storageCapacityIops ? { label: 'storage capacity', value: data.storageCapacityIops } : null }));
  charts.push(series('chart-rw', 'readIops', 'IOPS', { suffix: ' read', extra: [{ key: 'writeIops', suffix: ' write', dash: [2, 2] }] }));
  charts.push(series('chart-cpu', 'cpu', 'CPU %', { markers: true, yMax: 100, capacity: { label: 'CPU capacity', value: 100 } }));
  charts.push(series('chart-ready', 'ready', 'desktops ready', { stepped: true }));
  charts.push(new Chart(document.getElementById('chart-distribution'), {
    type: 'bar',
    data: { labels: data.histogram.labels, datasets: data.arms.map(function (arm, index) {
      return { label: arm.name, backgroundColor: arm.colour, data: data.histogram.counts[index] };
    }) },
    options: { scales: { x: { title: { display: true, text: 'minutes from the arm start to desktop ready' } },
                         y: { beginAtZero: true, title: { display: true, text: 'desktops' } } } }
  }));
  // A sweep: deploy time, throughput and peak IOPS against the desktop count, one line per method.
  if (data.sweep) {
    var methodColour = { composer: '#1f6feb', 'instant-clone': '#d9480f' };
    function scaling(id, key, title, scale) {
      return new Chart(document.getElementById(id), {
        type: 'line',
        data: { datasets: data.sweep.methods.map(function (method) {
          return { label: method, borderColor: methodColour[method], backgroundColor: methodColour[method], borderWidth: 2, pointRadius: 3,
            data: data.sweep.points.filter(function (p) { return p.method === method && p[key] !== null; })
              .map(function (p) { return { x: p.desktops, y: p[key] * (scale || 1) }; }) };
        }) },
        options: { parsing: false, scales: { x: { type: 'linear', title: { display: true, text: 'desktops' } },
          y: { beginAtZero: true, title: { display: true, text: title } } } }
      });
    }
    charts.push(scaling('chart-scale-time', 'deployTimeS', 'deploy time (min)', 1 / 60));
    charts.push(scaling('chart-scale-rate', 'desktopsPerMin', 'desktops ready per minute'));
    charts.push(scaling('chart-scale-iops', 'peakIops', 'peak storage IOPS'));
  }
  // Repeated runs: every run's value per arm, so the spread is seen, not only summarised.
  if (data.spread) {
    data.spread.metrics.forEach(function (metric, index) {
      charts.push(new Chart(document.getElementById('chart-spread-' + index), {
        type: 'scatter',
        data: { datasets: metric.arms.map(function (arm, armIndex) {
          return { label: arm.name, backgroundColor: arm.colour, borderColor: arm.colour, pointRadius: 4,
            data: arm.values.map(function (value, run) { return { x: armIndex + 1 + (run - (arm.values.length - 1) / 2) * 0.04, y: value }; }) };
        }) },
        options: { plugins: { legend: { display: index === 0 } }, scales: {
          x: { min: 0.5, max: metric.arms.length + 0.5, ticks: { stepSize: 1, callback: function (value) { var arm = metric.arms[value - 1]; return arm ? arm.name : ''; } } },
          y: { title: { display: true, text: metric.label } } } }
      }));
    });
  }
  // Per host: small multiples of storage IOPS, every arm on each, one shared y scale so hosts compare at a glance.
  var hostMax = 0;
  data.hosts.forEach(function (host) { host.arms.forEach(function (arm) { arm.iops.forEach(function (p) { if (p[1] !== null && p[1] > hostMax) hostMax = p[1]; }); }); });
  data.hosts.forEach(function (host, index) {
    charts.push(new Chart(document.getElementById('chart-host-' + index), {
      type: 'line',
      data: { datasets: host.arms.map(function (arm) {
        return { label: arm.name, borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 1.5, pointRadius: 0,
          data: arm.iops.map(function (p) { return { x: p[0] / 60, y: p[1] }; }) };
      }) },
      options: { parsing: false, plugins: { legend: { display: false }, title: { display: true, text: host.host, font: { size: 11 } } },
        scales: { x: { type: 'linear', min: 0, ticks: { font: { size: 9 } } }, y: { beginAtZero: true, max: hostMax || undefined, ticks: { font: { size: 9 } } } } }
    }));
  });
  // Day-2 operations: desktops out of service and storage IOPS, on each operation's own time axis.
  var sinceOperation = { type: 'linear', min: 0, title: { display: true, text: 'minutes since the operation started' } };
  data.operations.forEach(function (operation, index) {
    [['chart-op-' + index + '-down', 'unavailable', 'desktops unavailable', true], ['chart-op-' + index + '-iops', 'iops', 'IOPS (read + write)', false]].forEach(function (spec) {
      charts.push(new Chart(document.getElementById(spec[0]), {
        type: 'line',
        data: { datasets: operation.arms.map(function (arm) {
          return { label: arm.name, borderColor: arm.colour, backgroundColor: arm.colour, borderWidth: 2, pointRadius: 0, stepped: spec[3], data: points(arm[spec[1]]) };
        }) },
        options: { parsing: false, normalized: true, interaction: { mode: 'nearest', intersect: false },
          scales: { x: sinceOperation, y: { beginAtZero: true, title: { display: true, text: spec[2] } } } }
      }));
    });
  });
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
.warning { border-left-color: #cf222e; } .verdict ul { margin: 4px 0 0; padding-left: 20px; font-size: 13px; } li.fail { color: #cf222e; }
.badge { padding: 6px 12px; border-radius: 6px; margin: 0 0 12px; font-size: 13px; }
.badge.simulated { background: #fff8c5; border: 1px solid #d4a72c; } .badge.measured { background: #dafbe1; border: 1px solid #4ac26b; }
.override { font-weight: 600; color: #9a6700; } .spread { color: var(--muted); font-size: 11px; }
.method dl.config { margin-bottom: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; } thead th { background: var(--band); }
tr.section td { font-weight: 600; background: var(--band); }
.chart { position: relative; height: 300px; margin: 8px 0 16px; } .chart.short { height: 220px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.hosts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; } .chart.tiny { height: 130px; margin: 0; } .grid3 { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 4px 0; } dl.config dt { color: var(--muted); } dl.config dd { margin: 0; }
.parameters { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0 24px; }
@media screen and (max-width: 800px) { .grid, .grid3, .parameters { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 10mm; }
  body { max-width: none; padding: 0; font-size: 9px; line-height: 1.3; }
  h1 { font-size: 17px; } h2 { font-size: 12px; margin: 10px 0 4px; } h3 { font-size: 10px; margin: 6px 0 2px; }
  .verdict { font-size: 11px; padding: 6px 10px; margin: 8px 0; } .badge { font-size: 10px; padding: 4px 8px; margin-bottom: 6px; }
  th, td { padding: 1px 6px; } p { margin: 3px 0; }
  .chart { height: 190px; margin: 4px 0 8px; break-inside: avoid; } .chart.short { height: 150px; } .chart.tiny { height: 95px; margin: 0; }
  /* A chart drawn at screen width is scaled to the page instead of being cut off. */
  .chart canvas { width: 100% !important; height: 100% !important; }
  table, .verdict, dl, .grid, .parameters, section.keep { break-inside: avoid; } h2 { break-after: avoid; }
  .page-break, .page-break-print { break-before: page; }
  .parameters { gap: 0 12px; }
}
`;

type Row = [label: string, metric: string, cell: (arm: ArmSummary) => { text: string; value: number | null }];

/** The summary table's names for catalog metrics where they differ. */
const TABLE_TO_CATALOG: Record<string, string> = {
  'desktopReadyS.p50': 'desktopReadyP50S', 'desktopReadyS.p95': 'desktopReadyP95S', 'desktopReadyS.max': 'desktopReadyMaxS',
  'desktops.ready': 'desktopsReady', 'desktops.failed': 'desktopsFailed',
};

/** Repeated runs: `± σ (min…max)` under the median, in the unit of the row. */
function spreadText(arm: ArmSummary, metric: string): string {
  const stats = arm.stats?.[TABLE_TO_CATALOG[metric] ?? metric];
  if (!stats || stats.n < 2) return '';
  const seconds = metric === 'deployTimeS' || metric.startsWith('phase.') || metric.startsWith('desktopReadyS.');
  const show = (value: number) => (seconds ? formatSeconds(value) : formatNumber(value, metric.endsWith('Pct') ? 1 : 0));
  return `<br><span class="spread">± ${escapeHtml(show(stats.sd))} (${escapeHtml(show(stats.min))}…${escapeHtml(show(stats.max))})</span>`;
}

function spreadSection(model: ReportModel): string {
  if (!model.repeated) return '';
  const runs = model.summary.arms[0]?.repetitions?.length ?? 0;
  return `<section class="keep" id="spread">
<h2>Spread over ${runs} runs</h2>
<p class="muted">Every run's value, per arm; the table above gives each arm's median, ± the standard deviation and (min…max).</p>
<div class="grid3">${SPREAD_METRICS.map((_, index) => `<div class="chart short"><canvas id="chart-spread-${index}" role="img" aria-label="Value of each run, per arm"></canvas></div>`).join('')}</div>
</section>`;
}

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
      ['Provisioning retries', 'retries', (arm) => number(arm.retries)],
    ]],
  ];
  const head = `<thead><tr><th></th>${arms.map((arm) => `<th>${escapeHtml(arm.name)}<br><span class="muted">${escapeHtml(arm.method)}</span></th>`).join('')}</tr></thead>`;
  const body = sections.map(([title, rows]) => `<tr class="section"><td colspan="${arms.length + 1}">${escapeHtml(title)}</td></tr>\n${rows.map(([label, metric, cell]) => `<tr><td>${escapeHtml(label)}</td>${arms.map((arm) => {
    const { text, value } = cell(arm);
    return `<td data-arm="${escapeHtml(arm.name)}" data-metric="${escapeHtml(metric)}" data-value="${value === null ? '' : value}">${escapeHtml(text)}${spreadText(arm, metric)}</td>`;
  }).join('')}</tr>`).join('\n')}`).join('\n');
  return `<table id="summary">${head}<tbody>${body}</tbody></table>`;
}

/** Day-2 operations: per round, the arms side by side, then when desktops were out and what it did to storage. */
function operationsSection(model: ReportModel): string {
  const arms = model.summary.arms;
  const rounds = Math.max(0, ...arms.map((arm) => arm.operations?.length ?? 0));
  const sections: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const taking = arms.filter((arm) => arm.operations?.[round]);
    const of = (arm: ArmSummary) => arm.operations![round]!;
    const title = [...new Set(taking.map((arm) => OPERATION_LABELS[of(arm).name]))].join(' vs ');
    const phaseNames = OPERATION_PHASE_NAMES.filter((name) => taking.some((arm) => of(arm).phases.some((phase) => phase.name === name)));
    const rows: [string, (operation: OperationSummary) => string][] = [
      ['Operation', (operation) => OPERATION_LABELS[operation.name]],
      ['Users', (operation) => (operation.users.loggedInPct === 0 ? 'none logged in' : `${formatNumber(operation.users.loggedInPct)} % logged in, ${operation.users.policy === 'force-logoff' ? 'forced off' : 'waited for'}`)],
      ['Duration (start to last desktop back)', (operation) => formatSeconds(operation.durationS)],
      ...phaseNames.map((name): [string, (operation: OperationSummary) => string] => [`phase: ${name}`, (operation) => {
        const phase = operation.phases.find((candidate) => candidate.name === name);
        return !phase ? '—' : phase.performed ? formatSeconds(phase.durationS) : 'not performed';
      }]),
      ['Maintenance window (first out to last back)', (operation) => formatSeconds(operation.windowS)],
      ['Time unavailable, all desktops', (operation) => formatDesktopTime(operation.unavailableDesktopS)],
      ['Downtime per desktop, p50 / p95 / max', (operation) => `${formatSeconds(operation.downtimeS.p50)} / ${formatSeconds(operation.downtimeS.p95)} / ${formatSeconds(operation.downtimeS.max)}`],
      ['Most desktops out at once', (operation) => formatNumber(operation.peakUnavailable)],
      ['Peak / average storage IOPS', (operation) => `${formatNumber(operation.peakIops)} / ${formatNumber(operation.avgIops)}`],
      ['Peak / average CPU %', (operation) => `${formatNumber(operation.peakCpuPct, 1)} / ${formatNumber(operation.avgCpuPct, 1)}`],
      ['Desktops back / taken (failed)', (operation) => `${formatNumber(operation.desktops.done)} / ${formatNumber(operation.desktops.total)} (${formatNumber(operation.desktops.failed)})`],
    ];
    const head = `<thead><tr><th></th>${taking.map((arm) => `<th>${escapeHtml(arm.name)}<br><span class="muted">${escapeHtml(arm.method)}</span></th>`).join('')}</tr></thead>`;
    const body = rows.map(([label, cell]) => `<tr><td>${escapeHtml(label)}</td>${taking.map((arm) => `<td>${escapeHtml(cell(of(arm)))}</td>`).join('')}</tr>`).join('\n');
    sections.push(`<section class="keep page-break-print operation" id="operation-${round + 1}">
<h2>Day 2${rounds > 1 ? ` (${round + 1})` : ''}: ${escapeHtml(title)}</h2>
<p class="muted">After the deployment, on the same pool. A desktop is unavailable from when the operation takes it (its user gone: forced off after the warning once the operation is ready for that desktop, or logged off on their own) until it is ready again. Phases span from the first desktop that entered them to the last that left.</p>
<table class="operation-table">${head}<tbody>${body}</tbody></table>
<div class="grid">
<div class="chart short"><canvas id="chart-op-${round}-down" role="img" aria-label="Desktops unavailable over time"></canvas></div>
<div class="chart short"><canvas id="chart-op-${round}-iops" role="img" aria-label="Storage IOPS during the operation"></canvas></div>
</div>
</section>`);
  }
  return sections.join('\n');
}

/** Desktops that failed, in the deployment or in a day-2 operation (its time counted from the operation's start). */
function failedDesktops(arms: ArmRecord[]): string {
  const deploy = arms.flatMap((arm) => arm.desktops.filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined)
    .map((desktop) => ({ arm: arm.name, step: 'deploy', desktop })));
  const operations = arms.flatMap((arm) => (arm.operations ?? []).flatMap((operation) => operation.desktops
    .filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined)
    .map((desktop) => ({ arm: arm.name, step: OPERATION_LABELS[operation.name], desktop }))));
  const failed = [...deploy, ...operations];
  if (failed.length === 0) return '';
  const shown = failed.slice(0, 200);
  return `<h2>Failed desktops (${failed.length})</h2>
<table id="failed"><thead><tr><th>Desktop</th><th>Arm</th><th>Step</th><th>Host</th><th>Failed at</th><th>Error</th></tr></thead><tbody>
${shown.map(({ arm, step, desktop }) => `<tr><td>${escapeHtml(desktop.name)}</td><td>${escapeHtml(arm)}</td><td>${escapeHtml(step)}</td><td>${escapeHtml(desktop.host)}</td><td>${escapeHtml(formatSeconds(desktop.failedS ?? null))}</td><td style="text-align:left">${escapeHtml(desktop.error ?? '')}</td></tr>`).join('\n')}
</tbody></table>${failed.length > shown.length ? `<p class="muted">…and ${failed.length - shown.length} more in desktops.csv and operations.csv.</p>` : ''}`;
}

type ReportInfo = { title?: string; customer?: string; author?: string; notes?: string };
const reportInfo = (model: ReportModel) => (model.record.scenario.report ?? {}) as ReportInfo;

/** The scenario's `report.title` or `--title`; the scenario name otherwise. */
function reportTitle(model: ReportModel): string {
  return reportInfo(model).title ?? model.summary.scenario;
}

/** "Prepared for … by …" and the notes, when the scenario or the flags gave them. */
function audienceLine(model: ReportModel): string {
  const { customer, author, notes } = reportInfo(model);
  const who = [customer ? `Prepared for ${customer}` : '', author ? `${customer ? 'by' : 'Prepared by'} ${author}` : ''].filter(Boolean).join(' ');
  return `${who ? `<p id="audience"><strong>${escapeHtml(who)}</strong>${model.summary.scenario !== reportTitle(model) ? ` · scenario ${escapeHtml(model.summary.scenario)}` : ''}</p>` : ''}${notes ? `<p id="notes">${escapeHtml(notes)}</p>` : ''}`;
}

/** "Simulated — …" or "Measured on …": the first thing a reader must know about every number below. */
function provenanceBadge(model: ReportModel): string {
  const { driver } = model.record;
  if (driver.name === 'sim') {
    return `<div class="badge simulated" id="provenance"><strong>Simulated</strong> — these figures come from vdibench's cluster model, not from a real cluster. `
      + `Model calibrated on ${escapeHtml(driver.calibration ?? 'its default parameters')}; see the method below.</div>`;
  }
  return `<div class="badge measured" id="provenance"><strong>Measured</strong> on ${escapeHtml(driver.inventory.endpoint)} (${escapeHtml(String(driver.inventory.details.product ?? driver.name))}), cluster ${escapeHtml(driver.inventory.cluster)}.</div>`;
}

/** The regression gate's verdict, when the run was gated: pass/fail, baseline, every check. */
function gateBox(model: ReportModel): string {
  const gate = model.summary.gate;
  if (!gate) return '';
  const title = gate.passed
    ? `Regression gate passed: ${gate.checks.length} of ${gate.checks.length} checks`
    : `Regression gate failed: ${gate.failed} of ${gate.checks.length} checks failed`;
  return `<div class="verdict${gate.passed ? '' : ' warning'}" id="gate" data-passed="${gate.passed}"><strong>${escapeHtml(title)}</strong>${gate.baseline ? ` against baseline ${escapeHtml(gate.baseline)}` : ''}.
<ul>${gate.checks.map((check) => `<li class="${check.passed ? 'ok' : 'fail'}">${check.passed ? 'ok' : '<strong>FAIL</strong>'} ${escapeHtml(check.arm)}: ${escapeHtml(check.message)}</li>`).join('')}</ul></div>`;
}

/** Plain-words warnings: what the figures alone would hide (saturation, memory, limits). */
function warningsBox(model: ReportModel): string {
  const warnings = model.summary.warnings ?? [];
  if (warnings.length === 0) return '';
  return `<div class="verdict warning" id="warnings"><strong>Read these figures with care:</strong><ul>${warnings
    .map((warning) => `<li data-code="${escapeHtml(warning.code)}">${warning.arm ? `<strong>${escapeHtml(warning.arm)}</strong>: ` : ''}${escapeHtml(warning.message)}</li>`).join('')}</ul></div>`;
}

/** `storageIops` → `storage IOPS`, `hostCopyMBps` → `host copy MB/s`: parameter names for people. */
function humanLabel(key: string): string {
  const words = key.replace(/MBps$/, ' MB/s').replace(/Mhz/g, ' MHz').replace(/GB\b/g, ' GB').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/Iops/g, 'IOPS').replace(/Kiops/g, 'kIOPS');
  const spaced = words.replace(/ S$/, ' (s)').replace(/ Pct$/, ' %').replace(/ KB$/, ' KB').replace(/\s+/g, ' ').trim();
  const lowered = spaced.split(' ').map((word) => (/^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word)).join(' ');
  return lowered.charAt(0).toUpperCase() + lowered.slice(1);
}

/** The keys a `--set` override changed, e.g. `cluster.hosts`. */
function overriddenKeys(model: ReportModel): Set<string> {
  const overrides = (model.record.scenario.overrides ?? []) as string[];
  return new Set(overrides.flatMap((override) => {
    const match = /^--set ([^=]+)=/.exec(override);
    return match ? [match[1]!.trim()] : [];
  }));
}

const HORIZON_LIMIT_LABELS: Record<string, string> = {
  maxVcProvisioning: 'vCenter provisioning',
  maxPowerOps: 'power',
  maxComposerMaintenance: 'Composer maintenance',
  maxComposerProvisioning: 'Composer provisioning',
  maxInstantCloneProvisioning: 'Instant Clone Engine provisioning',
  composerStorageAccelerator: 'View Storage Accelerator for Composer pools',
};

/** The hardware and the method that produced the numbers, on the first screen. */
function methodBox(model: ReportModel): string {
  const { record } = model;
  const { scenario, driver } = record;
  const inventory = driver.inventory;
  const section = (name: string) => (scenario[name] ?? {}) as Record<string, number | boolean>;
  const cluster = section('cluster');
  const image = section('image');
  const horizon = section('horizon');
  const totalGhz = inventory.hosts.reduce((sum, host) => sum + host.cpuMhz, 0) / 1000;
  const overrides = (scenario.overrides ?? []) as string[];
  const items: [string, string][] = [
    ['Cluster', `${inventory.hosts.length} hosts, ${formatNumber(totalGhz, 1)} GHz of CPU in all; datastores: ${inventory.datastores.join(', ')}`],
  ];
  if (driver.name === 'sim') {
    const capacity = storageCapacityIops(model);
    const layout = cluster.hyperConverged === true
      ? `hyper-converged: ${formatNumber(Number(cluster.storageIopsPerHost ?? 0))} IOPS per host × ${inventory.hosts.length} hosts`
      : 'shared array';
    items.push(['Storage', `${capacity === null ? '—' : formatNumber(capacity)} IOPS capacity (${layout}); ${inventory.datastores.length} datastore(s)${cluster.vaai === true ? '; VAAI full-copy offload' : '; no VAAI'}`]);
    items.push(['Golden image', `${formatNumber(Number(image.usedGB ?? 0))} GB used`]);
  } else {
    items.push(['Golden image', `${String(inventory.details.goldenImage ?? '—')} (snapshot ${String(inventory.details.snapshot ?? '—')})`]);
  }
  items.push(['Horizon limits (concurrent operations)', Object.entries(horizon).map(([key, value]) => `${HORIZON_LIMIT_LABELS[key] ?? humanLabel(key)} ${typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}`).join(', ')]);
  items.push(['Desktops', scenario.arms.map((arm) => `${arm.name}: ${formatNumber(arm.desktops)} (${arm.method})`).join('; ')]);
  const withOperations = scenario.arms.filter((arm) => arm.operations?.length && arm.repetition === undefined || (arm.operations?.length && arm.repetition === 1 && !arm.warmup));
  if (withOperations.length > 0) {
    items.push(['After deployment', withOperations.map((arm) => `${arm.repetitionOf ?? arm.name}: ${arm.operations!.map((operation) => {
      const { users } = operation;
      const who = users.loggedInPct === 0 ? 'no user logged in'
        : `${formatNumber(users.loggedInPct)} % logged in, ${users.policy === 'force-logoff' ? `forced off after ${formatSeconds(users.logoffWarningS)}` : `logging off over ${formatSeconds(users.logoffWindowS)}`}`;
      return `${OPERATION_LABELS[operation.name].toLowerCase()} (${who})`;
    }).join(', then ')}`).join('; ')]);
  }
  if (typeof scenario.profile === 'string') items.push(['Profile', scenario.profile]);
  items.push(['Changed from the scenario', overrides.length > 0 ? overrides.join(' ') : 'nothing (as in the scenario file)']);
  return `<div class="method" id="method"><h2>Hardware and method</h2><dl class="config">${items
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd${key === 'Changed from the scenario' && overrides.length > 0 ? ' class="override"' : ''}>${escapeHtml(value)}</dd>`).join('')}</dl></div>`;
}

/** Tall enough for every row of the Gantt chart to keep its label. */
function timelineHeightPx(arms: ArmSummary[]): number {
  const rows = arms.reduce((sum, arm) => sum + arm.phases.length, 0);
  return Math.max(160, 40 + rows * 18);
}

function configuration(model: ReportModel): string {
  const { record } = model;
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
  const changed = overriddenKeys(model);
  const parameters = (['cluster', 'image', 'horizon'] as const).map((section) => {
    const entries = Object.entries((scenario[section] ?? {}) as Record<string, unknown>);
    return `<div><h3>${section}</h3><dl class="config">${entries.map(([key, value]) => {
      const overridden = changed.has(`${section}.${key}`);
      return `<dt title="${escapeHtml(`${section}.${key}`)}">${escapeHtml(humanLabel(key))}</dt><dd${overridden ? ' class="override"' : ''}>${escapeHtml(value)}${overridden ? ' (--set)' : ''}</dd>`;
    }).join('')}</dl></div>`;
  }).join('');
  return `${dl(items)}<div class="parameters">${parameters}</div>`;
}

function histogram(arms: ArmRecord[]): { labels: string[]; counts: number[][] } {
  const readyTimes = arms.map((arm) => arm.desktops.flatMap((desktop) => (desktop.readyS === undefined ? [] : [desktop.readyS])));
  const maxS = readyTimes.flat().reduce((most, time) => Math.max(most, time), 1);
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

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Repeated runs: the band of a series over the runs (min and max of the runs' values at each
 * sample time; the runs of an arm sample at the same offsets from their start).
 */
function band(runs: ArmView[]): { iopsMin: GapPoint[]; iopsMax: GapPoint[] } {
  const byTime = new Map<number, number[]>();
  for (const run of runs) {
    for (const point of withoutPartialLastInterval(run.series)) {
      if (point.iops === null) continue;
      const key = round(point.tS, 1);
      const values = byTime.get(key);
      if (values) values.push(point.iops);
      else byTime.set(key, [point.iops]);
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const edge = (pick: (values: number[]) => number) => downsample(times.map((tS): GapPoint => [tS, Math.round(pick(byTime.get(tS)!))]));
  return { iopsMin: edge((values) => values.reduce((low, value) => Math.min(low, value), Infinity)), iopsMax: edge((values) => values.reduce((high, value) => Math.max(high, value), -Infinity)) };
}

/** The run of a repeated arm whose deploy time is the median: drawn as the arm's line, inside the band of all runs. */
function medianRun(runs: ArmView[], medianS: number | null): ArmView {
  return runs.reduce((best, run) => (Math.abs((run.summary.deployTimeS ?? 0) - (medianS ?? 0)) < Math.abs((best.summary.deployTimeS ?? 0) - (medianS ?? 0)) ? run : best), runs[0]!);
}

function chartData(model: ReportModel) {
  const views = model.repeated
    ? model.repeated.map((group, index) => {
      const folded = model.summary.arms[index]!;
      return { view: medianRun(group.runs, folded.deployTimeS), name: group.name, phases: folded.phases, band: band(group.runs) };
    })
    : model.arms.map((view) => ({ view, name: view.summary.name, phases: view.summary.phases, band: undefined }));
  return {
    arms: views.map(({ view: { record, series: points }, name, phases, band: spread }, index) => {
      // With day-2 operations the arm samples on; these charts are the deployment's (operations have their own).
      const deploying = inDeployment(record);
      const whole = withoutPartialLastInterval(points.filter((point) => deploying(point.tS)));
      const at = (value: (point: ClusterPoint) => number | null, digits: number) =>
        whole.map((point): GapPoint => { const y = value(point); return [round(point.tS, 1), y === null ? null : round(y, digits)]; });
      const iops = at((point) => point.iops, 0);
      const hostIops = at((point) => point.hostIops, 0);
      const cpu = at((point) => point.cpuPct, 2);
      // The hypervisor-side line only where it tells something: it differs from disk-side when the storage offloads (VAAI).
      const offloadVisible = whole.some((point) => point.hostIops !== null && point.iops !== null && Math.abs(point.hostIops - point.iops) > 1);
      const readyTimes = (record?.desktops ?? []).flatMap((desktop) => (desktop.readyS === undefined ? [] : [desktop.readyS])).sort((a, b) => a - b);
      const ready: Point[] = [[0, 0], ...readyTimes.map((time, count): Point => [round(time, 1), count + 1])];
      return {
        name,
        colour: model.colours[name] ?? ARM_COLOURS[index % ARM_COLOURS.length]!,
        iops: downsample(iops),
        ...(spread ?? {}),
        ...(offloadVisible ? { hostIops: downsample(hostIops) } : {}),
        readIops: downsample(at((point) => point.readIops, 0)),
        writeIops: downsample(at((point) => point.writeIops, 0)),
        cpu: downsample(cpu),
        ready: thinSteps(ready, MAX_SERIES_POINTS),
        phases: phases.map((phase) => ({ name: phase.name, start: phase.startS, end: phase.startS + phase.durationS, performed: phase.performed })),
      };
    }),
    histogram: histogram(views.map(({ view }) => view.record).filter((record): record is ArmRecord => record !== undefined)),
    spread: spreadData(model),
    storageCapacityIops: storageCapacityIops(model),
    sweep: model.sweep ? { methods: model.sweep.methods, points: model.sweep.points } : null,
    hosts: perHost(model),
    operations: operationsData(model, views.map(({ view, name }) => ({ view, name }))),
  };
}

/**
 * Per round of day-2 operations, per arm: desktops out of service over time (a step line)
 * and the cluster's storage IOPS, both on the operation's own time axis.
 */
function operationsData(model: ReportModel, views: { view: ArmView; name: string }[]) {
  const rounds = Math.max(0, ...views.map(({ view }) => view.record?.operations?.length ?? 0));
  return Array.from({ length: rounds }, (_, round) => ({
    arms: views.flatMap(({ view, name }, index) => {
      const operation = view.record?.operations?.[round];
      if (!view.record || !operation) return [];
      const startS = (operation.startMs - view.record.startMs) / 1000;
      const endS = (operation.endMs - view.record.startMs) / 1000;
      const durationS = endS - startS;
      // As the summary counts it: out of service until back (or the end, for one that failed).
      const edges = operation.desktops.flatMap((desktop) => (desktop.outS === undefined ? [] : [
        { atS: desktop.outS, delta: 1 }, { atS: desktop.readyS ?? durationS, delta: -1 }]))
        .sort((a, b) => a.atS - b.atS || a.delta - b.delta);
      let down = 0;
      const unavailable: Point[] = [[0, 0], ...edges.map((edge): Point => [round1(edge.atS), (down += edge.delta)]), [round1(durationS), down]];
      const points = withoutPartialLastInterval(pointsWithin(view.series, startS, endS));
      return [{
        name,
        colour: model.colours[name] ?? ARM_COLOURS[index % ARM_COLOURS.length]!,
        unavailable: thinSteps(unavailable, MAX_SERIES_POINTS),
        iops: downsample(points.map((point): GapPoint => [round1(point.tS - startS), point.iops === null ? null : Math.round(point.iops)])),
      }];
    }),
  }));
}

const round1 = (value: number) => Number(value.toFixed(1));

/** Hosts shown in the per-host view: enough to see an imbalance, few enough to stay readable. */
const MAX_HOSTS_SHOWN = 16;
const MAX_HOST_POINTS = 200;

function perHost(model: ReportModel) {
  const names = [...new Set(model.arms.flatMap((arm) => arm.hosts.map((host) => host.host)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(0, MAX_HOSTS_SHOWN);
  return names.map((name) => ({
    host: name,
    arms: model.arms.map((arm) => ({
      name: arm.summary.name,
      colour: model.colours[arm.summary.name] ?? ARM_COLOURS[0]!,
      // The deployment's samples, as the other deployment charts (day-2 operations have their own section).
      iops: thinSteps((arm.hosts.find((host) => host.host === name)?.points ?? []).filter((point) => inDeployment(arm.record)(point[0])).map((point): Point => [Number(point[0].toFixed(1)), point[1] === null ? Number.NaN : Math.round(point[1])]), MAX_HOST_POINTS)
        .map(([x, y]): GapPoint => [x, Number.isNaN(y) ? null : y]),
    })),
  }));
}

function perHostSection(model: ReportModel): string {
  const hosts = perHost(model);
  if (hosts.length < 2) return '';
  const total = new Set(model.arms.flatMap((arm) => arm.hosts.map((host) => host.host))).size;
  return `<section class="keep" id="per-host">
<h2>Storage IOPS per host</h2>
<p class="muted">Each host's own load (same scale on every host), so an imbalance shows.${total > hosts.length ? ` The first ${hosts.length} of ${total} hosts; samples.csv has them all.` : ''}</p>
<div class="hosts">${hosts.map((_, index) => `<div class="chart tiny"><canvas id="chart-host-${index}" role="img" aria-label="Storage IOPS of one host over time"></canvas></div>`).join('')}</div>
</section>`;
}

function scalingSection(model: ReportModel): string {
  if (!model.sweep) return '';
  return `<section class="keep" id="scaling">
<h2>How it scales</h2>
<p class="muted">Each point is one arm of this run: the same cluster, ${model.sweep.counts.map((count) => formatNumber(count)).join(', ')} desktops.${model.sweep.instantFasterFrom !== null ? ` Instant clones overtake Composer at ${escapeHtml(formatNumber(model.sweep.instantFasterFrom))} desktops (between the two sizes measured there).` : ''}</p>
<div class="grid3">
<div class="chart short"><canvas id="chart-scale-time" role="img" aria-label="Deploy time against desktops, per method"></canvas></div>
<div class="chart short"><canvas id="chart-scale-rate" role="img" aria-label="Desktops ready per minute against desktops, per method"></canvas></div>
<div class="chart short"><canvas id="chart-scale-iops" role="img" aria-label="Peak storage IOPS against desktops, per method"></canvas></div>
</div>
</section>`;
}

/**
 * The last sample of an arm usually averages a partial interval (the arm ended mid-way), which
 * draws a false drop at the end of every chart: charts leave it out (the summary keeps it).
 */
/** Repeated runs: each run's value of the headline metrics, per arm, for the distribution plots. */
function spreadData(model: ReportModel) {
  if (!model.repeated) return null;
  return {
    metrics: SPREAD_METRICS.map(([metric, label]) => ({
      metric, label,
      arms: model.summary.arms.map((arm) => ({ name: arm.name, colour: model.colours[arm.name] ?? ARM_COLOURS[0]!, values: metricValues(arm.repetitions ?? [], metric) })),
    })),
  };
}

const SPREAD_METRICS: [metric: string, label: string][] = [['deployTimeS', 'deploy time (s)'], ['peakIops', 'peak storage IOPS'], ['peakCpuPct', 'peak CPU %']];

function withoutPartialLastInterval(points: ClusterPoint[]): ClusterPoint[] {
  if (points.length < 3) return points;
  const last = points[points.length - 1]!;
  const full = points[points.length - 2]!.intervalS;
  return last.intervalS < full * 0.99 ? points.slice(0, -1) : points;
}

/**
 * The storage capacity line: known for a simulated cluster (hyper-converged: per host × hosts;
 * a shared array: fixed), unknown on a real one.
 */
function storageCapacityIops(model: ReportModel): number | null {
  if (model.record.driver.name !== 'sim') return null;
  const cluster = (model.record.scenario.cluster ?? {}) as Record<string, unknown>;
  if (cluster.hyperConverged === true && typeof cluster.storageIopsPerHost === 'number') {
    return cluster.storageIopsPerHost * model.record.driver.inventory.hosts.length;
  }
  return typeof cluster.storageIops === 'number' ? cluster.storageIops : null;
}

export function renderHtml(model: ReportModel): string {
  const library = chartJs();
  const { record, summary } = model;
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
<title>${escapeHtml(`${reportTitle(model)} — vdibench report`)}</title>
<style>${STYLE}</style>
</head>
<body>
${provenanceBadge(model)}
<h1>${escapeHtml(reportTitle(model))}</h1>
${audienceLine(model)}
<p class="muted">${escapeHtml(record.scenario.description)}</p>
<p class="muted">Run ${escapeHtml(summary.runId)} · ${escapeHtml(record.createdAt)} · driver ${escapeHtml(summary.driver)} (${escapeHtml(record.driver.inventory.cluster)}, ${record.driver.inventory.hosts.length} hosts) · status ${escapeHtml(summary.status)}</p>
${statusNote}
<div class="verdict" id="verdict">${escapeHtml(model.verdict)}</div>
${gateBox(model)}
${warningsBox(model)}
${methodBox(model)}
${scalingSection(model)}
<h2>Summary</h2>
${summaryTable(summary.arms)}
${spreadSection(model)}
<section class="keep page-break-print">
<h2>Where the time goes</h2>
<div class="chart timeline" style="height:${timelineHeightPx(summary.arms)}px"><canvas id="chart-timeline" role="img" aria-label="Phase timeline per arm"></canvas></div>
</section>
<section class="keep">
<h2>Storage IOPS</h2>
<p class="muted">Cluster total, read + write, 20 s averages. Solid: disk-side (what the storage served); dashed: hypervisor-side (what the hosts issued), shown where they differ because the storage did the copy itself (VAAI offload). The dotted grey line is the storage's capacity; thin dashed verticals mark where each arm's phases start.</p>
<div class="chart"><canvas id="chart-iops" role="img" aria-label="Storage IOPS over time, per arm"></canvas></div>
</section>
<div class="grid">
<section class="keep">
<h2>Reads and writes</h2>
<p class="muted">Storage IOPS split into reads (solid) and writes (dotted).</p>
<div class="chart short"><canvas id="chart-rw" role="img" aria-label="Storage read and write IOPS over time, per arm"></canvas></div>
</section>
<section class="keep">
<h2>CPU</h2>
<p class="muted">Cluster CPU; the dotted line is the capacity.</p>
<div class="chart short"><canvas id="chart-cpu" role="img" aria-label="Cluster CPU over time, per arm"></canvas></div>
</section>
</div>
${perHostSection(model)}
<section class="keep">
<h2>Desktops ready</h2>
<div class="grid">
<div class="chart short"><canvas id="chart-ready" role="img" aria-label="Desktops ready over time"></canvas></div>
<div class="chart short"><canvas id="chart-distribution" role="img" aria-label="Distribution of time to ready"></canvas></div>
</div>
</section>
${operationsSection(model)}
${failedDesktops(record.arms)}
<h2>Configuration</h2>
${configuration(model)}
<p class="muted">In this folder: samples.csv (every host sample), desktops.csv, phases.csv,${record.arms.some((arm) => arm.operations?.length) ? ' operations.csv,' : ''} events.csv, summary.json, run.json, metrics.lp (InfluxDB line protocol).</p>
<script type="application/json" id="run-data">${jsonForScript(chartData(model))}</script>
<script>${library}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
