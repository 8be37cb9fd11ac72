import { EXIT_OK } from '../../contract/errors.js';
import { loadScenarioFile, resolveScenario, scenarioNames } from '../../scenarios/load.js';
import { defaultScenarioFile } from '../harness.js';
import { escapeTerminalText as shown } from '../terminal-text.js';

export async function validateCommand(args: { file?: string }): Promise<number> {
  const loaded = await loadScenarioFile(args.file ?? defaultScenarioFile());
  const names = scenarioNames(loaded);
  // Resolving each scenario checks the merged values too (defaults + scenario).
  for (const name of names) resolveScenario(loaded, name);
  process.stdout.write(`${shown(loaded.displayPath)}: ok, ${names.length} scenario(s): ${names.map(shown).join(', ')}\n`);
  return EXIT_OK;
}
