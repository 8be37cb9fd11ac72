/**
 * The gate's direction for every metric of the catalog, pinned by a table written here (not
 * read from the catalog): a better run passes, a worse one fails, and each message says so.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/contract/errors.js';
import { checkMetricName, METRICS, unknownMetricProblem } from '../../src/contract/metric-catalog.js';
import { PHASE_NAMES } from '../../src/contract/observations.js';
import type { OperationName } from '../../src/contract/operation.js';
import type { ArmSummary, OperationSummary, RunSummary } from '../../src/contract/summary.js';
import { evaluateGate, parseMaxRegression } from '../../src/report/gate.js';

/** Every metric a user can gate on: unit and whether more is worse. */
const EXPECTED: [name: string, unit: string, higherIsWorse: boolean][] = [
  ['deployTimeS', 's', true],
  ['peakIops', 'IOPS', true],
  ['avgIops', 'IOPS', true],
  ['totalIos', 'I/Os', true],
  ['peakCpuPct', '%', true],
  ['avgCpuPct', '%', true],
  ['desktopsReady', 'desktops', false],
  ['desktopsFailed', 'desktops', true],
  ['retries', 'retries', true],
  ['desktopReadyP50S', 's', true],
  ['desktopReadyP95S', 's', true],
  ['desktopReadyMaxS', 's', true],
  ...PHASE_NAMES.map((phase): [string, string, boolean] => [`phase.${phase}`, 's', true]),
  ...['recompose', 'refresh', 'rebalance', 'push-image', 'logoff-recreate'].flatMap((operation): [string, string, boolean][] => [
    [`op.${operation}.durationS`, 's', true],
    [`op.${operation}.windowS`, 's', true],
    [`op.${operation}.unavailableDesktopS`, 'desktop-s', true],
    [`op.${operation}.maxDowntimeS`, 's', true],
    [`op.${operation}.peakIops`, 'IOPS', true],
    [`op.${operation}.peakCpuPct`, '%', true],
    [`op.${operation}.desktopsFailed`, 'desktops', true],
  ]),
];

function baseOperation(name: OperationName): OperationSummary {
  return {
    name, startS: 400, durationS: 900, users: { policy: 'force-logoff', loggedInPct: 100 }, desktops: { total: 100, done: 98, failed: 2 },
    windowS: 600, unavailableDesktopS: 9000, peakUnavailable: 20, downtimeS: { p50: 60, p95: 110, max: 120 }, phases: [],
    peakIops: 5000, avgIops: 2000, totalIos: 2e6, peakCpuPct: 30, avgCpuPct: 15,
  };
}

function baseArm(name = 'composer'): ArmSummary {
  return {
    name, method: 'composer', desktops: { requested: 100, ready: 90, failed: 10 }, deployTimeS: 300,
    phases: PHASE_NAMES.map((phase, index) => ({ name: phase, startS: index * 10, durationS: 100 + index, performed: true })),
    peakIops: 16000, avgIops: 8000, totalIos: 1e6, peakCpuPct: 70, avgCpuPct: 40, retries: 0,
    desktopReadyS: { p50: 200, p95: 290, max: 300 },
    operations: (['recompose', 'refresh', 'rebalance', 'push-image', 'logoff-recreate'] as const).map(baseOperation),
  };
}

/** The arm with one metric set to `value`, written without the catalog's help. */
function withMetric(arm: ArmSummary, metric: string, value: number | null): ArmSummary {
  const copy: ArmSummary = structuredClone(arm);
  switch (metric) {
    case 'deployTimeS': copy.deployTimeS = value; break;
    case 'peakIops': copy.peakIops = value!; break;
    case 'avgIops': copy.avgIops = value!; break;
    case 'totalIos': copy.totalIos = value!; break;
    case 'peakCpuPct': copy.peakCpuPct = value!; break;
    case 'avgCpuPct': copy.avgCpuPct = value!; break;
    case 'desktopsReady': copy.desktops.ready = value!; break;
    case 'desktopsFailed': copy.desktops.failed = value!; break;
    case 'retries': copy.retries = value!; break;
    case 'desktopReadyP50S': copy.desktopReadyS.p50 = value; break;
    case 'desktopReadyP95S': copy.desktopReadyS.p95 = value; break;
    case 'desktopReadyMaxS': copy.desktopReadyS.max = value; break;
    default: {
      const operation = /^op\.([a-z-]+)\.(\w+)$/.exec(metric);
      if (operation) {
        const target = copy.operations!.find((candidate) => candidate.name === operation[1])!;
        switch (operation[2]) {
          case 'durationS': target.durationS = value!; break;
          case 'windowS': target.windowS = value; break;
          case 'unavailableDesktopS': target.unavailableDesktopS = value!; break;
          case 'maxDowntimeS': target.downtimeS.max = value; break;
          case 'peakIops': target.peakIops = value!; break;
          case 'peakCpuPct': target.peakCpuPct = value!; break;
          case 'desktopsFailed': target.desktops.failed = value!; break;
          default: throw new Error(`no such figure: ${metric}`);
        }
        break;
      }
      const phase = copy.phases.find((candidate) => `phase.${candidate.name}` === metric)!;
      if (value === null) phase.performed = false;
      else phase.durationS = value;
    }
  }
  return copy;
}

