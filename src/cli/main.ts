#!/usr/bin/env node
/**
 * The `bench` command. Thin: parse, call, print, set the exit code.
 * Exit codes (README): 0 completed, 1 the run failed, 2 bad input or usage, 99 the
 * regression gate failed, 70 a bug in vdibench (printed with its stack trace).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_RUN_FAILED, InputError, isUserError } from '../contract/errors.js';
import { cleanupCommand } from './commands/cleanup.js';
import { compareCommand } from './commands/compare.js';
import { gateCommand } from './commands/gate.js';
import { listCommand } from './commands/list.js';
import { pushCommand } from './commands/push.js';
import { influxOptions } from './influx-options.js';
import { vsphereOptions } from './vsphere-options.js';
import { reportCommand } from './commands/report.js';
import { runCommand, runOptions, sweepCommand, type RunArgs } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { harness } from './harness.js';
import { escapeTerminalText } from './terminal-text.js';

function reportError(error: unknown): number {
  if (isUserError(error)) {
    // Messages quote what users gave (YAML keys, names): never let them drive the terminal.
    process.stderr.write(`bench: ${escapeTerminalText(error.message)}\n`);
    if (error.hint) process.stderr.write(`  hint: ${escapeTerminalText(error.hint)}\n`);
    return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
  }
  throw error;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const handle = (action: () => Promise<number>) => async () => {
    try {
      exitCode = await action();
    } catch (error) {
      exitCode = reportError(error);
    }
  };
  const parser = yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]\n\nBenchmark VDI provisioning: View Composer linked clones vs Instant Clones, how long each takes and what it does to storage IOPS and CPU.')
    .option('file', { alias: 'f', type: 'string', describe: 'scenario file (default: ./scenarios.yml, else the one shipped with vdibench)' })
    .command<RunArgs>('run [scenario]', 'run a scenario\'s arms and write a run folder with an HTML report', runOptions, (args) => handle(() => runCommand(args))())
    .command('sweep [scenario]', 'run a scenario\'s methods at several desktop counts in one run; the report draws time and load against the count',
      (y) => runOptions(y).option('desktops', { type: 'string', describe: 'the desktop counts, comma-separated, e.g. 50,100,200,400' })
        .example('$0 sweep composer-vs-instant --desktops 50,100,200,400,800', 'where does Instant Clone overtake Composer?'),
      (args) => handle(() => sweepCommand({ ...(args as unknown as RunArgs), desktops: args.desktops === undefined ? undefined : String(args.desktops) }))())
    .command('list', 'list the scenarios in the scenario file', (y) => y.option('json', { type: 'boolean', default: false, describe: 'as JSON' }),
      (args) => handle(() => listCommand({ file: args.file, json: args.json }))())
    .command('validate [file]', 'check a scenario file and report the first problem with file:line:column',
      (y) => y.positional('file', { type: 'string', describe: 'scenario file to check (default: as --file)' }),
      (args) => handle(() => validateCommand({ file: args.file }))())
    .command('report [run-dir]', 're-render a run folder\'s report (index.html, summary.json) from the folder alone',
      (y) => y.positional('run-dir', { type: 'string', describe: 'a folder written by `bench run`' })
        .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' }),
      (args) => handle(() => {
        const runDir = args['run-dir'];
        if (!runDir) throw new InputError('bench report: name a run folder, e.g. bench report reports/<run-id>');
        return reportCommand({ 'run-dir': runDir, json: args.json });
      })())
    .command('compare [run-dirs..]', 'compare two or more run folders: a terminal table and an HTML comparison',
      (y) => y.positional('run-dirs', { type: 'string', array: true, describe: 'run folders; changes are shown against the first' })
        .option('html', { type: 'string', describe: 'where to write the HTML comparison (default reports/compare-<time>.html)' })
        .option('label', { type: 'string', array: true, describe: 'a name for each run, in order, e.g. --label before --label after (default run 1, run 2, …)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON on stdout' }),
      (args) => handle(() => compareCommand({ runDirs: (args['run-dirs'] ?? []).map(String), html: args.html, json: args.json, labels: args.label?.map(String) }))())
    .command('push [run-dir]', 'send a stored run (its metrics.lp) to InfluxDB; pushing twice leaves no duplicates',
      (y) => influxOptions(y.positional('run-dir', { type: 'string', describe: 'a folder written by `bench run`' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' })),
      (args) => handle(() => {
        const runDir = args['run-dir'];
        if (!runDir) throw new InputError('bench push: name a run folder, e.g. bench push reports/<run-id> --influx-url http://localhost:8086 --influx-db vdibench');
        return pushCommand({ ...args, 'run-dir': runDir, quiet: args.quiet });
      })())
    .command('cleanup', 'list VMs that runs left behind (by name prefix) and, with --yes, delete them',
      (y) => vsphereOptions(y
        .option('driver', { type: 'string', default: 'vsphere', describe: 'driver whose leftovers to look for: vsphere' })
        .option('name-prefix', { type: 'string', default: 'vdibench-', describe: 'prefix of the VMs to look for' })
        .option('yes', { type: 'boolean', default: false, describe: 'delete what was found (each deletion is logged)' })),
      (args) => handle(() => cleanupCommand({ ...args, driver: args.driver, 'name-prefix': args['name-prefix'], yes: args.yes }))())
    .command('gate [run-dir]', 'check a stored run against a baseline and the scenario\'s expected bands; a regression exits 99',
      (y) => y.positional('run-dir', { type: 'string', describe: 'a folder written by `bench run`' })
        .option('baseline', { type: 'string', describe: 'run folder or summary.json to compare with' })
        .option('max-regression', { type: 'string', describe: 'allowed regression per metric, e.g. deployTimeS=10%,peakIops=15%' })
        .option('max-change', { type: 'string', describe: 'allowed change either way per metric (two-sided), e.g. peakIops=20%' })
        .option('allow-different', { type: 'boolean', describe: 'compare with a baseline whose desktops or parameters differ (refused otherwise)' })
        .option('junit', { type: 'string', describe: 'write the checks as JUnit XML to this file' })
        .option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON on stdout' }),
      (args) => handle(() => {
        const runDir = args['run-dir'];
        if (!runDir) throw new InputError('bench gate: name a run folder, e.g. bench gate reports/<run-id> --baseline reports/<baseline>');
        return gateCommand({ 'run-dir': runDir, baseline: args.baseline, 'max-regression': args['max-regression'], 'max-change': args['max-change'], 'allow-different': args['allow-different'], junit: args.junit, json: args.json });
      })())
    .demandCommand(1, 'name a command: run, sweep, list, validate, report, compare, gate, push or cleanup')
    .strict()
    .recommendCommands()
    .version(harness.version)
    .help()
    .alias('h', 'help')
    .epilogue('Exit codes: 0 completed; 1 the run failed or was interrupted (or the cluster could not be reached); 2 bad input or usage; 99 the regression gate failed; 70 a bug in vdibench.\nDocs: README.md and docs/ in the vdibench package.')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      throw new InputError(message ?? 'bad usage', 'see `bench --help`');
    })
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (error) {
    exitCode = reportError(error);
  }
  return exitCode;
}

// `bench compare … | head` closes the pipe early: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(hideBin(process.argv)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(error);
    process.stderr.write('bench: this is a bug in vdibench; please report it with the lines above\n');
    process.exitCode = EXIT_INTERNAL;
  },
);
