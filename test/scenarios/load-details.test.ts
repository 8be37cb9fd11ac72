/**
 * scenarios/load.ts in process, message by message: where each kind of mistake is reported
 * (file:line:column, the key's own position), which keys a section accepts, secrets refused,
 * `--set` parsing, defaults and their precedence, the overrides recorded with the run.
 * The broken files of test/fixtures/bad-scenarios are checked here too, without the CLI.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { loadScenarioFile, parseScenarioText, resolveScenario, scenarioNames, type ScenarioOverrides } from '../../src/scenarios/load.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { inputProblem } from '../helpers/refusal.js';

const ARMS = '    arms: [{ name: composer, method: composer }]\n';
const file = (text: string | Buffer) => parseScenarioText(text, 'x.yml');
const BASE = file(`scenarios:\n  a:\n${ARMS}`);
const problem = inputProblem;
const loadProblem = (text: string) => problem(() => resolveScenario(file(text), 'a'));
const setProblem = (...set: string[]) => problem(() => resolveScenario(BASE, 'a', { set }));

describe('the broken files of test/fixtures/bad-scenarios, in process', () => {
  const corpus = path.join(repoRoot, 'test', 'fixtures', 'bad-scenarios');
  const cases = JSON.parse(readFileSync(path.join(corpus, 'cases.json'), 'utf8')) as { file: string; message: string }[];
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  it.each(cases)('$file', async ({ file: name, message }) => {
    const fullPath = path.join(corpus, name);
    const displayPath = path.relative(process.cwd(), fullPath);
    const error = await (async () => {
      const loaded = await loadScenarioFile(fullPath);
      for (const scenario of scenarioNames(loaded)) resolveScenario(loaded, scenario);
    })().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(`bench: ${(error as Error).message}`).toMatch(new RegExp(message.replace('%s', escape(displayPath))));
  });
});

describe('unknown keys: the key\'s own line and column, and what the section accepts', () => {
  it.each([
    [`defaults:\n  clusterr: {}\nscenarios:\n  a:\n${ARMS}`, 'x.yml:2:3: unknown key "clusterr" in defaults (did you mean "cluster"?); expected one of: description, desktops, driver, seed, profile, namePrefix, keep, sampleIntervalS, timeScale, cluster, image, horizon, influx, vsphere, retries, retryBackoffS, maxFailedDesktops, repeat, report, warmup, faults, users'],
    [`defaults:\n  cluster: { hostz: 1 }\nscenarios:\n  a:\n${ARMS}`, /^x\.yml:2:14: unknown key "hostz" in defaults\.cluster \(did you mean "hosts"\?\); expected one of: hosts, coresPerHost, /],
    [`scenarios:\n  a:\n    arms: [{ name: c, method: composer, desktopz: 1 }]\n`, 'x.yml:3:41: unknown key "desktopz" in scenarios.a.arms.0 (did you mean "desktops"?); expected one of: name, method, desktops, steps, users'],
    [`scenarios:\n  a:\n    gate: { maxRegresion: {} }\n${ARMS}`, 'x.yml:3:13: unknown key "maxRegresion" in scenarios.a.gate (did you mean "maxRegression"?); expected one of: maxRegression, expect'],
    [`scenarios:\n  a:\n    faults: { hostdown: [] }\n${ARMS}`, 'x.yml:3:15: unknown key "hostdown" in scenarios.a.faults (did you mean "hostDown"?); expected one of: cloneFailureRate, hostDown, storageSlowdown'],
    [`defaults:\n  faults: { hostdown: [] }\nscenarios:\n  a:\n${ARMS}`, 'x.yml:2:13: unknown key "hostdown" in defaults.faults (did you mean "hostDown"?); expected one of: cloneFailureRate, hostDown, storageSlowdown'],
    [`defaults:\n  vsphere: { hostt: x }\nscenarios:\n  a:\n${ARMS}`, 'x.yml:2:14: unknown key "hostt" in defaults.vsphere; expected one of: url, user, goldenImage, snapshot, patchSnapshot, datastore, cluster, insecure, ca, customizationSpec, readyWhen, readyTimeoutS, retryBudgetS'],
    [`scenarios:\n  a:\n    vsphere: { hostt: x }\n${ARMS}`, /^x\.yml:3:16: unknown key "hostt" in scenarios\.a\.vsphere; expected one of: url, user, /],
    [`scenarios:\n  a:\n    horizon: { maxPowerOp: 1 }\n${ARMS}`, 'x.yml:3:16: unknown key "maxPowerOp" in scenarios.a.horizon (did you mean "maxPowerOps"?); expected one of: maxVcProvisioning, maxPowerOps, maxComposerMaintenance, maxComposerProvisioning, maxInstantCloneProvisioning, composerStorageAccelerator'],
    [`scenarios:\n  a:\n    influx: { urll: x }\n${ARMS}`, /^x\.yml:3:15: unknown key "urll" in scenarios\.a\.influx \(did you mean "url"\?\); expected one of: url, /],
    [`defaults:\n  influx: { urll: x }\nscenarios:\n  a:\n${ARMS}`, /^x\.yml:2:13: unknown key "urll" in defaults\.influx \(did you mean "url"\?\); expected one of: url, /],
    [`scenarios:\n  a:\n    desktops: 1\n    extra: 1\n${ARMS}`, /^x\.yml:4:5: unknown key "extra" in scenarios\.a; expected one of: description, .*, desktopCounts, arms, steps, gate$/],
    [`scenarioz:\n  a:\n${ARMS}`, /^x\.yml:1:1: unknown key "scenarioz" at the top level \(did you mean "scenarios"\?\); expected one of: /],
    [`scenarios:\n  a:\n    report: { titel: x }\n${ARMS}`, /^x\.yml:3:15: unknown key "titel" in scenarios\.a\.report/],
  ])('%#', (text, expected) => {
    const message = loadProblem(text);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('secrets are refused with the variable they come from', () => {
    const secret = (section: string, key: string, where = 'scenarios') => loadProblem(where === 'defaults'
      ? `defaults:\n  ${section}: { ${key}: x }\nscenarios:\n  a:\n${ARMS}`
      : `scenarios:\n  a:\n    ${section}: { ${key}: x }\n${ARMS}`);
    expect(secret('influx', 'password', 'defaults')).toBe('x.yml:2:13: "password" does not belong in a scenario file: secrets come from the environment (INFLUX_PASSWORD, or INFLUX_PASSWORD_FILE naming a 0600 file)');
    expect(secret('influx', 'token')).toBe('x.yml:3:15: "token" does not belong in a scenario file: secrets come from the environment (INFLUX_TOKEN, or INFLUX_TOKEN_FILE naming a 0600 file)');
    expect(secret('influx', 'Token')).toMatch(/\(INFLUX_TOKEN, /);
    expect(secret('influx', 'Secret')).toMatch(/"Secret" does not belong .*\(INFLUX_PASSWORD, /);
    expect(secret('influx', 'pass')).toMatch(/"pass" does not belong/);
    expect(secret('vsphere', 'password')).toBe('x.yml:3:16: "password" does not belong in a scenario file: secrets come from the environment (VSPHERE_PASSWORD, or VSPHERE_PASSWORD_FILE naming a 0600 file)');
    expect(secret('vsphere', 'token')).toMatch(/\(VSPHERE_PASSWORD, /);
    // Elsewhere a key named password is just unknown.
    expect(secret('cluster', 'password')).toMatch(/^x\.yml:3:16: unknown key "password" in scenarios\.a\.cluster/);
    expect(secret('influx', 'passwords')).toMatch(/unknown key "passwords"/);
  });
});

describe('other problems in the file', () => {
  it.each([
    [`scenarios:\n  a:\n    gate: { maxRegression: { deployTime: 10 } }\n${ARMS}`, /^x\.yml:3:30: gate: unknown metric "deployTime" \(did you mean "deployTimeS"\?\); known: deployTimeS, /],
    [`scenarios:\n  a:\n    gate: { expect: { composr: { deployTimeS: { max: 1 } } } }\n${ARMS}`, /^x\.yml:3:23: gate\.expect: no arm "composr" in scenario "a" \(did you mean "composer"\?\); arms: composer$/],
    [`scenarios:\n  a:\n    gate: { expect: { zzzzzzzzzz: { deployTimeS: { max: 1 } } } }\n${ARMS}`, /^x\.yml:3:23: gate\.expect: no arm "zzzzzzzzzz" in scenario "a"; arms: composer$/],
    [`scenarios:\n  a:\n    gate: { expect: { composer: { deployTime: { max: 1 } } } }\n${ARMS}`, /^x\.yml:3:35: gate: unknown metric "deployTime"/],
    [`scenarios:\n  a:\n    desktopCounts: [1, 2]\n    gate: { expect: { composer: { deployTimeS: { max: 1 } } } }\n${ARMS}`, /^x\.yml:4:23: gate\.expect: no arm "composer" in scenario "a" \(did you mean "composer-1"\?\); arms: composer-1, composer-2$/],
    [`scenarios:\n  a:\n    desktopCounts: [1, 2]\n    arms: [{ name: c, method: composer, desktops: 3 }]\n`, 'x.yml:3:20: scenario "a" sets desktopCounts, so its arms must not set desktops'],
    [`scenarios:\n  a:\n    arms: [{ name: c, method: composer }, { name: c, method: instant-clone }]\n`, 'x.yml:3:51: duplicate arm name "c" in scenario "a"; arm names must be unique'],
    [`scenarios:\n  a:\n    arms: []\n`, 'x.yml:3:11: scenarios.a.arms: Too small: expected array to have >=1 items'],
    [`scenarios:\n  a:\n    cluster:\n      hosts:\n${ARMS}`, 'x.yml:4:13: scenarios.a.cluster.hosts: expected number, received null'],
    [`scenarios:\n  a:\n    desktops: 3\n`, 'x.yml:3:5: scenarios.a.arms: missing; expected array'],
    [`scenarios: [1]\n`, 'x.yml:1:12: scenarios: expected record, received array'],
    [`scenarios:\n  a: 1\n`, 'x.yml:2:6: scenarios.a: expected object, received number'],
    [`x: &a [1]\ny: *b\n`, 'x.yml:1:1: invalid YAML: Unresolved alias (the anchor must be set before the alias): b'],
    [`scenarios:\n  a:\n    profile: nutanix\n${ARMS}`, 'x.yml:3:14: unknown profile "nutanix"; known: reference-2016, nutanix-view6-2014'],
    [`scenarios:\n  a:\n    profile: reference-2061\n${ARMS}`, 'x.yml:3:14: unknown profile "reference-2061" (did you mean "reference-2016"?); known: reference-2016, nutanix-view6-2014'],
    [`defaults:\n  profile: nope\nscenarios:\n  a:\n${ARMS}`, /^x\.yml:2:12: unknown profile "nope"/],
    [`scenarios:\n  a:\n    desktops: 1\n  a:\n${ARMS}`, /^x\.yml:4:3: invalid YAML: Map keys must be unique/],
    ['- 1\n- 2\n', 'x.yml:1:1: expected a mapping with a "scenarios:" key at the top level'],
    ['just text\n', 'x.yml:1:1: expected a mapping with a "scenarios:" key at the top level'],
    ['# nothing\n', 'x.yml:1:1: the file holds no data; expected a mapping with a "scenarios:" key'],
    [' \n\t\n', 'x.yml:1:1: the file is empty; expected a mapping with a "scenarios:" key'],
    [`__proto__: {}\nscenarios:\n  a:\n${ARMS}`, 'x.yml:1:1: unknown key "__proto__" at the top level'],
    [`scenarios:\n  a:\n    cluster: { __proto__: {} }\n${ARMS}`, 'x.yml:3:16: unknown key "__proto__" in scenarios.a.cluster'],
    [`scenarios:\n  a:\n    arms: [{ name: c, method: composer, __proto__: 1 }]\n`, 'x.yml:3:41: unknown key "__proto__" in scenarios.a.arms.0'],
  ])('%#', (text, expected) => {
    const message = loadProblem(text);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('bytes that are not text: NUL, invalid UTF-8, over 1 MiB', () => {
    expect(problem(() => file(Buffer.from('scenarios:\0\n')))).toBe('x.yml:1:1: not a text file (it contains NUL bytes); expected YAML');
    expect(problem(() => file(Buffer.from([0x73, 0xe9, 0x0a])))).toBe('x.yml:1:1: not valid UTF-8 text; expected YAML');
    const big = `scenarios:\n  a:\n${ARMS}#${'x'.repeat(1024 * 1024)}\n`;
    expect(problem(() => file(big))).toBe(`x.yml:1:1: file is ${Buffer.byteLength(big)} bytes; a scenario file is at most 1048576`);
    const exactly = `scenarios:\n  a:\n${ARMS}#`.padEnd(1024 * 1024, 'x');
    expect(resolveScenario(file(exactly), 'a').name).toBe('a');
  });

  it('files: a folder, a missing file, one at the limit, and the path as the user gave it', async () => {
    const dir = tempDir();
    const refusal = async (target: string) => {
      const error = await loadScenarioFile(target).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).hint).toBe('point --file at a scenarios.yml');
      return (error as Error).message;
    };
    mkdirSync(path.join(dir, 'folder.yml'));
    expect(await refusal(path.join(dir, 'folder.yml'))).toBe(`${path.join(dir, 'folder.yml')}: is a folder, expected a file`);
    expect(await refusal(path.join(dir, 'none.yml'))).toBe(`${path.join(dir, 'none.yml')}: no such file`);
    writeFileSync(path.join(dir, 'big.yml'), 'x'.repeat(1024 * 1024 + 1));
    expect(await refusal(path.join(dir, 'big.yml'))).toBe(`${path.join(dir, 'big.yml')}: file is 1048577 bytes; a scenario file is at most 1048576`);
    writeFileSync(path.join(dir, 'ok.yml'), `scenarios:\n  a:\n${ARMS}`);
    const loaded = await loadScenarioFile(path.join(dir, 'ok.yml'));
    expect(loaded.displayPath).toBe(path.join(dir, 'ok.yml'));
    expect(loaded.absolutePath).toBe(path.join(dir, 'ok.yml'));
    const shipped = await loadScenarioFile(path.join(repoRoot, 'scenarios.yml'));
    expect(shipped.displayPath).toBe(path.relative(process.cwd(), path.join(repoRoot, 'scenarios.yml')));
    expect(shipped.content.scenarios['composer-only']).toBeDefined();
  });
});

describe('--set', () => {
  it.each([
    [['x'], '--set x: expected path=value, e.g. --set cluster.hosts=8'],
    [['=1'], '--set =1: expected path=value, e.g. --set cluster.hosts=8'],
    [['cluster=1'], '--set cluster=1: expected cluster.<name>=value'],
    [['cluster.hosts.x=1'], '--set cluster.hosts.x=1: expected cluster.<name>=value'],
    [['cluster.hostz=1'], '--set cluster.hostz=1: unknown cluster parameter "hostz" (did you mean "hosts"?)'],
    [['horizon.zzzzzzzzzzzz=1'], '--set horizon.zzzzzzzzzzzz=1: unknown horizon parameter "zzzzzzzzzzzz"'],
    [['seed.x=1'], '--set seed.x=1: "seed" has no sub-keys'],
    [['sed=1'], '--set sed=1: unknown setting "sed" (did you mean "seed"?); settable: cluster, image, horizon, vsphere, users, seed, retries, retryBackoffS, maxFailedDesktops, repeat, warmup, namePrefix, keep, sampleIntervalS, timeScale, description'],
    [['qqqqqqqqqq=1'], /^--set qqqqqqqqqq=1: unknown setting "qqqqqqqqqq"; settable: /],
    [['seed=abc'], '--set seed=abc: expected number, received string'],
    [['seed='], '--set seed=: expected number, received string'],
    [['retries=-1'], '--set retries=-1: Too small: expected number to be >=0'],
    [['horizon.maxPowerOps=0'], '--set horizon.maxPowerOps=0: Too small: expected number to be >=1'],
    [['cluster.hosts=abc'], '--set cluster.hosts=abc: expected number, received string'],
    [['keep=yes'], '--set keep=yes: expected boolean, received string'],
    [['keep=True'], '--set keep=True: expected boolean, received string'],
    [['seed=1.5.2'], '--set seed=1.5.2: expected number, received string'],
  ])('%j', (set, expected) => {
    const message = setProblem(...set);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('reads numbers and booleans as YAML scalars would, and keeps text settings as text', () => {
    const with_ = (...set: string[]) => resolveScenario(BASE, 'a', { set });
    expect(with_('timeScale=.5').timeScale).toBe(0.5);
    expect(with_('seed=+3').seed).toBe(3);
    expect(with_('seed=1e2').seed).toBe(100);
    expect(with_('seed=2.').seed).toBe(2);
    expect(with_('retryBackoffS=2.5E-1').retryBackoffS).toBe(0.25);
    expect(with_('keep=true').keep).toBe(true);
    expect(with_('keep=false').keep).toBe(false);
    expect(with_(' cluster.hosts = 5 ').cluster.hosts).toBe(5);
    expect(with_('description=1').description).toBe('1');
    expect(with_('description=a=b').description).toBe('a=b');
    expect(with_('namePrefix=007').namePrefix).toBe('007');
    expect(with_('horizon.composerStorageAccelerator=true').horizon.composerStorageAccelerator).toBe(true);
    expect(with_('cluster.hosts=2', 'cluster.hosts=3').cluster.hosts).toBe(3);
  });
});

describe('resolving a scenario: defaults, precedence, overrides', () => {
  it('built-in defaults', () => {
    const scenario = resolveScenario(BASE, 'a');
    expect(scenario).toMatchObject({
      name: 'a', description: '', driver: 'sim', desktops: 100, seed: 1, profile: 'reference-2016', overrides: [], namePrefix: 'vdibench-', keep: false,
      sampleIntervalS: 20, timeScale: 0, retries: 2, retryBackoffS: 5, maxFailedDesktops: 0, repeat: 1, warmup: 0, report: {}, influx: {},
      gate: { maxRegression: {}, expect: {} },
      arms: [{ name: 'composer', method: 'composer', desktops: 100 }],
    });
  });

  it('the scenario beats the file\'s defaults, which beat the built-in ones; flags beat both', () => {
    const loaded = file([
      'defaults:',
      '  description: from defaults', '  desktops: 7', '  seed: 3', '  namePrefix: d-', '  keep: true', '  sampleIntervalS: 30', '  timeScale: 2',
      '  retries: 4', '  retryBackoffS: 9', '  maxFailedDesktops: 2', '  repeat: 3', '  warmup: 1', '  profile: nutanix-view6-2014',
      '  horizon: { maxPowerOps: 11, maxVcProvisioning: 12 }', '  cluster: { hosts: 5, coresPerHost: 10 }', '  report: { title: T, author: A }',
      'scenarios:',
      '  a:',
      '    seed: 4', '    retries: 1', '    horizon: { maxPowerOps: 13 }', '    cluster: { hosts: 6 }', '    report: { title: U }',
      '    gate: { maxRegression: { deployTimeS: 10%, peakIops: 5, avgIops: 2.5% } }',
      '    arms: [{ name: c, method: composer }, { name: i, method: instant-clone, desktops: 2 }]',
      '  b:',
      ARMS,
    ].join('\n'));
    const scenario = resolveScenario(loaded, 'a');
    expect(scenario).toMatchObject({
      description: 'from defaults', desktops: 7, seed: 4, namePrefix: 'd-', keep: true, sampleIntervalS: 30, timeScale: 2,
      retries: 1, retryBackoffS: 9, maxFailedDesktops: 2, repeat: 3, warmup: 1, profile: 'nutanix-view6-2014',
      report: { title: 'U', author: 'A' },
      arms: [{ name: 'c', method: 'composer', desktops: 7 }, { name: 'i', method: 'instant-clone', desktops: 2 }],
      gate: { maxRegression: { deployTimeS: 0.1, peakIops: 0.05, avgIops: 0.025 }, expect: {} },
    });
    expect(scenario.horizon).toMatchObject({ maxPowerOps: 13, maxVcProvisioning: 12 });
    expect(scenario.cluster).toMatchObject({ hosts: 6, coresPerHost: 10 });
    const flagged = resolveScenario(loaded, 'a', {
      desktops: 9, repeat: 5, warmup: 2, profile: 'reference-2016', seed: 8, namePrefix: 'f-', keep: false, timeScale: 0, driver: 'sim',
      report: { customer: 'C', title: '', notes: undefined }, set: ['cluster.hosts=8'],
    });
    expect(flagged).toMatchObject({
      desktops: 9, repeat: 5, warmup: 2, profile: 'reference-2016', seed: 8, namePrefix: 'f-', keep: false, timeScale: 0,
      report: { title: 'U', author: 'A', customer: 'C' },
      arms: [{ name: 'c', desktops: 9 }, { name: 'i', desktops: 9 }],
    });
    expect(flagged.cluster.hosts).toBe(8);
    expect(flagged.overrides).toEqual(['--desktops 9', '--repeat 5', '--warmup 2', '--profile reference-2016', '--driver sim', '--seed 8', '--name-prefix f-', '--keep false', '--time-scale 0', '--set cluster.hosts=8']);
    expect(resolveScenario(loaded, 'b')).toMatchObject({ seed: 3, retries: 4, desktops: 7, horizon: { maxPowerOps: 11 } });
  });

  it('a bad flag value names the flag', () => {
    const flag = (overrides: ScenarioOverrides) => problem(() => resolveScenario(BASE, 'a', overrides));
    expect(flag({ seed: -1 })).toBe('--seed: Too small: expected number to be >=0');
    expect(flag({ desktops: 0 })).toBe('--desktops: Too small: expected number to be >=1');
    expect(flag({ repeat: 0 })).toBe('--repeat: Too small: expected number to be >=1');
    expect(flag({ warmup: -1 })).toBe('--warmup: Too small: expected number to be >=0');
    expect(flag({ timeScale: -1 })).toBe('--time-scale: Too small: expected number to be >=0');
    expect(flag({ namePrefix: '' })).toBe('--name-prefix: letters, digits, "_", "." or "-", at most 32 characters');
    expect(flag({ profile: 'nutanix' })).toBe('--profile: unknown profile "nutanix"; known: reference-2016, nutanix-view6-2014');
    expect(flag({ set: ['sampleIntervalS=0'] })).toMatch(/^--set sampleIntervalS=0: /);
    // A value from the file (not a flag) names its path.
    expect(loadProblem(`scenarios:\n  a:\n    sampleIntervalS: 0\n${ARMS}`)).toMatch(/^x\.yml:3:22: scenarios\.a\.sampleIntervalS: Too small/);
  });

  it('a sweep expands per count, and refuses --desktops', () => {
    const sweep = file(`scenarios:\n  s:\n    desktopCounts: [10, 20]\n    arms: [{ name: c, method: composer }, { name: i, method: instant-clone }]\n`);
    expect(resolveScenario(sweep, 's').arms).toEqual([
      { name: 'c-10', method: 'composer', desktops: 10 }, { name: 'i-10', method: 'instant-clone', desktops: 10 },
      { name: 'c-20', method: 'composer', desktops: 20 }, { name: 'i-20', method: 'instant-clone', desktops: 20 },
    ]);
    expect(problem(() => resolveScenario(sweep, 's', { desktops: 5 }))).toBe('--desktops: scenario "s" sweeps desktopCounts [10, 20]; change the counts in the scenario file instead');
  });

  it('an unknown scenario names the file, a guess, the known ones and a hint', () => {
    const error = (() => {
      try {
        resolveScenario(file(`scenarios:\n  alpha:\n${ARMS}  beta:\n${ARMS}`), 'alpah');
      } catch (caught) {
        return caught as InputError;
      }
      throw new Error('expected an InputError');
    })();
    expect(error.message).toBe('unknown scenario "alpah" in x.yml (did you mean "alpha"?); known: alpha, beta');
    expect(error.hint).toBe('run `bench list` to see them');
    expect(problem(() => resolveScenario(BASE, 'zzzzzzzz'))).toBe('unknown scenario "zzzzzzzz" in x.yml; known: a');
  });
});
