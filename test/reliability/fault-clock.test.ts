/**
 * Faults fire on the run's own (simulated) clock, checked through `bench run` as a user
 * runs it: run folder I/O at the start never lets a fault due later fire early. And every
 * retry leaves a trace: a `retried` event in events.csv and `retries` in the summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ArmSummary } from '../../src/contract/summary.js';
import type { RunRecord } from '../../src/contract/run-record.js';
import { bench, tempDir } from '../helpers/cli.js';

interface Ran {
  runDir: string;
  record: RunRecord;
  arms: ArmSummary[];
  events: Record<string, string>[];
}

function runScenarioText(yaml: string, extra: string[] = []): Ran {
  const dir = tempDir();
  const file = path.join(dir, 'scenarios.yml');
  writeFileSync(file, yaml);
  const result = bench(['run', 's', '--file', file, '--out', path.join(dir, 'runs'), '--json', '--quiet', ...extra]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect([0, 1]).toContain(result.status);
  const summary = JSON.parse(result.stdout) as { runDir: string; arms: ArmSummary[] };
  const runDir = path.resolve(summary.runDir);
  return {
    runDir,
    record: JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord,
    arms: summary.arms,
    events: parse(readFileSync(path.join(runDir, 'events.csv'), 'utf8'), { columns: true }) as Record<string, string>[],
  };
}

const scenario = (settings: string, arms = '      - { name: instant, method: instant-clone }') =>
  `scenarios:\n  s:\n${settings}    arms:\n${arms}\n`;
const ALL_HOSTS_DOWN_AT_600 = '      hostDown: [{ host: 1, atS: 600 }, { host: 2, atS: 600 }, { host: 3, atS: 600 }, { host: 4, atS: 600 }]\n';

describe('faults fire on the run\'s clock (through bench run)', () => {
  it('every host down at atS 600: desktops ready before 600 s are untouched, the rest fail at or after 600 s', () => {
    // Composer, 300 desktops: without the fault they become ready from ~3 to ~11.6 min, half by ~9 min.
    const ran = runScenarioText(scenario(`    desktops: 300\n    maxFailedDesktops: 300\n    faults:\n${ALL_HOSTS_DOWN_AT_600}`, '      - { name: composer, method: composer }'));
    const desktops = ran.record.arms[0]!.desktops;
    const ready = desktops.filter((desktop) => desktop.readyS !== undefined);
    const failed = desktops.filter((desktop) => desktop.failedS !== undefined);
    expect(ready.length).toBeGreaterThan(100);
    expect(failed.length).toBeGreaterThan(20);
    expect(ready.length + failed.length).toBe(300);
    // The arm starts with the run, so arm time is run time here.
    // Nothing progresses past 600 s: no clone, power-on, customization or readiness completes after it
    // (a desktop whose agent was still registering when its host went down never becomes ready).
    expect(Math.max(...ready.map((desktop) => desktop.readyS!))).toBeLessThan(600);
    for (const desktop of desktops) {
      for (const step of [desktop.clonedS, desktop.poweredOnS, desktop.customizedS]) if (step !== undefined) expect(step).toBeLessThan(600);
    }
    expect(Math.min(...failed.map((desktop) => desktop.failedS!))).toBeGreaterThanOrEqual(600);
    expect(ready.every((desktop) => desktop.failedS === undefined && desktop.error === undefined)).toBe(true);
  });

  it('the first arm starts at the run\'s start: run.json arms[0].startMs equals createdAt', () => {
    const ran = runScenarioText(scenario('    desktops: 5\n'));
    expect(ran.record.arms[0]!.startMs).toBe(Date.parse(ran.record.createdAt));
    expect(ran.record.arms[0]!.startedAt).toBe(ran.record.createdAt);
  });

  it('a 4x storageSlowdown window over the deployment lengthens deploy time', () => {
    const arms = '      - { name: composer, method: composer }';
    const clean = runScenarioText(scenario('    desktops: 50\n', arms));
    const slowed = runScenarioText(scenario('    desktops: 50\n    faults:\n      storageSlowdown: [{ factor: 4, fromS: 0, toS: 100000 }]\n', arms));
    expect(slowed.arms[0]!.deployTimeS!).toBeGreaterThan(clean.arms[0]!.deployTimeS! * 1.2);
    // A window that closes before the run could reach it changes nothing... only its start matters:
    const late = runScenarioText(scenario('    desktops: 50\n    faults:\n      storageSlowdown: [{ factor: 4, fromS: 100000, toS: 200000 }]\n', arms));
    expect(late.arms[0]!.deployTimeS).toBe(clean.arms[0]!.deployTimeS);
  });
});

describe('retries leave a trace', () => {
  it('each retry is a `retried` event with its error in events.csv, and the summary counts them per arm', () => {
    const ran = runScenarioText(scenario('    desktops: 30\n    retries: 5\n    retryBackoffS: 3\n    faults:\n      cloneFailureRate: 0.2\n',
      '      - { name: composer, method: composer }\n      - { name: instant, method: instant-clone }'));
    for (const arm of ran.arms) {
      const retried = ran.events.filter((event) => event.arm === arm.name && event.kind === 'retried');
      expect(retried.length).toBeGreaterThan(0);
      expect(retried.every((event) => /failed \(injected fault\)/.test(event.error ?? ''))).toBe(true);
      expect(arm.retries).toBe(retried.length);
      expect(arm.desktops.ready).toBe(30);
    }
    const summaryJson = JSON.parse(readFileSync(path.join(ran.runDir, 'summary.json'), 'utf8')) as { arms: ArmSummary[] };
    expect(summaryJson.arms.map((arm) => arm.retries)).toEqual(ran.arms.map((arm) => arm.retries));
  });

  it('a run without faults has retries 0 and no retried event', () => {
    const ran = runScenarioText(scenario('    desktops: 10\n'));
    expect(ran.arms[0]!.retries).toBe(0);
    expect(ran.events.some((event) => event.kind === 'retried')).toBe(false);
  });
});
