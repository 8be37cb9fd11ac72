import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { EXIT_OK, EXIT_RUN_FAILED, InputError } from '../../errors.js';
import { EXIT_REGRESSION } from '../../report/gate.js';
import { renderRunFolder } from '../../report/render.js';
import { formatTerminalSummary } from '../../report/terminal.js';
import { executeRun } from '../../scenarios/execute.js';
import { loadScenarioFile, resolveScenario } from '../../scenarios/load.js';
import { defaultScenarioFile, harness, shownPath } from '../harness.js';
import { applyGate, prepareGate } from '../gate.js';
import { influxOptions, influxSettingsFrom, type InfluxArgs } from '../influx-options.js';
import { progressReporter } from '../progress.js';
import { vsphereFromArgs, vsphereOptions, vspherePassword, type VsphereArgs } from '../vsphere-options.js';
import { describeTarget } from '../../metrics/influxdb/config.js';
import { InfluxSink } from '../../metrics/influxdb/influx-sink.js';
import { createTransport } from '../../metrics/influxdb/transport.js';

export interface RunArgs extends InfluxArgs, VsphereArgs {
  scenario?: string;
  file?: string;
  desktops?: number;
  driver?: string;
  seed?: number;
  set?: string[];
  out: string;
  'name-prefix'?: string;
  keep?: boolean;
  'time-scale'?: number;
  json: boolean;
  quiet: boolean;
  baseline?: string;
  'max-regression'?: string;
  junit?: string;
}

export function runOptions(yargs: Argv): Argv<RunArgs> {
  return vsphereOptions(influxOptions(yargs
    .positional('scenario', { type: 'string', describe: 'scenario name from the scenario file (see `bench list`)' })
    .option('desktops', { type: 'number', describe: 'desktops per arm (overrides the scenario)' })
    .option('driver', { type: 'string', describe: 'hypervisor driver: sim (simulated cluster, the default) or vsphere (a real vCenter)' })
    .option('seed', { type: 'number', describe: 'seed of the simulated cluster\'s randomness; same seed, same results' })
    .option('set', { type: 'string', array: true, describe: 'override a parameter: path=value, e.g. --set cluster.hosts=8 --set image.usedGB=40 (repeatable)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder that receives the run folder' })
    .option('name-prefix', { type: 'string', describe: 'prefix of every VM the run creates (default vdibench-)' })
    .option('keep', { type: 'boolean', describe: 'leave each arm\'s VMs in place instead of tearing them down' })
    .option('time-scale', { type: 'number', describe: 'sim only: simulated seconds per real second (60 = one minute per second); default as fast as possible' })
    .option('json', { type: 'boolean', default: false, describe: 'print the run summary as one JSON object on stdout (human output goes to stderr)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' })
    .option('baseline', { type: 'string', describe: 'gate: compare with this run folder or summary.json; a regression exits 99' })
    .option('max-regression', { type: 'string', describe: 'gate: allowed regression per metric against --baseline, e.g. deployTimeS=10%,peakIops=15%' })
    .option('junit', { type: 'string', describe: 'gate: write the checks as JUnit XML to this file (one test case per arm and metric)' })
    .group(['baseline', 'max-regression', 'junit'], 'Regression gate:'))) as unknown as Argv<RunArgs>;
}

export async function runCommand(args: RunArgs): Promise<number> {
  if (!args.scenario) throw new InputError('bench run: name a scenario, e.g. bench run composer-vs-instant', 'bench list shows the scenarios');
  const file = args.file ?? defaultScenarioFile();
  const loaded = await loadScenarioFile(file);
  const scenario = resolveScenario(loaded, args.scenario, {
    desktops: args.desktops,
    driver: args.driver,
    seed: args.seed,
    namePrefix: args['name-prefix'],
    keep: args.keep,
    timeScale: args['time-scale'],
    set: args.set,
    vsphere: vsphereFromArgs(args),
  });
  const outDir = path.resolve(args.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new InputError(`--out ${args.out}: not a folder`);
  const gate = await prepareGate(args, scenario);
  const influx = influxSettingsFrom(args, scenario.influx);
  if (args.junit && !gate.active) throw new InputError('--junit needs a gate: --baseline with --max-regression, or gate: in the scenario');
  const password = scenario.driver === 'vsphere' ? await vspherePassword(scenario.vsphere.user) : undefined;
  const stderr = process.stderr;
  if (!args.quiet) {
    const total = scenario.arms.reduce((sum, arm) => sum + arm.desktops, 0);
    stderr.write(`vdibench ${harness.version}: scenario ${scenario.name} on driver ${scenario.driver}, ${scenario.arms.length} arm(s), ${total} desktops in all\n`);
    if (influx) stderr.write(`streaming to InfluxDB ${describeTarget(influx)}\n`);
  }
  // First Ctrl-C / SIGTERM: stop starting work, finish what runs, tear down. Second: skip teardown.
  const interruption = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      stderr.write(`\n${signal}: stopping: no new operations; in-flight ones finish, then what was created is torn down (press Ctrl-C again to skip teardown)\n`);
      interruption.abort();
    } else if (interrupts === 2) {
      stderr.write(`\n${signal} again: skipping teardown; the VMs left are listed at the end and in run.json\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let executed;
  try {
    executed = await executeRun({
      scenario,
      scenarioFile: loaded.displayPath,
      outDir,
      harness,
      listener: progressReporter({ stream: stderr, quiet: args.quiet }),
      extraSinks: influx ? (runDir) => [new InfluxSink(createTransport(influx), {
        runDir,
        warn: (message) => stderr.write(`warning: ${message}\n`),
        closeTimeoutMs: Number(process.env.VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS ?? 15_000),
      })] : undefined,
      signal: interruption.signal,
      vspherePassword: password,
      skipTeardown: () => interrupts >= 2,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const { runDir, record } = executed;
  const left = record.arms.flatMap((arm) => arm.keptVms);
  if (left.length > 0 && !scenario.keep) stderr.write(`VMs left in place (${left.length}): ${left.join(', ')}\n`);
  const { summary, reportPath } = await renderRunFolder(runDir);
  const shownDir = shownPath(runDir);
  const out = args.json ? stderr : process.stdout;
  if (!args.quiet || !args.json) {
    out.write(formatTerminalSummary(summary));
    out.write(`\nrun folder: ${shownDir}\nreport:     ${shownPath(reportPath)}\n`);
  }
  const gateResult = gate.active ? await applyGate(gate, summary, out) : undefined;
  if (args.json) {
    const printed = gateResult ? { ...summary, runDir: shownDir, gate: gateResult } : { ...summary, runDir: shownDir };
    process.stdout.write(JSON.stringify(printed) + '\n');
  }
  if (summary.status !== 'completed') return EXIT_RUN_FAILED;
  return gateResult && !gateResult.passed ? EXIT_REGRESSION : EXIT_OK;
}
