import path from 'node:path';
import type { Argv } from 'yargs';
import { EXIT_OK, EXIT_REGRESSION, EXIT_RUN_FAILED, InputError } from '../../contract/errors.js';
import { describeTarget } from '../../metrics/influxdb/config.js';
import { formatTerminalSummary } from '../../report/terminal.js';
import { executeRun } from '../../run/execute.js';
import { prepareOutDir } from '../../run-store/folder.js';
import { shownPath, storeGateResult } from '../../run/finish.js';
import { applyGate, prepareGate } from '../../run/gate-checks.js';
import { METRICS } from '../../contract/metric-catalog.js';
import { loadScenarioFile, resolveScenario } from '../../scenarios/load.js';
import { knownKeys, type Scenario } from '../../scenarios/schema.js';
import { repeatScenario } from '../../run/repeat.js';
import { parseDesktopCounts, sweepScenario } from '../../run/sweep.js';
import { defaultScenarioFile, harness } from '../harness.js';
import { influxOptions, influxSettingsFrom, type InfluxArgs } from '../influx-options.js';
import { progressReporter } from '../progress.js';
import { vsphereFromArgs, vsphereOptions, vspherePassword, type VsphereArgs } from '../vsphere-options.js';

export interface RunArgs extends InfluxArgs, VsphereArgs {
  scenario?: string;
  file?: string;
  desktops?: number;
  repeat?: number;
  warmup?: number;
  title?: string;
  customer?: string;
  author?: string;
  notes?: string;
  profile?: string;
  driver?: string;
  seed?: number;
  set?: string[];
  out: string;
  'name-prefix'?: string;
  keep?: boolean;
  'time-scale'?: number;
  json: boolean;
  quiet: boolean;
  strict?: boolean;
  baseline?: string;
  'max-regression'?: string;
  'max-change'?: string;
  'allow-different'?: boolean;
  junit?: string;
}

export function runOptions(yargs: Argv): Argv<RunArgs> {
  return vsphereOptions(influxOptions(yargs
    .positional('scenario', { type: 'string', describe: 'scenario name from the scenario file (see `bench list`)' })
    .option('desktops', { type: 'number', describe: 'desktops per arm (overrides the scenario)' })
    .option('repeat', { type: 'number', describe: 'run each arm N times (interleaved A B A B …) and report the median, spread and significance; the gate then tests significance too' })
    .option('warmup', { type: 'number', describe: 'with --repeat: runs of each arm first, left out of the statistics (default 0)' })
    .option('profile', { type: 'string', describe: 'sim calibration profile: the published measurement whose cluster the defaults describe (see docs/SIMULATOR.md; default reference-2016)' })
    .option('driver', { type: 'string', describe: 'hypervisor driver: sim (simulated cluster, the default) or vsphere (a real vCenter)' })
    .option('seed', { type: 'number', describe: 'seed of the simulated cluster\'s randomness; same seed, same results' })
    .option('set', { type: 'string', array: true, describe: 'override a parameter: path=value, e.g. --set cluster.hosts=8 --set image.usedGB=40 (repeatable)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder that receives the run folder' })
    .option('name-prefix', { type: 'string', describe: 'prefix of every VM the run creates (default vdibench-)' })
    .option('keep', { type: 'boolean', describe: 'leave each arm\'s VMs in place instead of tearing them down' })
    .option('time-scale', { type: 'number', describe: 'sim only: simulated seconds per real second (60 = one minute per second); default as fast as possible' })
    .option('json', { type: 'boolean', default: false, describe: 'print the run summary as one JSON object on stdout (human output goes to stderr)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' })
    .option('strict', { type: 'boolean', describe: 'exit 1 when the run has a warning (storage or CPU saturated, memory short, pool over the maximum…)' })
    .option('baseline', { type: 'string', describe: 'gate: compare with this run folder or summary.json; a regression exits 99' })
    .option('max-regression', { type: 'string', describe: 'gate: allowed regression per metric against --baseline, e.g. deployTimeS=10%,peakIops=15%' })
    .option('max-change', { type: 'string', describe: 'gate: allowed change either way against --baseline (two-sided), e.g. peakIops=20%: a big drop is as suspect as a rise' })
    .option('allow-different', { type: 'boolean', describe: 'gate: compare with a baseline whose desktops or parameters differ (refused otherwise)' })
    .option('junit', { type: 'string', describe: 'gate: write the checks as JUnit XML to this file (one test case per arm and metric)' })
    .group(['desktops', 'set', 'out', 'json', 'quiet', 'strict', 'repeat', 'warmup', 'profile', 'seed', 'driver'], 'Run:')
    .option('title', { type: 'string', describe: 'report: a title for the first screen (default: the scenario name)' })
    .option('customer', { type: 'string', describe: 'report: who the report is for' })
    .option('author', { type: 'string', describe: 'report: who made it' })
    .option('notes', { type: 'string', describe: 'report: a paragraph of context shown under the title' })
    .group(['name-prefix', 'keep', 'time-scale'], 'VMs and pacing:')
    .group(['title', 'customer', 'author', 'notes'], 'Report:')
    .group(['baseline', 'max-regression', 'max-change', 'allow-different', 'junit'], 'Regression gate:')
    .example('$0 run composer-vs-instant --desktops 100', 'both methods, 100 desktops each, on the simulated cluster')
    .example('$0 run composer-vs-instant --set cluster.hosts=8 --set image.usedGB=40', 'the same on 8 hosts with a 40 GB image')
    .example('$0 run patch-composer-vs-instant --desktops 100 --set users.logoffWarningS=600', 'day 2: deploy, then patch (recompose vs push image), users forced off after 10 min')
    .example('$0 run composer-vs-instant --baseline reports/<run> --max-regression deployTimeS=10%,peakIops=15% --junit gate.xml', 'lab CI: exit 99 on a regression')
    .epilogue(runEpilogue()))) as unknown as Argv<RunArgs>;
}