const summary = (...arms: ArmSummary[]): RunSummary => ({ runId: 'r', scenario: 's', driver: 'sim', status: 'completed', runDir: '.', arms });
const regression = (text: string) => ({ maxRegression: parseMaxRegression(text), bands: new Map() });

describe('the metric catalog', () => {
  it('names exactly the metrics of the table, with their units and directions', () => {
    expect([...METRICS.values()].map((metric) => [metric.name, metric.unit, metric.higherIsWorse])).toEqual(EXPECTED);
  });

  it.each(EXPECTED)('%s reads its own figure off an arm', (name) => {
    const value = 1234.5;
    expect(METRICS.get(name)!.read(withMetric(baseArm(), name, value))).toBe(value);
  });

  it('a phase that was not performed has no value', () => {
    expect(METRICS.get('phase.digest')!.read(withMetric(baseArm(), 'phase.digest', null))).toBeNull();
    expect(METRICS.get('phase.digest')!.read({ ...baseArm(), phases: [] })).toBeNull();
  });

  it('refuses an unknown name with a suggestion and the list of known ones', () => {
    expect(unknownMetricProblem('deployTimeS', 'x')).toBeUndefined();
    expect(unknownMetricProblem('peakIOPS', '--max-regression')).toBe(`--max-regression: unknown metric "peakIOPS" (did you mean "peakIops"?); known: ${EXPECTED.map(([name]) => name).join(', ')}`);
    expect(unknownMetricProblem('zzzzzzzzzzzzzz', 'gate')).toMatch(/^gate: unknown metric "zzzzzzzzzzzzzz"; known: deployTimeS, /);
    expect(() => checkMetricName('nope', 'gate')).toThrow(InputError);
    expect(() => checkMetricName('avgIops', 'gate')).not.toThrow();
  });
});

