import { EXIT_OK, EXIT_REGRESSION, EXIT_RUN_FAILED, InputError } from '../../contract/errors.js';
import { loadStoredRun } from '../../run/load-run.js';
import { storeGateResult } from '../../run/finish.js';
import { applyGate, prepareGate, type GateFlags } from '../../run/gate-checks.js';

/** Gate a stored run: the same checks `bench run --baseline` makes, on a folder. */
export async function gateCommand(args: GateFlags & { 'run-dir': string; json: boolean }): Promise<number> {
  const model = await loadStoredRun(args['run-dir']);
  const { record, summary } = model;
  const gate = await prepareGate(args, { ...record.scenario, gate: record.scenario.gate ?? { maxRegression: {}, expect: {} } });
  if (!gate.active) throw new InputError('bench gate: nothing to check: give --baseline with --max-regression, or a scenario with gate:');
  const result = await applyGate(gate, summary, args.json ? process.stderr : process.stdout);
  await storeGateResult(args['run-dir'], model, result);
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  if (summary.status !== 'completed') return EXIT_RUN_FAILED;
  return result.passed ? EXIT_OK : EXIT_REGRESSION;
}
