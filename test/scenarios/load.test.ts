import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { defaultCluster } from '../../src/drivers/sim/parameters.js';
import { defaultHorizon } from '../../src/scenarios/horizon.js';
import { loadScenarioFile, parseScenarioText, resolveScenario, scenarioNames } from '../../src/scenarios/load.js';
import { repoRoot } from '../helpers/cli.js';

function loadError(text: string | Buffer): InputError {
  try {
    parseScenarioText(text, 'bad.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected the file to be rejected');
}

const minimal = (body: string) => `scenarios:\n  demo:\n${body}`;

describe('the shipped scenarios.yml', () => {
  it('loads and names the four scenarios the README promises', async () => {
    const loaded = await loadScenarioFile(path.join(repoRoot, 'scenarios.yml'));
    expect(scenarioNames(loaded)).toEqual(expect.arrayContaining(['composer-vs-instant', 'composer-only', 'instant-only', 'scale-sweep']));
  });

  it('fills Horizon\'s documented limits and the reference cluster as defaults', async () => {
    const loaded = await loadScenarioFile(path.join(repoRoot, 'scenarios.yml'));
    const scenario = resolveScenario(loaded, 'composer-vs-instant');
    expect(scenario.horizon).toEqual({
      maxVcProvisioning: 20, maxPowerOps: 50, maxComposerMaintenance: 12, maxComposerProvisioning: 8, maxInstantCloneProvisioning: 20,
      composerStorageAccelerator: false,
    });
    expect(scenario.horizon).toEqual(defaultHorizon());
    expect(scenario.cluster).toEqual(defaultCluster());
    expect(scenario.arms.map((arm) => [arm.name, arm.method, arm.desktops])).toEqual([['composer', 'composer', 100], ['instant', 'instant-clone', 100]]);
  });

  it('expands scale-sweep into one arm per method and desktop count', async () => {
    const loaded = await loadScenarioFile(path.join(repoRoot, 'scenarios.yml'));
    const scenario = resolveScenario(loaded, 'scale-sweep');
    const counts = new Set(scenario.arms.map((arm) => arm.desktops));
    expect(counts.size).toBeGreaterThan(1);
    expect(scenario.arms.every((arm) => arm.name.endsWith(`-${arm.desktops}`))).toBe(true);
    expect(() => resolveScenario(loaded, 'scale-sweep', { desktops: 10 })).toThrow(/--desktops: scenario "scale-sweep" sweeps desktopCounts/);
  });
});

describe('overrides', () => {
  const loaded = parseScenarioText(minimal('    desktops: 30\n    cluster: { hosts: 6 }\n    arms:\n      - { name: a, method: composer }\n      - { name: b, method: instant-clone, desktops: 5 }\n'), 'x.yml');

  it('--desktops applies to every arm, scenario values beat defaults', () => {
    expect(resolveScenario(loaded, 'demo').arms.map((arm) => arm.desktops)).toEqual([30, 5]);
    expect(resolveScenario(loaded, 'demo', { desktops: 7 }).arms.map((arm) => arm.desktops)).toEqual([7, 7]);
    expect(resolveScenario(loaded, 'demo').cluster.hosts).toBe(6);
  });

  it('--set path=value sets numbers and booleans', () => {
    const scenario = resolveScenario(loaded, 'demo', { set: ['cluster.hosts=8', 'cluster.vaai=false', 'image.usedGB=40.5', 'seed=9'] });
    expect(scenario.cluster.hosts).toBe(8);
    expect(scenario.cluster.vaai).toBe(false);
    expect(scenario.image.usedGB).toBe(40.5);
    expect(scenario.seed).toBe(9);
  });

  it.each([
    ['clustr.hosts=8', /--set clustr\.hosts=8: unknown setting "clustr" \(did you mean "cluster"\?\)/],
    ['cluster.host=8', /unknown cluster parameter "host" \(did you mean "hosts"\?\)/],
    ['cluster.hosts=abc', /--set cluster\.hosts=abc: expected number, received string/],
    ['cluster.hosts=0', /--set cluster\.hosts=0: .*>=1/],
    ['horizon.maxPowerOps=2.5', /--set horizon\.maxPowerOps=2\.5: .*int/i],
    ['nonsense', /--set nonsense: expected path=value/],
  ])('--set %s is refused with a message naming the flag', (assignment, message) => {
    expect(() => resolveScenario(loaded, 'demo', { set: [assignment] })).toThrow(message);
  });

  it('refuses an unknown scenario with a suggestion', () => {
    expect(() => resolveScenario(loaded, 'dmeo')).toThrow(/unknown scenario "dmeo" in x\.yml \(did you mean "demo"\?\)/);
  });

  it('refuses an unknown driver and a bad desktop count from flags', () => {
    expect(() => resolveScenario(loaded, 'demo', { driver: 'hyperv' })).toThrow(/^--driver: .*"sim"/);
    expect(() => resolveScenario(loaded, 'demo', { desktops: 0 })).toThrow(/^--desktops: /);
    expect(() => resolveScenario(loaded, 'demo', { desktops: 1e9 })).toThrow(/^--desktops: /);
  });
});

describe('bad scenario files get one message with file:line:column', () => {
  it.each([
    ['malformed YAML', 'scenarios:\n  demo:\n    arms: [\n', /^bad\.yml:4:1: invalid YAML/],
    ['a tab used for indentation', 'scenarios:\n\tdemo: {}\n', /^bad\.yml:2:1: invalid YAML: .*tab/i],
    ['an unknown key, with a suggestion', minimal('    desktop: 10\n    arms: [{ name: a, method: composer }]\n'), /^bad\.yml:3:5: unknown key "desktop" in scenarios\.demo \(did you mean "desktops"\?\)/],
    ['an unknown cluster parameter', minimal('    cluster:\n      storageIOPS: 5\n    arms: [{ name: a, method: composer }]\n'), /^bad\.yml:4:7: unknown key "storageIOPS" in scenarios\.demo\.cluster \(did you mean "storageIops"\?\)/],
    ['a wrong type', minimal('    desktops: many\n    arms: [{ name: a, method: composer }]\n'), /^bad\.yml:3:15: scenarios\.demo\.desktops: expected number, received string/],
    ['a negative desktop count', minimal('    desktops: -5\n    arms: [{ name: a, method: composer }]\n'), /^bad\.yml:3:15: scenarios\.demo\.desktops: .*>=1/],
    ['an unknown method', minimal('    arms:\n      - name: a\n        method: full-clone\n'), /^bad\.yml:5:17: scenarios\.demo\.arms\.0\.method: .*"composer"\|"instant-clone"/],
    ['a missing arms list', minimal('    desktops: 5\n'), /^bad\.yml:3:5: scenarios\.demo\.arms: missing; expected array/],
    ['duplicate arm names', minimal('    arms:\n      - { name: a, method: composer }\n      - { name: a, method: instant-clone }\n'), /^bad\.yml:5:17: duplicate arm name "a"/],
    ['a concurrency limit of 0', minimal('    horizon: { maxPowerOps: 0 }\n    arms: [{ name: a, method: composer }]\n'), /^bad\.yml:3:29: scenarios\.demo\.horizon\.maxPowerOps: .*>=1/],
    ['a top-level list', '- a\n- b\n', /^bad\.yml:1:1: expected a mapping with a "scenarios:" key/],
    ['an empty file', '', /^bad\.yml:1:1: the file is empty/],
    ['only a comment', '# nothing\n', /^bad\.yml:1:1: the file holds no data/],
    ['binary garbage', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]), /^bad\.yml:1:1: not a text file/],
    ['a duplicate key', 'scenarios:\n  demo: { arms: [{ name: a, method: composer }] }\n  demo: { arms: [{ name: a, method: composer }] }\n', /^bad\.yml:3:3: invalid YAML: .*unique/i],
  ])('%s', (_what, text, message) => {
    const error = loadError(text);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('an alias bomb is refused quickly instead of expanding', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous}]`);
    }
    const started = Date.now();
    const error = loadError(`${levels.join('\n')}\nscenarios: {}\n`);
    expect(error.message).toMatch(/^bad\.yml:\d+:\d+: invalid YAML: .*alias/i);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a missing file names the path', async () => {
    await expect(loadScenarioFile('/nonexistent/scenarios.yml')).rejects.toThrow(/scenarios\.yml: no such file/);
  });
});