describe('gate direction, for every metric', () => {
  it.each(EXPECTED)('%s: a better run passes, a worse one fails, within the margin passes (%s, higher is worse: %s)', (name, unit, higherIsWorse) => {
    const base = 100;
    const baseline = summary(withMetric(baseArm(), name, base));
    const run = (value: number) => evaluateGate(summary(withMetric(baseArm(), name, value)), regression(`${name}=10%`), baseline);
    const [better, worse, slightlyWorse] = higherIsWorse ? [50, 120, 109] : [150, 80, 91];
    expect(run(better).passed).toBe(true);
    expect(run(slightlyWorse).passed).toBe(true);
    const failed = run(worse);
    expect(failed.passed).toBe(false);
    expect(failed.checks).toHaveLength(1);
    expect(failed.checks[0]).toMatchObject({ arm: 'composer', metric: name, kind: 'regression', value: worse, baseline: base, passed: false });
    const sign = higherIsWorse ? '+' : '-';
    expect(failed.checks[0]!.limit).toBe(`${higherIsWorse ? 'at most 110' : 'at least 90'} (baseline 100 ${sign}10%)`);
    expect(failed.checks[0]!.message).toBe(`${name} ${worse} ${unit} vs baseline 100 (${higherIsWorse ? '+20.0' : '-20.0'}%, allowed ${sign}10%)`);
  });

  it.each(EXPECTED)('%s: exactly at the margin passes, just past it fails', (name, _unit, higherIsWorse) => {
    const baseline = summary(withMetric(baseArm(), name, 1000));
    const run = (value: number) => evaluateGate(summary(withMetric(baseArm(), name, value)), regression(`${name}=10%`), baseline).passed;
    expect(run(higherIsWorse ? 1100 : 900)).toBe(true);
    expect(run(higherIsWorse ? 1100.001 : 899.999)).toBe(false);
  });

  it('a run compared with itself passes even for values that do not add up exactly in floating point', () => {
    const arm = withMetric(withMetric(baseArm(), 'deployTimeS', 0.1 + 0.2), 'peakIops', 1e15 + 0.3);
    expect(evaluateGate(summary(arm), regression('deployTimeS=0%,peakIops=0%,desktopsReady=0%'), summary(arm)).passed).toBe(true);
    const barelyWorse = withMetric(arm, 'deployTimeS', 0.30001);
    expect(evaluateGate(summary(barelyWorse), regression('deployTimeS=0%'), summary(arm)).passed).toBe(false);
  });

  it('a metric measured in neither run passes; in only one it fails, saying it cannot compare', () => {
    const none = withMetric(baseArm(), 'deployTimeS', null);
    const both = evaluateGate(summary(none), regression('deployTimeS=10%'), summary(none));
    expect(both.checks[0]).toMatchObject({ passed: true, message: 'deployTimeS not measured in either run', limit: 'within 10% of baseline', value: null, baseline: null });
    const one = evaluateGate(summary(none), regression('deployTimeS=10%'), summary(baseArm()));
    expect(one.checks[0]).toMatchObject({ passed: false, message: 'deployTimeS is n/a, baseline 300: cannot compare' });
    const other = evaluateGate(summary(baseArm()), regression('deployTimeS=10%'), summary(none));
    expect(other.checks[0]).toMatchObject({ passed: false, message: 'deployTimeS is 300, baseline n/a: cannot compare' });
  });

  it('a zero baseline: no change in percent, and a rise fails', () => {
    const zero = withMetric(baseArm(), 'desktopsFailed', 0);
    const result = evaluateGate(summary(withMetric(baseArm(), 'desktopsFailed', 1)), regression('desktopsFailed=50%'), summary(zero));
    expect(result.checks[0]).toMatchObject({ passed: false, message: 'desktopsFailed 1 desktops vs baseline 0 (+0.0%, allowed +50%)', limit: 'at most 0 (baseline 0 +50%)' });
  });

  it('rounds figures in messages to 3 decimals, and the margin to 3 decimals of a percent', () => {
    const result = evaluateGate(summary(withMetric(baseArm(), 'deployTimeS', 123.456789)), regression('deployTimeS=12.3456%'), summary(withMetric(baseArm(), 'deployTimeS', 100)));
    expect(result.checks[0]!.message).toBe('deployTimeS 123.457 s vs baseline 100 (+23.5%, allowed +12.346%)');
    expect(result.checks[0]!.limit).toBe('at most 112.346 (baseline 100 +12.346%)');
  });

  it('checks every arm against the baseline arm of the same name, and refuses a baseline without it', () => {
    const baseline = summary(baseArm('composer'), baseArm('instant'));
    const current = summary(baseArm('instant'), withMetric(baseArm('composer'), 'deployTimeS', 1000));
    const result = evaluateGate(current, regression('deployTimeS=10%'), baseline);
    expect(result.checks.map((check) => [check.arm, check.passed])).toEqual([['instant', true], ['composer', false]]);
    expect(() => evaluateGate(summary(baseArm('other')), regression('deployTimeS=10%'), baseline))
      .toThrow(new InputError('--baseline: the baseline run has no arm "other" (it has: composer, instant)'));
  });

  it('without a baseline or limits there are no regression checks, and no checks pass', () => {
    expect(evaluateGate(summary(baseArm()), regression('deployTimeS=10%'))).toMatchObject({ checks: [], passed: true });
    expect(evaluateGate(summary(baseArm()), { maxRegression: new Map(), bands: new Map() }, summary(withMetric(baseArm(), 'deployTimeS', 1)))).toMatchObject({ checks: [], passed: true });
  });
});

