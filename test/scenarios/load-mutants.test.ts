/**
 * scenarios/load.ts: the behaviours the mutation run of 2026-11-26 found untested
 * (docs/TESTING.md, "`src/scenarios/load.ts`"). Each test states what a user sees: which
 * file is refused and how, which value is accepted, what an error message says and where it
 * points. Subjects are computed inside each `it` (Stryker's per-test coverage needs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { defaultCluster, defaultImage } from '../../src/drivers/sim/parameters.js';
import { defaultHorizon } from '../../src/scenarios/horizon.js';
import { loadScenarioFile, parseScenarioText, resolveScenario, type ScenarioOverrides } from '../../src/scenarios/load.js';
import { tempDir } from '../helpers/cli.js';
import { inputProblem } from '../helpers/refusal.js';

const ARMS = '    arms: [{ name: composer, method: composer }]\n';
const MIB = 1024 * 1024;
const file = (text: string) => parseScenarioText(text, 'x.yml');
const problem = inputProblem;
async function refusal(target: string): Promise<string> {
  const error = await loadScenarioFile(target).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).hint).toBe('point --file at a scenarios.yml');
  return (error as Error).message;
}
const resolveProblem = (text: string, overrides: ScenarioOverrides = {}) => problem(() => resolveScenario(file(text), 'a', overrides));

describe('scenario files that are not regular files, or cannot be read', () => {
  it('a device is refused without being read', async () => {
    expect(await refusal('/dev/null')).toBe('/dev/null: is not a regular file (a device); expected a scenarios.yml');
  });

  it('a named pipe is refused without being opened (which would block)', async () => {
    const fifo = path.join(tempDir(), 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toBe(`${fifo}: is not a regular file (a named pipe); expected a scenarios.yml`);
  });

  it('a socket is refused', async () => {
    const socketPath = path.join(tempDir(), 'socket.yml');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await refusal(socketPath)).toBe(`${socketPath}: is not a regular file (a socket); expected a scenarios.yml`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('another error than a missing file names its code', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'plain.yml'), `scenarios:\n  a:\n${ARMS}`);
    // A path through a file: stat fails with ENOTDIR, which is not "no such file".
    const through = path.join(dir, 'plain.yml', 'x.yml');
    expect(await refusal(through)).toBe(`${through}: cannot read (ENOTDIR)`);
  });

  it('a file of exactly 1 MiB is accepted and read to its last byte', async () => {
    const head = 'scenarios:\n  a:\n#';
    // No newline at the end: losing the last byte ("]") would break the YAML.
    const tail = '\n    arms: [{ name: composer, method: composer }]';
    const text = head + 'x'.repeat(MIB - head.length - tail.length) + tail;
    expect(Buffer.byteLength(text)).toBe(MIB);
    const target = path.join(tempDir(), 'exactly.yml');
    writeFileSync(target, text);
    const loaded = await loadScenarioFile(target);
    expect(resolveScenario(loaded, 'a').arms).toEqual([{ name: 'composer', method: 'composer', desktops: 100 }]);
  });

  it.skipIf(!existsSync('/proc/self/fd'))('loading a file leaves no file descriptor open', async () => {
    const target = path.join(tempDir(), 'ok.yml');
    writeFileSync(target, `scenarios:\n  a:\n${ARMS}`);
    await loadScenarioFile(target);
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 10; i++) await loadScenarioFile(target);
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('YAML the loader refuses or accepts', () => {
  it('a comment glued to a value is invalid YAML (strict parsing), pointed at', () => {
    expect(problem(() => file(`scenarios:\n  a:\n    description: "x"#c\n${ARMS}`)))
      .toBe('x.yml:3:21: invalid YAML: Comments must be separated from other tokens by white space characters');
  });

  it('aliases: 49 uses of one anchor are accepted, 50 are refused as an alias bomb', () => {
    const withAliases = (count: number) => 'defaults:\n  description: &d shared\nscenarios:\n'
      + Array.from({ length: count }, (_, index) => `  s${index}:\n    description: *d\n${ARMS}`).join('');
    const loaded = file(withAliases(49));
    expect(resolveScenario(loaded, 's48').description).toBe('shared');
    expect(problem(() => file(withAliases(50)))).toBe('x.yml:1:1: invalid YAML: Excessive alias count indicates a resource exhaustion attack');
  });

  it('a non-mapping top level is pointed at where it starts', () => {
    expect(problem(() => file('# settings\n- 1\n'))).toBe('x.yml:2:1: expected a mapping with a "scenarios:" key at the top level');
  });

  it('a section given as an alias: the error points at the alias', () => {
    const message = problem(() => file(`defaults:\n  influx: &m { url: x }\nscenarios:\n  a:\n    cluster: *m\n${ARMS}`));
    expect(message).toMatch(/^x\.yml:5:14: unknown key "url" in scenarios\.a\.cluster; expected one of: hosts, coresPerHost, /);
  });

  it('an empty key is an unknown key named ""', () => {
    const message = problem(() => file(`scenarios:\n  a:\n    cluster:\n      : 1\n      hostz: 2\n${ARMS}`));
    expect(message).toMatch(/^x\.yml:4:7: unknown key "" in scenarios\.a\.cluster; expected one of: hosts, coresPerHost, /);
  });
});

describe('unknown keys: what each place accepts', () => {
  it('an expected-value band accepts min and max', () => {
    expect(problem(() => file(`scenarios:\n  a:\n    gate: { expect: { composer: { deployTimeS: { mx: 1 } } } }\n${ARMS}`)))
      .toBe('x.yml:3:50: unknown key "mx" in scenarios.a.gate.expect.composer.deployTimeS (did you mean "max"?); expected one of: min, max');
  });

  it.each(['influx', 'faults', 'vsphere', 'report'])('a scenario named "%s" is not taken for that section', (name) => {
    const message = problem(() => file(`scenarios:\n  ${name}:\n    cluster: { hostz: 1 }\n${ARMS}`));
    expect(message).toMatch(new RegExp(`^x\\.yml:3:16: unknown key "hostz" in scenarios\\.${name}\\.cluster \\(did you mean "hosts"\\?\\); expected one of: hosts, coresPerHost, `));
  });

  it('a key merely containing a secret\'s name is an unknown key, not a secret', () => {
    expect(problem(() => file(`scenarios:\n  a:\n    influx: { xpassword: 1 }\n${ARMS}`)))
      .toBe('x.yml:3:15: unknown key "xpassword" in scenarios.a.influx; expected one of: url, db, retentionPolicy, user, org, bucket');
  });

  // A fault entry offers its own keys (host/atS, factor/fromS/toS), with a guess.
  it.each([
    [`scenarios:\n  a:\n    faults: { hostDown: [{ hots: 1, atS: 0 }] }\n${ARMS}`, 'x.yml:3:28: unknown key "hots" in scenarios.a.faults.hostDown.0', ['host', 'atS']],
    [`defaults:\n  faults: { hostDown: [{ hots: 1, atS: 0 }] }\nscenarios:\n  a:\n${ARMS}`, 'x.yml:2:26: unknown key "hots" in defaults.faults.hostDown.0', ['host', 'atS']],
    [`scenarios:\n  a:\n    faults: { storageSlowdown: [{ factr: 2, fromS: 0, toS: 1 }] }\n${ARMS}`, 'x.yml:3:35: unknown key "factr" in scenarios.a.faults.storageSlowdown.0', ['factor', 'fromS', 'toS']],
    [`defaults:\n  faults: { storageSlowdown: [{ factr: 2, fromS: 0, toS: 1 }] }\nscenarios:\n  a:\n${ARMS}`, 'x.yml:2:33: unknown key "factr" in defaults.faults.storageSlowdown.0', ['factor', 'fromS', 'toS']],
  ])('a fault entry: %#', (text, start, accepted) => {
    const message = problem(() => file(text));
    expect(message.startsWith(start)).toBe(true);
    const offered = (message.split('; expected one of: ')[1] ?? '').split(', ').filter(Boolean);
    const guess = /\(did you mean "([^"]+)"\?\)/.exec(message)?.[1];
    expect(offered).toEqual(accepted);
    expect(guess).toBe(accepted[0]);
  });
});

describe('checks after the schema', () => {
  it('a sweep refuses desktops on any arm, not only when every arm sets them', () => {
    expect(problem(() => file(`scenarios:\n  a:\n    desktopCounts: [1, 2]\n    arms: [{ name: c, method: composer }, { name: i, method: instant-clone, desktops: 3 }]\n`)))
      .toBe('x.yml:3:20: scenario "a" sets desktopCounts, so its arms must not set desktops');
  });

  it('expected-value bands with known metrics and arms are kept as written', () => {
    const scenario = resolveScenario(file(`scenarios:\n  a:\n    gate: { expect: { composer: { deployTimeS: { max: 100 }, peakIops: { min: 1, max: 9 } } } }\n${ARMS}`), 'a');
    expect(scenario.gate).toEqual({ maxRegression: {}, expect: { composer: { deployTimeS: { max: 100 }, peakIops: { min: 1, max: 9 } } } });
  });

  it('a fault on a host the cluster lacks names the scenario', () => {
    expect(resolveProblem(`scenarios:\n  a:\n    faults: { hostDown: [{ host: 5, atS: 0 }] }\n${ARMS}`))
      .toBe('faults.hostDown in scenario "a": host 5, but the cluster has 4 hosts');
  });

  it('faults with a driver other than sim name the scenario', () => {
    expect(resolveProblem(`scenarios:\n  a:\n    driver: vsphere\n    vsphere: { url: https://vc, user: u, goldenImage: g }\n    faults: { cloneFailureRate: 0.1 }\n${ARMS}`))
      .toBe('faults in scenario "a": only the sim driver injects faults, not vsphere');
  });
});

describe('resolving: profiles, driver, influx', () => {
  it('a profile fills the cluster and image parameters it measured; the rest keep their defaults', () => {
    const scenario = resolveScenario(file(`scenarios:\n  a:\n    profile: nutanix-view6-2014\n${ARMS}`), 'a');
    expect(scenario.cluster).toEqual({ ...defaultCluster(), hosts: 8, coresPerHost: 20, coreMhz: 2800, vcenterOpsPerS: 10, hostCopyMBps: 700, copyIoKB: 128 });
    expect(scenario.image).toEqual({ ...defaultImage(), bootS: 140 });
    expect(scenario.horizon).toEqual(defaultHorizon());
    expect(scenario.faults).toEqual({});
    expect(scenario.vsphere).toEqual({});
  });

  it('the default profile changes nothing; the file and --set beat a profile', () => {
    const plain = resolveScenario(file(`scenarios:\n  a:\n${ARMS}`), 'a');
    expect(plain.cluster).toEqual(defaultCluster());
    expect(plain.image).toEqual(defaultImage());
    const loaded = file(`scenarios:\n  a:\n    profile: nutanix-view6-2014\n    cluster: { hosts: 6 }\n${ARMS}`);
    const scenario = resolveScenario(loaded, 'a', { set: ['image.bootS=100'] });
    expect(scenario.cluster).toMatchObject({ hosts: 6, coresPerHost: 20 });
    expect(scenario.image.bootS).toBe(100);
  });

  it('--profile with a near miss suggests the profile', () => {
    expect(resolveProblem(`scenarios:\n  a:\n${ARMS}`, { profile: 'reference-2061' }))
      .toBe('--profile: unknown profile "reference-2061" (did you mean "reference-2016"?); known: reference-2016, nutanix-view6-2014');
  });

  it('the scenario\'s driver beats the file\'s default driver', () => {
    const vsphere = '    vsphere: { url: https://vc, user: u, goldenImage: g }\n';
    expect(resolveScenario(file(`scenarios:\n  a:\n    driver: vsphere\n${vsphere}${ARMS}`), 'a').driver).toBe('vsphere');
    expect(resolveScenario(file(`defaults:\n  driver: vsphere\nscenarios:\n  a:\n    driver: sim\n${ARMS}`), 'a').driver).toBe('sim');
  });

  it('influx settings: the scenario\'s keys over the file\'s defaults', () => {
    const loaded = file(`defaults:\n  influx: { url: "http://influx:8086", db: bench }\nscenarios:\n  a:\n    influx: { db: mine }\n${ARMS}  b:\n${ARMS}`);
    expect(resolveScenario(loaded, 'a').influx).toEqual({ url: 'http://influx:8086', db: 'mine' });
    expect(resolveScenario(loaded, 'b').influx).toEqual({ url: 'http://influx:8086', db: 'bench' });
  });
});

describe('--set values and errors', () => {
  it('a boolean must be exactly true or false', () => {
    const base = `scenarios:\n  a:\n${ARMS}`;
    expect(resolveProblem(base, { set: ['keep=truex'] })).toBe('--set keep=truex: expected boolean, received string');
    expect(resolveProblem(base, { set: ['keep=xfalse'] })).toBe('--set keep=xfalse: expected boolean, received string');
  });

  it('numbers with several fraction or exponent digits', () => {
    const scenario = resolveScenario(file(`scenarios:\n  a:\n${ARMS}`), 'a', { set: ['timeScale=.25', 'seed=2e09', 'retryBackoffS=125e-02'] });
    expect(scenario.timeScale).toBe(0.25);
    expect(scenario.seed).toBe(2_000_000_000);
    expect(scenario.retryBackoffS).toBe(1.25);
  });

  it('a bad flag is blamed on the flag even when --set changed something else', () => {
    expect(resolveProblem(`scenarios:\n  a:\n${ARMS}`, { seed: -1, set: ['cluster.hosts=8'] })).toBe('--seed: Too small: expected number to be >=0');
  });

  it('a sweep arm whose name grows past 40 characters is refused at its line, as the file loads', () => {
    const name = 'a'.repeat(37);
    expect(problem(() => file(`scenarios:\n  a:\n    desktopCounts: [10, 100]\n    arms: [{ name: ${name}, method: composer }]\n`)))
      .toBe(`x.yml:4:20: arm "${name}" of a sweep becomes "${name}-100" (41 characters); arm names with their desktop count are at most 40 characters`);
    // 40 exactly is fine.
    expect(() => file(`scenarios:\n  a:\n    desktopCounts: [10, 10]\n    arms: [{ name: ${name}, method: composer }]\n`)).not.toThrow();
  });

  it('a --set error names the assignment in effect: the last of that key, spaces and all', () => {
    expect(resolveProblem(`scenarios:\n  a:\n${ARMS}`, { set: ['seed=5', 'seed=-1'] })).toBe('--set seed=-1: Too small: expected number to be >=0');
    expect(resolveProblem(`scenarios:\n  a:\n${ARMS}`, { set: [' seed = -1'] })).toBe('--set  seed = -1: Too small: expected number to be >=0');
  });
});

describe('day-2 steps and users (load.ts\'s part: positions, precedence, --set users.*)', () => {
  const TWO_ARMS = '    arms:\n      - name: c\n        method: composer\n      - name: i\n        method: instant-clone\n';

  it('scenario-level steps are checked for every arm and pointed at', () => {
    expect(problem(() => file(`scenarios:\n  s:\n    steps: [patch]\n${TWO_ARMS}`)))
      .toBe('x.yml:3:13: arm "c": the first step must be deploy (an arm deploys its pool before any day-2 operation); got "patch"');
    expect(problem(() => file(`scenarios:\n  s:\n    steps: [deploy, patch, deploy]\n${TWO_ARMS}`))).toBe('x.yml:3:28: arm "c": deploy can only be the first step');
  });

  it('an arm\'s own steps are checked even when the scenario sets none, and pointed at', () => {
    expect(problem(() => file(`scenarios:\n  s:\n${TWO_ARMS}        steps:\n          - deploy\n          - recompose\n`)))
      .toBe('x.yml:10:13: arm "i": recompose is a composer operation; this arm\'s method is instant-clone (its patch is push-image, its refresh logoff-recreate; "patch" and "refresh" mean each method\'s own)');
  });

  it('users: the built-in policy, then the file\'s defaults, the scenario, the arm', () => {
    const loaded = file(`defaults:\n  users: { loggedInPct: 50, logoffWindowS: 100 }\nscenarios:\n  s:\n    steps: [deploy, patch]\n    users: { policy: wait-for-logoff, logoffWindowS: 600 }\n${TWO_ARMS}        users: { loggedInPct: 10 }\n`);
    expect(resolveScenario(loaded, 's').arms.map((arm) => arm.operations)).toEqual([
      [{ name: 'recompose', users: { policy: 'wait-for-logoff', loggedInPct: 50, logoffWarningS: 300, logoffWindowS: 600 } }],
      [{ name: 'push-image', users: { policy: 'wait-for-logoff', loggedInPct: 10, logoffWarningS: 300, logoffWindowS: 600 } }],
    ]);
  });

  it('--set users.<key> with a bad value names the --set, whichever arm has the operations', () => {
    const eleven = Array.from({ length: 10 }, (_, index) => `      - { name: a${index}, method: composer }\n`).join('');
    const loaded = file(`scenarios:\n  s:\n    arms:\n${eleven}      - { name: last, method: composer, steps: [deploy, patch] }\n`);
    expect(resolveScenario(loaded, 's', { set: ['users.loggedInPct=20'] }).arms[10]!.operations![0]!.users.loggedInPct).toBe(20);
    expect(problem(() => resolveScenario(loaded, 's', { set: ['users.loggedInPct=150'] }))).toBe('--set users.loggedInPct=150: Too big: expected number to be <=100');
  });

  it('an unknown key in an arm\'s users lists the users keys', () => {
    expect(problem(() => file(`scenarios:\n  s:\n${TWO_ARMS}        users: { polcy: force-logoff }\n`)))
      .toBe('x.yml:8:18: unknown key "polcy" in scenarios.s.arms.1.users (did you mean "policy"?); expected one of: policy, loggedInPct, logoffWarningS, logoffWindowS');
  });
});
