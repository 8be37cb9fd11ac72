import { EXIT_OK } from '../../errors.js';
import { loadScenarioFile, resolveScenario, scenarioNames } from '../../scenarios/load.js';
import { defaultScenarioFile } from '../harness.js';

export async function listCommand(args: { file?: string; json: boolean }): Promise<number> {
  const loaded = await loadScenarioFile(args.file ?? defaultScenarioFile());
  const scenarios = scenarioNames(loaded).map((name) => resolveScenario(loaded, name));
  if (args.json) {
    process.stdout.write(JSON.stringify(scenarios.map((scenario) => ({
      name: scenario.name, description: scenario.description, driver: scenario.driver,
      arms: scenario.arms.map((arm) => ({ name: arm.name, method: arm.method, desktops: arm.desktops })),
    }))) + '\n');
    return EXIT_OK;
  }
  process.stdout.write(`scenarios in ${loaded.displayPath}:\n`);
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  for (const scenario of scenarios) {
    const arms = scenario.arms.map((arm) => `${arm.name}×${arm.desktops}`).join(', ');
    process.stdout.write(`  ${scenario.name.padEnd(width)}  ${scenario.description}\n  ${' '.repeat(width)}  arms: ${arms}\n`);
  }
  return EXIT_OK;
}
