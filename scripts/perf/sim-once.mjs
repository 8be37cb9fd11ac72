// One measurement in a fresh process: simulate composer-vs-instant with N desktops, then
// run the whole pipeline (run folder + report). Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (file) => import(path.join(root, 'dist', file));
const { loadScenarioFile, resolveScenario } = await dist('scenarios/load.js');
const { SimDriver } = await dist('drivers/sim/sim-driver.js');
const { runScenario } = await dist('scenarios/runner.js');
const { executeRun } = await dist('run/execute.js');
const { renderStoredRun } = await dist('run/finish.js');

const desktops = Number(process.argv[2]);
const loaded = await loadScenarioFile(path.join(root, 'scenarios.yml'));
// Past the reference size the cluster grows with the pool (~100 desktops per host, 512 GB
// hosts): the model refuses desktops that do not fit in memory, and a refused run measures
// retries, not the simulator.
const set = desktops > 100 ? [`cluster.hosts=${Math.min(64, Math.ceil(desktops / 100))}`, 'cluster.hostMemoryGB=512'] : [];
const scenario = resolveScenario(loaded, 'composer-vs-instant', { desktops, set });
const nullSink = { name: 'null', start: async () => {}, write: () => {}, flush: async () => {}, close: async () => {} };

// 1. The simulation alone.
const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: Date.UTC(2026, 0, 1) });
const inventory = await driver.open();
const simStart = performance.now();
const outcome = await runScenario({ runId: 'perf', scenario, driver, inventory, sink: nullSink });
const simulationS = (performance.now() - simStart) / 1000;
const simulatedS = outcome.arms.reduce((sum, arm) => sum + (arm.endMs - arm.startMs) / 1000, 0);

// 2. The whole pipeline: run folder (CSV, line protocol, run.json) and report.
const out = mkdtempSync(path.join(tmpdir(), 'vdibench-perf-'));
const fullStart = performance.now();
const { runDir } = await executeRun({ scenario, scenarioFile: null, outDir: out, harness: { name: 'vdibench', version: 'perf', node: process.versions.node } });
const runS = (performance.now() - fullStart) / 1000;
const renderStart = performance.now();
const { reportPath } = await renderStoredRun(runDir);
const renderS = (performance.now() - renderStart) / 1000;
const { statSync } = await import('node:fs');
const reportBytes = statSync(reportPath).size;
const { readdirSync } = await import('node:fs');
const folderBytes = readdirSync(runDir).reduce((sum, file) => sum + statSync(path.join(runDir, file)).size, 0);
const keepLineProtocol = process.argv[3];
if (keepLineProtocol) (await import('node:fs')).copyFileSync(path.join(runDir, 'metrics.lp'), keepLineProtocol);
rmSync(out, { recursive: true, force: true });

console.log(JSON.stringify({
  desktops,
  hosts: scenario.cluster.hosts,
  status: outcome.status,
  deployS: outcome.arms.map((arm) => Math.max(...arm.desktops.map((desktop) => desktop.readyS ?? 0))),
  simulationS,
  events: driver.clock.eventsFired,
  eventsPerS: driver.clock.eventsFired / simulationS,
  simulatedS,
  runS,
  renderS,
  reportBytes,
  folderBytes,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
}));
