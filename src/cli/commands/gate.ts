import { EXIT_OK, EXIT_RUN_FAILED, InputError } from '../../errors.js';
import { readRun } from '../../metrics/run-store/record.js';
import { EXIT_REGRESSION } from '../../report/gate.js';
import { summarizeRun } from '../../report/summary.js';
import { applyGate, prepareGate, type GateFlags } from '../gate.js';

/** Gate a stored run: the same checks `bench run --baseline` makes, on a folder. */
export async function gateCommand(args: GateFlags & { 'run-dir': string; json: boolean }): Promise<number> {
  const run = await readRun(args['run-dir']);
  const summary = summarizeRun(run.record, run.samples, args['run-dir']);
  const gate = await prepareGate(args, { gate: run.record.scenario.gate ?? { maxRegression: {}, expect: {} }, arms: run.record.scenario.arms });
  if (!gate.active) throw new InputError('bench gate: nothing to check: give --baseline with --max-regression, or a scenario with gate:');
  const result = await applyGate(gate, summary, args.json ? process.stderr : process.stdout);
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  if (summary.status !== 'completed') return EXIT_RUN_FAILED;
  return result.passed ? EXIT_OK : EXIT_REGRESSION;
}
