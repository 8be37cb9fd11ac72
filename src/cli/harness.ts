import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds package.json and the bundled scenarios.yml), from src/ or dist/. */
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const harness = (() => {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: manifest.name, version: manifest.version, node: process.versions.node };
})();

/** `./scenarios.yml` when there is one, else the file that ships with the harness. */
export function defaultScenarioFile(): string {
  const local = path.resolve('scenarios.yml');
  return existsSync(local) ? local : path.join(packageRoot, 'scenarios.yml');
}
