import { EXIT_OK } from '../../contract/errors.js';
import { loadScenarioFile, resolveScenario, scenarioNames } from '../../scenarios/load.js';
import { defaultScenarioFile } from '../harness.js';
import { escapeTerminalText as shown } from '../terminal-text.js';

export async function listCommand(args: { file?: string; json: boolean }): Promise<number> {
  const loaded = await loadScenarioFile(args.file ?? defaultScenarioFile());
  const scenarios = scenarioNames(loaded).map((name) => resolveScenario(loaded, name));
  if (args.json) {
    process.stdout.write(JSON.stringify(scenarios.map((scenario) => ({
      name: scenario.name, description: scenario.description, driver: scenario.driver,
      arms: scenario.arms.map((arm) => ({ name: arm.name, method: arm.method, desktops: arm.desktops, ...(arm.operations ? { then: arm.operations.map((operation) => operation.name) } : {}) })),
    }))) + '\n');
    return EXIT_OK;
  }
  process.stdout.write(`scenarios in ${shown(loaded.displayPath)}:\n`);
  const width = scenarios.reduce((widest, scenario) => Math.max(widest, shown(scenario.name).length), 0);
  for (const scenario of scenarios) {
    const arms = scenario.arms.map((arm) => `${shown(arm.name)}×${arm.desktops}${arm.operations ? ` then ${arm.operations.map((operation) => operation.name).join(', ')}` : ''}`).join(', ');
    process.stdout.write(`  ${shown(scenario.name).padEnd(width)}  ${shown(scenario.description)}\n  ${' '.repeat(width)}  arms: ${arms}\n`);
  }
  return EXIT_OK;
}
