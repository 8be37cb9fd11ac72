import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { evaluateGate, parseMaxRegression } from '../../src/report/gate.js';
import { renderJunit } from '../../src/report/junit.js';
import type { ArmSummary, RunSummary } from '../../src/contract/summary.js';
import { bench, tempDir } from '../helpers/cli.js';

function arm(name: string, overrides: Partial<ArmSummary> = {}): ArmSummary {
  return {
    name, method: 'composer', desktops: { requested: 10, ready: 10, failed: 0 }, deployTimeS: 300,
    phases: [{ name: 'clone', startS: 10, durationS: 100, performed: true }],
    peakIops: 16000, avgIops: 8000, totalIos: 1e6, peakCpuPct: 70, avgCpuPct: 40, retries: 0,
    desktopReadyS: { p50: 200, p95: 290, max: 300 }, ...overrides,
  };
}
const summary = (...arms: ArmSummary[]): RunSummary => ({ runId: 'r', scenario: 's', driver: 'sim', status: 'completed', runDir: '.', arms });
const spec = (text: string) => ({ maxRegression: parseMaxRegression(text), bands: new Map() });

describe('the regression gate', () => {
  it('parses deployTimeS=10%,peakIops=15% into fractions', () => {
    expect([...parseMaxRegression('deployTimeS=10%, peakIops=15')]).toEqual([['deployTimeS', 0.1], ['peakIops', 0.15]]);
  });

  it.each(['deployTime=10%', 'peakIOPS=5%', 'phase.digst=5%'])('refuses an unknown metric (%s) as bad input', (text) => {
    expect(() => parseMaxRegression(text)).toThrow(InputError);
    expect(() => parseMaxRegression(text)).toThrow(/unknown metric/);
  });

  it('refuses a malformed limit', () => {
    expect(() => parseMaxRegression('deployTimeS')).toThrow(/not metric=percent/);
    expect(() => parseMaxRegression('')).toThrow(/at least one metric/);
  });

  it('a run compared against itself passes', () => {
    const run = summary(arm('composer'), arm('instant', { method: 'instant-clone', deployTimeS: 840.123456 }));
    const result = evaluateGate(run, spec('deployTimeS=0%,peakIops=0%,phase.clone=0%,desktopsReady=0%'), run);
    expect(result.passed).toBe(true);
    expect(result.checks).toHaveLength(8);
  });

  it('fails exactly the metric that got worse beyond its margin', () => {
    const baseline = summary(arm('composer'));
    const current = summary(arm('composer', { deployTimeS: 340, peakIops: 17000 }));
    const result = evaluateGate(current, spec('deployTimeS=10%,peakIops=15%'), baseline);
    expect(result.passed).toBe(false);
    expect(result.checks.map((check) => [check.metric, check.passed])).toEqual([['deployTimeS', false], ['peakIops', true]]);
    expect(result.checks[0]!.message).toMatch(/deployTimeS 340 s vs baseline 300 \(\+13\.3%, allowed \+10%\)/);
  });

  it('treats fewer ready desktops as the regression for a higher-is-better metric', () => {
    const baseline = summary(arm('composer'));
    const current = summary(arm('composer', { desktops: { requested: 10, ready: 8, failed: 2 } }));
    expect(evaluateGate(current, spec('desktopsReady=10%'), baseline).passed).toBe(false);
    expect(evaluateGate(current, spec('desktopsReady=25%'), baseline).passed).toBe(true);
  });

  it('checks expected-value bands', () => {
    const bands = new Map([['composer', new Map([['deployTimeS', { max: 330 }], ['peakIops', { min: 14400, max: 17600 }]])]]);
    expect(evaluateGate(summary(arm('composer')), { maxRegression: new Map(), bands }).passed).toBe(true);
    const slow = evaluateGate(summary(arm('composer', { deployTimeS: 400 })), { maxRegression: new Map(), bands });
    expect(slow.checks.map((check) => check.passed)).toEqual([false, true]);
  });

  it('writes well-formed JUnit with one test case per arm and metric, failures marked', () => {
    const baseline = summary(arm('composer'), arm('instant'));
    const current = summary(arm('composer', { deployTimeS: 400 }), arm('instant'));
    const xml = renderJunit(evaluateGate(current, spec('deployTimeS=10%,peakIops=15%'), baseline), { ...current, scenario: 'composer-vs-instant <&>' }, '2026-11-26T00:00:00Z');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suite = parsed.testsuites.testsuite;
    expect(suite['@_name']).toBe('composer-vs-instant <&>');
    expect(suite['@_tests']).toBe('4');
    expect(suite['@_failures']).toBe('1');
    expect(suite.testcase).toHaveLength(4);
    expect(suite.testcase.filter((testCase: Record<string, unknown>) => testCase.failure)).toHaveLength(1);
  });
});

