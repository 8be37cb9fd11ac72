import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parameterSections } from '../../../src/scenarios/parameter-sections.js';
import { repoRoot } from '../../helpers/cli.js';

describe('docs/SIMULATOR.md matches the code', () => {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'SIMULATOR.md'), 'utf8');

  it('lists every parameter with its current default and unit', () => {
    for (const [section, specs] of Object.entries(parameterSections)) {
      for (const [key, spec] of Object.entries(specs)) {
        expect(doc, `${section}.${key}`).toContain(`| \`${key}\` | ${String(spec.default)} | ${spec.unit} |`);
      }
    }
  });

  it('the generated tables are up to date', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'gen-parameter-docs.mjs'), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the validation table (every published point against the model) is up to date', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'gen-validation-table.mjs'), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
