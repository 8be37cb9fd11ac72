import { cpSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from './cli.js';

/** A writable copy of a stored-run fixture under test/fixtures/runs/. */
export function copyRunFixture(name: string): string {
  const target = path.join(tempDir('vdibench-fixture-'), name);
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'runs', name), target, { recursive: true });
  return target;
}
