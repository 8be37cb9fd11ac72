#!/usr/bin/env node
// `npm run bench:perf`: performance figures of the harness, printed as a table.
// Each size runs in its own process so peak RSS belongs to that size alone.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// PERF_SIZES=100000 measures the documented maximum (about 10 minutes and 1.6 GB on 2 cores).
const sizes = (process.env.PERF_SIZES ?? '100,1000,10000').split(',').map(Number);

function measure(script, args) {
  const result = spawnSync(process.execPath, [path.join(here, 'perf', script), ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`${script} ${args.join(' ')} failed`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const pad = (text, width) => String(text).padStart(width);
console.log('sim driver: composer-vs-instant (both arms), one process per size');
console.log(`${pad('desktops', 9)} ${pad('simulation s', 13)} ${pad('events', 9)} ${pad('events/s', 10)} ${pad('simulated h', 12)} ${pad('run+store s', 12)} ${pad('render s', 9)} ${pad('report MB', 10)} ${pad('folder MB', 10)} ${pad('peak RSS MB', 12)}`);
const rows = [];
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const lineProtocolFile = path.join(mkdtempSync(path.join(tmpdir(), 'vdibench-perf-')), 'metrics.lp');
const largest = Math.max(...sizes);
for (const desktops of sizes) {
  const row = measure('sim-once.mjs', desktops === largest ? [String(desktops), lineProtocolFile] : [String(desktops)]);
  rows.push(row);
  console.log(`${pad(desktops, 9)} ${pad(row.simulationS.toFixed(3), 13)} ${pad(row.events, 9)} ${pad(Math.round(row.eventsPerS), 10)} ${pad((row.simulatedS / 3600).toFixed(2), 12)} ${pad(row.runS.toFixed(3), 12)} ${pad(row.renderS.toFixed(3), 9)} ${pad((row.reportBytes / 1e6).toFixed(2), 10)} ${pad((row.folderBytes / 1e6).toFixed(0), 10)} ${pad(row.peakRssMB.toFixed(0), 12)}`);
}
const target = (ok) => (ok ? 'ok' : 'MISSED');
const at = (n) => rows.find((row) => row.desktops === n);
if (at(100)) console.log(`target: 100 desktops simulated in < 0.5 s: ${at(100).simulationS.toFixed(3)} s ${target(at(100).simulationS < 0.5)}`);
if (at(10000)) {
  console.log(`target: 10,000 desktops in < 10 s: ${at(10000).simulationS.toFixed(2)} s simulation, ${(at(10000).runS + at(10000).renderS).toFixed(2)} s with run folder and report ${target(at(10000).runS + at(10000).renderS < 10)}`);
  console.log(`target: 10,000 desktops in < 1 GB RSS: ${at(10000).peakRssMB.toFixed(0)} MB ${target(at(10000).peakRssMB < 1024)}`);
}

{
  // --repeat 10 at 100 desktops: the whole CLI run (both arms ten times, run folder, report).
  const { mkdtempSync: temp } = await import('node:fs');
  const out = temp(path.join(tmpdir(), 'vdibench-perf-repeat-'));
  const started = performance.now();
  const repeated = spawnSync(process.execPath, [path.join(here, '..', 'dist', 'cli', 'main.js'), 'run', 'composer-vs-instant', '--desktops', '100', '--repeat', '10', '-q', '--out', out], { encoding: 'utf8' });
  const repeatS = (performance.now() - started) / 1000;
  if (repeated.status !== 0) process.stderr.write(repeated.stderr);
  console.log(`target: --repeat 10 at 100 desktops (20 simulated deployments, run folder and report) in < 5 s: ${repeatS.toFixed(2)} s ${target(repeated.status === 0 && repeatS < 5)}`);
}

console.log('');
const { spawnSync: which } = await import('node:child_process');
if (which('sh', ['-c', 'command -v influxd && command -v curl'], { encoding: 'utf8' }).status !== 0) {
  console.log('InfluxDB: skipped (needs Debian\'s influxdb package and curl)');
} else {
  const influx = measure('influx-once.mjs', [lineProtocolFile]);
  console.log(`InfluxDB 1.x write throughput, local influxd, metrics.lp of the ${largest}-desktop run (${influx.points} points):`);
  console.log(`  bench push          ${Math.round(influx.pushPointsPerS).toLocaleString('en-US').padStart(10)} points/s`);
  console.log(`  streaming sink      ${Math.round(influx.sinkPointsPerS).toLocaleString('en-US').padStart(10)} points/s`);
  console.log(`  curl bulk upload    ${Math.round(influx.curlPointsPerS).toLocaleString('en-US').padStart(10)} points/s`);
  const ratio = influx.pushPointsPerS / influx.curlPointsPerS;
  console.log(`target: >= 100,000 points/s: ${Math.round(influx.pushPointsPerS).toLocaleString('en-US')} ${target(influx.pushPointsPerS >= 100_000)}`);
  console.log(`target: >= 80% of curl: ${(ratio * 100).toFixed(0)}% ${target(ratio >= 0.8)}`);
}

console.log('');
if (which('sh', ['-c', 'command -v go && test -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator'], { encoding: 'utf8' }).status !== 0) {
  console.log('vSphere: skipped (needs golang-go and golang-github-vmware-govmomi-dev)');
} else {
  const vsphere = measure('vsphere-once.mjs', ['100', '20']);
  console.log(`vSphere driver against govmomi's simulator (tasks complete at once there: this measures the harness and the SOAP path):`);
  console.log(`  ${vsphere.clones} linked clones + power-on at concurrency ${vsphere.concurrency}: ${vsphere.cloneS.toFixed(2)} s, ${vsphere.opsPerS.toFixed(0)} operations/s`);
  console.log(`  one metrics round (one QueryPerf) for ${vsphere.hosts} hosts: ${vsphere.roundMs.toFixed(1)} ms (${vsphere.samplesPerRound.toFixed(0)} samples)`);
  const versus = measure('vsphere-vs-govmomi.mjs', ['100', '8', '3']);
  console.log(`  vs govmomi's Go client, same simulator (8 hosts, TLS), same run, ${versus.desktops} desktops (linked clone, power on, off, on) at concurrency ${versus.concurrency}, median of ${versus.rounds} alternating rounds:`);
  console.log(`    vdibench ${versus.vdibenchDesktopsPerS.toFixed(1)} desktops/s, govmomi ${versus.govmomiDesktopsPerS.toFixed(1)} desktops/s: ${versus.ratio.toFixed(2)}x`);
  const calls = (perDesktop) => Object.entries(perDesktop).map(([method, count]) => `${method} ${Number(count.toFixed(2))}`).join(', ');
  console.log(`    calls per desktop: vdibench ${calls(versus.vdibenchCallsPerDesktop)}; govmomi ${calls(versus.govmomiCallsPerDesktop)}`);
  console.log(`target: >= 0.8x govmomi's desktops/s: ${versus.ratio.toFixed(2)}x ${target(versus.ratio >= 0.8)}`);
}
