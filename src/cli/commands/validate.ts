import { EXIT_OK } from '../../errors.js';
import { loadScenarioFile, resolveScenario, scenarioNames } from '../../scenarios/load.js';
import { defaultScenarioFile } from '../harness.js';

export async function validateCommand(args: { file?: string }): Promise<number> {
  const loaded = await loadScenarioFile(args.file ?? defaultScenarioFile());
  const names = scenarioNames(loaded);
  // Resolving each scenario checks the merged values too (defaults + scenario).
  for (const name of names) resolveScenario(loaded, name);
  process.stdout.write(`${loaded.displayPath}: ok, ${names.length} scenario(s): ${names.join(', ')}\n`);
  return EXIT_OK;
}
