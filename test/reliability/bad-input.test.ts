/**
 * Bad input of every kind gets one short message naming the place and what is expected,
 * exit code 2, no stack trace, and no run folder.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { parseScenarioText, resolveScenario, scenarioNames } from '../../src/scenarios/load.js';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';
import { expectCleanRefusal } from '../helpers/refusal.js';

const corpus = path.join(repoRoot, 'test', 'fixtures', 'bad-scenarios');
const cases = JSON.parse(readFileSync(path.join(corpus, 'cases.json'), 'utf8')) as { file: string; message: string }[];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('broken scenario files (test/fixtures/bad-scenarios)', () => {
  it('covers every file in the folder', () => {
    const files = readdirSync(corpus).filter((file) => file !== 'cases.json').sort();
    expect(cases.map((entry) => entry.file).sort()).toEqual(files);
  });

  it.each(cases)('$file: bench validate names the place and what is expected, exit 2', ({ file, message }) => {
    const result = bench(['validate', file], { cwd: corpus });
    expectCleanRefusal(result, new RegExp(message.replace('%s', escape(file))));
  });

  it.each(cases.filter((_, index) => index % 4 === 0))('$file: bench run refuses it without writing a run folder', ({ file }) => {
    const out = path.join(tempDir(), 'runs');
    const result = bench(['run', 'a', '--file', path.join(corpus, file), '--out', out]);
    expect(result.status).toBe(2);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe('broken command lines', () => {
  it.each([
    [['run', 'composer-only', '--desktops', '-1'], /^bench: --desktops: Too small: expected number to be >=1/],
    [['run', 'composer-only', '--desktops', '0'], /^bench: --desktops: Too small/],
    [['run', 'composer-only', '--desktops', '1e9'], /^bench: --desktops: Too big: expected number to be <=100000/],
    [['run', 'composer-only', '--desktops', '2.5'], /^bench: --desktops: .*int/],
    [['run', 'composer-only', '--seed', '-3'], /^bench: --seed: /],
    [['run', 'composer-only', '--time-scale', '-1'], /^bench: --time-scale: /],
    [['run', 'composer-only', '--driver', 'hyperv'], /^bench: --driver: Invalid option: expected one of "sim"\|"vsphere"/],
    [['run', 'composer-onyl'], /^bench: unknown scenario "composer-onyl" in .* \(did you mean "composer-only"\?\)/],
    [['run', 'composer-only', '--set', 'horizon.maxPowerOps=0'], /^bench: --set horizon\.maxPowerOps=0: Too small/],
    [['run', 'composer-only', '--set', 'image.usedGB=big'], /^bench: --set image\.usedGB=big: expected number, received string/],
    [['run', 'composer-only', '--set', 'faults.cloneFailureRate=2'], /^bench: --set faults\.cloneFailureRate=2: unknown setting "faults"/],
    [['run', 'composer-only', '--set', 'seed'], /^bench: --set seed: expected path=value/],
    [['run', 'composer-only', '--file', '/nonexistent/s.yml'], /^bench: \/nonexistent\/s\.yml: no such file/],
    [['run', 'composer-only', '--file', '/tmp'], /^bench: \/tmp: is a folder, expected a file/],
    [['run', 'composer-only', '--bogus'], /^bench: Unknown argument: bogus/],
    [['report', '/nonexistent'], /^bench: \/nonexistent: not a run folder/],
  ])('bench %j', (args, message) => {
    const out = path.join(tempDir(), 'runs');
    const result = bench([...args, ...(args[0] === 'run' ? ['--out', out] : [])]);
    expectCleanRefusal(result, message);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('--out naming a file is refused before anything runs', () => {
    const file = path.join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expectCleanRefusal(bench(['run', 'composer-only', '--out', file]), /^bench: --out .*not-a-folder: not a folder/);
  });
});

describe('the loader never throws anything but its typed error', () => {
  const loadAll = (text: string | Buffer) => {
    try {
      const loaded = parseScenarioText(text, 'fuzz.yml');
      for (const name of scenarioNames(loaded)) resolveScenario(loaded, name);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      expect(error.message).toMatch(/^(fuzz\.yml:\d+:\d+: |--|unknown scenario|faults )/);
      expect(error.message).not.toContain('\n');
    }
  };
  const shipped = readFileSync(path.join(repoRoot, 'scenarios.yml'), 'utf8');

  it('on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => loadAll(text)), { numRuns: 400 });
  });

  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => loadAll(Buffer.from(bytes))), { numRuns: 300 });
  });

  it('on random YAML documents', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => loadAll(stringify(value))), { numRuns: 400 });
  });

  it('on random scenario-shaped documents', () => {
    const value = fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.double(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    const section = fc.dictionary(fc.constantFrom('hosts', 'storageIops', 'usedGB', 'maxPowerOps', 'vaai', 'bootS', 'typo'), value);
    const arm = fc.record({ name: fc.constantFrom('a', 'b', 'A B', ''), method: fc.constantFrom('composer', 'instant-clone', 'x') }, { requiredKeys: [] });
    const scenario = fc.record({
      desktops: value, seed: value, desktopCounts: fc.array(value, { maxLength: 3 }), arms: fc.array(arm, { maxLength: 3 }),
      cluster: section, image: section, horizon: section, retries: value, maxFailedDesktops: value,
      faults: fc.record({ cloneFailureRate: value, hostDown: fc.array(fc.record({ host: value, atS: value }), { maxLength: 2 }) }, { requiredKeys: [] }),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('a', 'b-1', 'C'), scenario), (scenarios) => loadAll(stringify({ scenarios }))), { numRuns: 500 });
  });

  it('on the shipped file with random damage', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: shipped.length }), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 6 }), (at, cut, insert) => {
      loadAll(shipped.slice(0, at) + insert + shipped.slice(at + cut));
    }), { numRuns: 400 });
  });
});