describe('bench run with a gate', () => {
  let baselineDir: string;
  let work: string;

  beforeAll(() => {
    work = tempDir();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', path.join(work, 'runs')]);
    expect(result.status, result.stderr).toBe(0);
    baselineDir = path.resolve(work, JSON.parse(result.stdout).runDir);
  });

  it('a run against its own baseline passes (exit 0) and writes JUnit', () => {
    const junit = path.join(work, 'same.xml');
    const result = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', path.join(work, 'runs'),
      '--baseline', baselineDir, '--max-regression', 'deployTimeS=0%,peakIops=0%', '--junit', junit]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).gate.passed).toBe(true);
    expect(readFileSync(junit, 'utf8')).toMatch(/tests="4" failures="0"/);
  });

  it('a slower cluster is a regression: exit 99, the failure in JUnit and on stderr', () => {
    const junit = path.join(work, 'slow.xml');
    const result = bench(['run', 'composer-vs-instant', '--desktops', '20', '--json', '-q', '--out', path.join(work, 'runs'),
      '--set', 'image.bootS=90', '--baseline', path.join(baselineDir, 'summary.json'), '--max-regression', 'deployTimeS=10%,peakIops=15%', '--junit', junit]);
    expect(result.status).toBe(99);
    expect(result.stderr).toMatch(/gate: REGRESSION/);
    expect(result.stderr).toMatch(/FAIL composer: deployTimeS/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<failure message="deployTimeS/);
    expect(JSON.parse(result.stdout).gate.passed).toBe(false);
  });

  it.each([
    [['--max-regression', 'deployTime=10%'], /unknown metric "deployTime" \(did you mean "deployTimeS"\?\)/],
    [['--max-regression', 'deployTimeS=10%'], /--max-regression needs --baseline/],
    [['--baseline', '/nonexistent', '--max-regression', 'deployTimeS=10%'], /--baseline \/nonexistent: no such file or folder/],
    [['--baseline', '/nonexistent'], /--baseline needs --max-regression/],
    [['--junit', 'x.xml'], /--junit needs a gate/],
  ])('a bad gate %j is bad input: exit 2 before anything runs', (flags, message) => {
    const out = path.join(tempDir(), 'runs');
    const result = bench(['run', 'composer-vs-instant', '--desktops', '5', '--out', out, ...flags]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('expected-value bands in the scenario file gate the run, and a band on an unknown metric is refused with file:line', () => {
    const dir = tempDir();
    const file = path.join(dir, 'gated.yml');
    writeFileSync(file, [
      'scenarios:',
      '  gated:',
      '    desktops: 10',
      '    arms: [{ name: composer, method: composer }]',
      '    gate:',
      '      expect:',
      '        composer:',
      '          deployTimeS: { max: 10 }',
      '          peakIops: { min: 1 }',
      '',
    ].join('\n'));
    const failing = bench(['run', 'gated', '--file', file, '-q', '--out', path.join(dir, 'runs')]);
    expect(failing.status).toBe(99);
    expect(failing.stdout).toMatch(/FAIL composer: deployTimeS .* expected <= 10/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('peakIops: { min: 1 }', 'peakIOPS: { min: 1 }'));
    const bad = bench(['validate', file], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^bench: gated\.yml:9:11: gate: unknown metric "peakIOPS" \(did you mean "peakIops"\?\)/);
  });

  it('bench gate checks a stored run; bench compare prints a table and writes HTML', () => {
    const passed = bench(['gate', baselineDir, '--baseline', baselineDir, '--max-regression', 'deployTimeS=0%']);
    expect(passed.status, passed.stderr).toBe(0);
    const html = path.join(work, 'compare.html');
    const compared = bench(['compare', baselineDir, baselineDir, '--html', html]);
    expect(compared.status, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/^composer\s+Deploy time\s+.+\(\+0\.0%\)$/m);
    expect(readFileSync(html, 'utf8')).toMatch(/<table id="comparison">/);
    expect(bench(['compare', baselineDir]).status).toBe(2);
  });
});
