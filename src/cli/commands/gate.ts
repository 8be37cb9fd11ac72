import { EXIT_OK, EXIT_REGRESSION, EXIT_RUN_FAILED, InputError } from '../../contract/errors.js';
import { loadStoredRun } from '../../run/load-run.js';
import { storeGateResult } from '../../run/finish.js';
import { applyGate, prepareGate, type GateFlags } from '../../run/gate-checks.js';

/** Gate a stored run: the same checks `bench run --baseline` makes, on a folder. */
export async function gateCommand(args: GateFlags & { 'run-dir': string; json: boolean }): Promise<number> {
  const model = await loadStoredRun(args['run-dir']);
  const { record, summary } = model;
  // A repeated run's record lists every run of each arm (composer-r1, …); its summary, and a
  // baseline's, the scenario's arms: gate on those.
  const arms = [...new Map(record.scenario.arms.map((arm) => [arm.repetitionOf ?? arm.name, {
    name: arm.repetitionOf ?? arm.name, method: arm.method, desktops: arm.desktops, ...(arm.operations ? { operations: arm.operations } : {}),
  }])).values()];
  const gate = await prepareGate(args, { ...record.scenario, arms, gate: record.scenario.gate ?? { maxRegression: {}, expect: {} } });
  if (!gate.active) throw new InputError('bench gate: nothing to check: give --baseline with --max-regression, or a scenario with gate:');
  const result = await applyGate(gate, summary, args.json ? process.stderr : process.stdout);
  await storeGateResult(args['run-dir'], model, result);
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  if (summary.status !== 'completed') return EXIT_RUN_FAILED;
  return result.passed ? EXIT_OK : EXIT_REGRESSION;
}
