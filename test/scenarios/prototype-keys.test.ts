/**
 * Property names that live on Object.prototype (`__proto__`, `constructor`, `toString`…) are
 * plain keys: unknown where unknown, ordinary names where names are free. Never a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, resolveScenario } from '../../src/scenarios/load.js';
import { inputProblem } from '../helpers/refusal.js';

const ARMS = '    arms:\n      - { name: composer, method: composer, desktops: 2 }\n';
const file = (text: string) => parseScenarioText(text, 'x.yml');
const problem = inputProblem;
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('prototype property names in scenario files', () => {
  for (const key of PROTOTYPE_NAMES) {
    it(`"${key}" at the top level is an unknown key`, () => {
      expect(problem(() => file(`${key}: 1\nscenarios:\n  a:\n${ARMS}`))).toMatch(new RegExp(`^x\\.yml:1:1: unknown key "${key.replace(/_/g, '_')}" at the top level`));
    });
    it(`"${key}" in a section (cluster) is an unknown key`, () => {
      expect(problem(() => file(`scenarios:\n  a:\n    cluster:\n      ${key}: 1\n${ARMS}`))).toMatch(new RegExp(`^x\\.yml:4:7: unknown key "${key}" in scenarios\\.a\\.cluster`));
    });
    it(`"${key}" in defaults.horizon and in an arm is an unknown key`, () => {
      expect(problem(() => file(`defaults:\n  horizon:\n    ${key}: 1\nscenarios:\n  a:\n${ARMS}`))).toMatch(`unknown key "${key}" in defaults.horizon`);
      expect(problem(() => file(`scenarios:\n  a:\n    arms:\n      - { name: composer, method: composer, ${key}: 2 }\n`))).toMatch(`unknown key "${key}" in scenarios.a.arms.0`);
    });
    it(`a scenario named "${key}" that the file does not define is unknown`, () => {
      const loaded = file(`scenarios:\n  a:\n${ARMS}`);
      expect(problem(() => resolveScenario(loaded, key))).toMatch(`unknown scenario "${key}" in x.yml`);
    });
    it(`--set ${key}.x=1 and --set ${key}=1 are unknown settings; --set cluster.${key}=1 an unknown parameter`, () => {
      const loaded = file(`scenarios:\n  a:\n${ARMS}`);
      expect(problem(() => resolveScenario(loaded, 'a', { set: [`${key}.x=1`] }))).toMatch(`--set ${key}.x=1: unknown setting "${key}"`);
      expect(problem(() => resolveScenario(loaded, 'a', { set: [`${key}=1`] }))).toMatch(`--set ${key}=1: unknown setting "${key}"`);
      expect(problem(() => resolveScenario(loaded, 'a', { set: [`cluster.${key}=1`] }))).toMatch(`--set cluster.${key}=1: unknown cluster parameter "${key}"`);
    });
  }

  it('a scenario the file names "constructor" is an ordinary scenario; "toString" and "__proto__" are refused as names, cleanly', () => {
    const loaded = file(`scenarios:\n  constructor:\n${ARMS}`);
    expect(resolveScenario(loaded, 'constructor').arms).toEqual([{ name: 'composer', method: 'composer', desktops: 2 }]);
    expect(problem(() => file(`scenarios:\n  toString:\n${ARMS}`))).toMatch(/^x\.yml:\d+:\d+: scenarios\.toString: /);
    expect(problem(() => file(`scenarios:\n  __proto__:\n${ARMS}`))).toMatch(/^x\.yml:\d+:\d+: /);
    expect(Object.prototype).not.toHaveProperty('arms');
  });
});
