/**
 * Day-2 steps in the scenario file: `steps:` and `users:` at each level, the generic
 * names each method does its own way, and what a wrong step says (file:line:column).
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, resolveScenario } from '../../src/scenarios/load.js';
import { benchAsync, tempDir } from '../helpers/cli.js';
import { inputProblem } from '../helpers/refusal.js';

const file = (text: string) => parseScenarioText(text, 'x.yml');
const refusal = (text: string): string => inputProblem(() => file(text));

const TWO_ARMS = `
    arms:
      - name: c
        method: composer
      - name: i
        method: instant-clone`;

describe('steps and users', () => {
  it('maps patch and refresh to each method\'s own operation, users from the most specific level', () => {
    const loaded = file(`
defaults:
  users: { loggedInPct: 50, logoffWindowS: 600 }
scenarios:
  s:
    steps: [deploy, patch, refresh]
    users: { policy: wait-for-logoff }${TWO_ARMS}
        users: { loggedInPct: 10 }
`);
    const scenario = resolveScenario(loaded, 's');
    expect(scenario.arms.map((arm) => arm.operations?.map((operation) => operation.name))).toEqual([
      ['recompose', 'refresh'],
      ['push-image', 'logoff-recreate'],
    ]);
    expect(scenario.arms[0]!.operations![0]!.users).toEqual({ policy: 'wait-for-logoff', loggedInPct: 50, logoffWarningS: 300, logoffWindowS: 600 });
    expect(scenario.arms[1]!.operations![0]!.users).toEqual({ policy: 'wait-for-logoff', loggedInPct: 10, logoffWarningS: 300, logoffWindowS: 600 });
  });

  it('an arm without day-2 steps deploys only (no operations in run.json)', () => {
    const scenario = resolveScenario(file(`scenarios:\n  s:\n    steps: [deploy]${TWO_ARMS}\n`), 's');
    expect(scenario.arms.every((arm) => arm.operations === undefined)).toBe(true);
  });

  it('--set users.<key> reaches every operation; a bad value names the flag', () => {
    const loaded = file(`scenarios:\n  s:\n    steps: [deploy, patch]${TWO_ARMS}\n`);
    const scenario = resolveScenario(loaded, 's', { set: ['users.loggedInPct=0', 'users.policy=wait-for-logoff'] });
    for (const arm of scenario.arms) expect(arm.operations![0]!.users).toMatchObject({ loggedInPct: 0, policy: 'wait-for-logoff' });
    expect(() => resolveScenario(loaded, 's', { set: ['users.loggedInPct=150'] })).toThrow(/^--set users\.loggedInPct=150: Too big/);
    expect(() => resolveScenario(loaded, 's', { set: ['users.logoffWindow=5'] })).toThrow('unknown users parameter "logoffWindow" (did you mean "logoffWindowS"?)');
    // A users policy on a scenario that has no day-2 step would change nothing: refused, not listed as a change.
    const deployOnly = file(`scenarios:\n  s:${TWO_ARMS}\n`);
    expect(() => resolveScenario(deployOnly, 's', { set: ['users.loggedInPct=0'] })).toThrow('--set users.loggedInPct=0: scenario "s" has no day-2 step for a users policy to apply to');
  });

  it('refuses a step list that does not start with deploy, with the line of the step', () => {
    expect(refusal(`scenarios:\n  s:\n    steps: [patch]${TWO_ARMS}\n`)).toBe('x.yml:3:13: arm "c": the first step must be deploy (an arm deploys its pool before any day-2 operation); got "patch"');
    expect(refusal(`scenarios:\n  s:\n    steps: [deploy, patch, deploy]${TWO_ARMS}\n`)).toBe('x.yml:3:28: arm "c": deploy can only be the first step');
  });

  it('refuses an operation of the other method, pointing at the arm\'s own step', () => {
    const message = refusal(`scenarios:\n  s:${TWO_ARMS}\n        steps:\n          - deploy\n          - recompose\n`);
    expect(message).toBe('x.yml:10:13: arm "i": recompose is a composer operation; this arm\'s method is instant-clone (its patch is push-image, its refresh logoff-recreate; "patch" and "refresh" mean each method\'s own)');
  });

  it('names unknown keys under users with a suggestion, and unknown steps', () => {
    expect(refusal(`scenarios:\n  s:\n    users: { loggedIn: 5 }${TWO_ARMS}\n`)).toMatch(/^x\.yml:3:14: unknown key "loggedIn" in scenarios\.s\.users; expected one of: policy, loggedInPct, logoffWarningS, logoffWindowS$/);
    expect(refusal(`scenarios:\n  s:${TWO_ARMS}\n        users: { polcy: force-logoff }\n`)).toMatch(/unknown key "polcy" in scenarios\.s\.arms\.1\.users \(did you mean "policy"\?\)/);
    expect(refusal(`scenarios:\n  s:\n    steps: [deploy, rebalnce]${TWO_ARMS}\n`)).toMatch(/^x\.yml:3:21: scenarios\.s\.steps\.1: /);
    // Rebalance is View Composer's only.
    expect(refusal(`scenarios:\n  s:\n    steps: [deploy, rebalance]${TWO_ARMS}\n`)).toMatch(/^x\.yml:3:21: arm "i": rebalance is a composer operation; this arm's method is instant-clone/);
  });
});

describe('bench run patch-composer-vs-instant', () => {
  it('works out of the box and prints each arm\'s operation', async () => {
    const { status, stdout } = await benchAsync(['run', 'patch-composer-vs-instant', '--desktops', '20', '--out', tempDir()]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/then\s+recompose\s+push image/);
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/Day 2: instant \(push image\) took .* for 20 desktops; they were unavailable within .*, none for more than .*, \d+ desktop-minutes lost in all\. composer \(recompose\) took/);
  });
});

describe('bench list', () => {
  it('shows what each arm does after deploying', async () => {
    const listed = await benchAsync(['list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('arms: composer×100 then recompose, instant×100 then push-image');
    expect(listed.stdout).toContain('arms: composer×100, instant×100\n');
    const json = JSON.parse((await benchAsync(['list', '--json'])).stdout) as { name: string; arms: { then?: string[] }[] }[];
    expect(json.find((scenario) => scenario.name === 'refresh-composer-vs-instant')!.arms.map((arm) => arm.then)).toEqual([['refresh'], ['logoff-recreate']]);
  });
});