/** The --set paths and gate metrics, from the very tables the code checks them against. */
function runEpilogue(): string {
  const paths = (['cluster', 'image', 'horizon', 'users'] as const).map((section) => `  ${section}.<name>, name one of: ${knownKeys[section].join(', ')}`).join('\n');
  return `--set paths (docs/SIMULATOR.md gives units, defaults and sources):\n${paths}\n  seed, retries, retryBackoffS, maxFailedDesktops, namePrefix, keep, sampleIntervalS, timeScale, description\n\n`
    + `Gate metrics (--max-regression, --max-change, gate: in a scenario), with the better direction:\n  ${[...METRICS.values()].map((metric) => `${metric.name} (${metric.higherIsWorse ? 'lower' : 'higher'} is better)`).join(', ')}`;
}

/** `bench sweep`: the run command with `--desktops 50,100,200` spreading every arm over the counts. */
export async function sweepCommand(args: Omit<RunArgs, 'desktops'> & { desktops?: string }): Promise<number> {
  if (!args.scenario) throw new InputError('bench sweep: name a scenario, e.g. bench sweep composer-vs-instant --desktops 50,100,200,400', 'bench list shows the scenarios');
  if (args.desktops === undefined) throw new InputError('bench sweep: give the desktop counts, e.g. --desktops 50,100,200,400');
  const counts = parseDesktopCounts(String(args.desktops));
  return runCommand({ ...args, desktops: undefined }, (scenario) => sweepScenario(scenario, counts));
}

export async function runCommand(args: RunArgs, reshape: (scenario: Scenario) => Scenario = (scenario) => scenario): Promise<number> {
  if (!args.scenario) throw new InputError('bench run: name a scenario, e.g. bench run composer-vs-instant', 'bench list shows the scenarios');
  const file = args.file ?? defaultScenarioFile();
  const loaded = await loadScenarioFile(file);
  const scenario = reshape(resolveScenario(loaded, args.scenario, {
    desktops: args.desktops,
    repeat: args.repeat,
    warmup: args.warmup,
    report: { title: args.title, customer: args.customer, author: args.author, notes: args.notes },
    profile: args.profile,
    driver: args.driver,
    seed: args.seed,
    namePrefix: args['name-prefix'],
    keep: args.keep,
    timeScale: args['time-scale'],
    set: args.set,
    sections: { vsphere: vsphereFromArgs(args) },
  }));
  const outDir = path.resolve(args.out);
  // Before the driver opens: a place that cannot hold run folders is exit 2 with nothing written.
  await prepareOutDir(outDir);
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
      // --repeat: each arm N times, interleaved; the summary folds them back per arm.
      scenario: repeatScenario(scenario),
      scenarioFile: loaded.displayPath,
      outDir,
      harness,
      listener: progressReporter({ stream: stderr, quiet: args.quiet }),
      influx: influx ? {
        settings: influx,
        warn: (message) => stderr.write(`warning: ${message}\n`),
        closeTimeoutMs: Number(process.env.VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS ?? 15_000),
      } : undefined,
      signal: interruption.signal,
      vspherePassword: password,
      skipTeardown: () => interrupts >= 2,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const { record, model, reportPath } = executed;
  const { summary } = model;
  const left = record.arms.flatMap((arm) => arm.keptVms);
  if (left.length > 0 && !scenario.keep) stderr.write(`VMs left in place (${left.length}): ${left.join(', ')}\n`);
  const shownDir = summary.runDir;
  const out = args.json ? stderr : process.stdout;
  if (!args.quiet || !args.json) {
    out.write(formatTerminalSummary(model));
    out.write(`\nrun folder: ${shownDir}\nreport:     ${shownPath(reportPath)}\n`);
  }
  const gateResult = gate.active ? await applyGate(gate, summary, out) : undefined;
  if (gateResult) await storeGateResult(executed.runDir, model, gateResult);
  if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
  if (summary.status !== 'completed') return EXIT_RUN_FAILED;
  // InfluxDB answered and refused (credentials, a read-only user, no database): the run is whole
  // in its folder, but what the user asked for did not happen; that is not a success.
  const refused = (record.sinks ?? []).filter((report) => report.error !== undefined);
  if (refused.length > 0) {
    for (const report of refused) stderr.write(`bench: ${report.name} at ${report.target} refused the points: ${report.error}; the run completed and every point is in its folder: bench push ${shownDir} once this is fixed\n`);
    return EXIT_RUN_FAILED;
  }
  if (gateResult && !gateResult.passed) return EXIT_REGRESSION;
  if (args.strict && (summary.warnings?.length ?? 0) > 0) {
    stderr.write(`--strict: ${summary.warnings!.length} warning(s); exit 1\n`);
    return EXIT_RUN_FAILED;
  }
  return EXIT_OK;
}