describe('two-sided limits (maxChange) and the verdict', () => {
  const change = (text: string) => ({ maxRegression: new Map<string, number>(), maxChange: parseMaxRegression(text), bands: new Map() });

  it.each(EXPECTED)('%s: a move past the margin fails whichever way it goes', (name) => {
    const baseline = summary(withMetric(baseArm(), name, 100));
    const run = (value: number) => evaluateGate(summary(withMetric(baseArm(), name, value)), change(`${name}=10%`), baseline);
    expect(run(110).passed).toBe(true);
    expect(run(90).passed).toBe(true);
    expect(run(111).passed).toBe(false);
    expect(run(89).passed).toBe(false);
    expect(run(89).checks[0]).toMatchObject({ kind: 'change', limit: 'within ±10% of baseline 100', message: `${name} 89 ${METRICS.get(name)!.unit} vs baseline 100 (-11.0%, allowed ±10%)` });
  });

  it('a metric measured in only one run cannot be compared', () => {
    const none = withMetric(baseArm(), 'deployTimeS', null);
    expect(evaluateGate(summary(none), change('deployTimeS=10%'), summary(none)).checks[0]).toMatchObject({ passed: true, message: 'deployTimeS not measured in either run' });
    expect(evaluateGate(summary(none), change('deployTimeS=10%'), summary(baseArm())).checks[0]).toMatchObject({ passed: false, message: 'deployTimeS is n/a, baseline 300: cannot compare' });
  });

  it('counts failed checks, and says so', async () => {
    const { gateVerdict } = await import('../../src/report/gate.js');
    const baseline = summary(baseArm('composer'), baseArm('instant'));
    const result = evaluateGate(summary(withMetric(baseArm('composer'), 'deployTimeS', 1000), baseArm('instant')), regression('deployTimeS=10%,peakIops=10%'), baseline);
    expect(result).toMatchObject({ passed: false, failed: 1 });
    expect(gateVerdict(result)).toBe('REGRESSION: 1 of 4 checks failed');
    expect(gateVerdict(evaluateGate(summary(baseArm('composer'), baseArm('instant')), regression('deployTimeS=10%'), baseline))).toBe('passed: 2 of 2 checks');
  });
});

describe('expected-value bands', () => {
  const bands = (band: { min?: number; max?: number }, metric = 'peakIops', arm = 'composer') => ({ maxRegression: new Map<string, number>(), bands: new Map([[arm, new Map([[metric, band]])]]) });
  const check = (value: number | null, band: { min?: number; max?: number }) => evaluateGate(summary(withMetric(baseArm(), 'deployTimeS', value)), bands(band, 'deployTimeS')).checks[0]!;

  it('holds a value to min and max, both inclusive', () => {
    expect(check(100, { min: 100, max: 200 }).passed).toBe(true);
    expect(check(200, { min: 100, max: 200 }).passed).toBe(true);
    expect(check(99.99, { min: 100, max: 200 }).passed).toBe(false);
    expect(check(200.01, { min: 100, max: 200 }).passed).toBe(false);
    expect(check(1e9, { min: 100 }).passed).toBe(true);
    expect(check(-1e9, { max: 100 }).passed).toBe(true);
    expect(check(5, {}).passed).toBe(true);
  });

  it('a value not measured fails its band', () => {
    expect(check(null, { min: 0 })).toMatchObject({ passed: false, value: null, message: 'deployTimeS n/a s, expected >= 0' });
  });

  it('says what was expected', () => {
    expect(check(250, { min: 100, max: 200 })).toMatchObject({ arm: 'composer', metric: 'deployTimeS', kind: 'band', value: 250, limit: '>= 100 and <= 200', message: 'deployTimeS 250 s, expected >= 100 and <= 200' });
    expect(check(250, { max: 200 }).limit).toBe('<= 200');
  });

  it('refuses a band for an arm the run does not have', () => {
    expect(() => evaluateGate(summary(baseArm()), bands({ min: 1 }, 'peakIops', 'instant')))
      .toThrow(new InputError('gate.expect: the run has no arm "instant" (it has: composer)'));
  });
});

describe('--max-regression parsing', () => {
  it('reads percentages with or without %, spaces, decimals, and skips empty parts', () => {
    expect([...parseMaxRegression(' deployTimeS = 12.5 % ,, phase.power-on=0,')]).toEqual([['deployTimeS', 0.125], ['phase.power-on', 0]]);
  });

  it('names the flag or file in its errors', () => {
    expect(() => parseMaxRegression('deployTimeS=x', 'gate.maxRegression')).toThrow(new InputError('gate.maxRegression: "deployTimeS=x" is not metric=percent, e.g. deployTimeS=10%'));
    expect(() => parseMaxRegression('deployTimeS=-5%')).toThrow(/not metric=percent/);
    expect(() => parseMaxRegression('x deployTimeS=5%')).toThrow(/not metric=percent/);
    expect(() => parseMaxRegression('deployTimeS=5%%')).toThrow(/not metric=percent/);
    expect(() => parseMaxRegression(' , ', 'gate.maxRegression')).toThrow(new InputError('gate.maxRegression: name at least one metric, e.g. deployTimeS=10%'));
    expect(() => parseMaxRegression('deployTime=5%', 'gate.maxRegression')).toThrow(/^gate\.maxRegression: unknown metric "deployTime"/);
  });
});
