/**
 * Faults during a run, injected by the sim driver from the scenario's `faults:` so that
 * retries, failure limits and host loss are tested deterministically.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesktopRecord } from '../../src/contract/run-record.js';
import { renderStoredRun } from '../../src/run/finish.js';
import { executeRun } from '../../src/run/execute.js';
import { tempDir } from '../helpers/cli.js';
import { shippedScenario, simulate } from '../helpers/sim.js';

const failedOf = (desktops: DesktopRecord[]) => desktops.filter((desktop) => desktop.failedS !== undefined && desktop.readyS === undefined);
const readyOf = (desktops: DesktopRecord[]) => desktops.filter((desktop) => desktop.readyS !== undefined);

describe('faults, retries and failure limits', () => {
  it('retries failed clones with backoff: with enough retries every desktop becomes ready', async () => {
    // 20 % of clone attempts fail; six attempts each make a desktop failing for good a 1-in-15,625 event.
    const scenario = await shippedScenario('composer-vs-instant', { desktops: 30, set: ['retries=5', 'retryBackoffS=3'] });
    scenario.faults = { cloneFailureRate: 0.2 };
    const run = await simulate(scenario);
    expect(run.outcome.status).toBe('completed');
    for (const arm of run.outcome.arms) expect(readyOf(arm.desktops)).toHaveLength(30);
    // Retries cost time: the same pool without faults is faster.
    const clean = await simulate(await shippedScenario('composer-vs-instant', { desktops: 30 }));
    expect(run.summaries[0]!.deployTimeS!).toBeGreaterThan(clean.summaries[0]!.deployTimeS!);
    expect(run.driver.leftovers()).toEqual([]);
  });

  it('records desktops that still fail, with their error; within maxFailedDesktops the run completes', async () => {
    const scenario = await shippedScenario('composer-only', { desktops: 40, set: ['retries=0', 'maxFailedDesktops=40'] });
    scenario.faults = { cloneFailureRate: 0.2 };
    const run = await simulate(scenario);
    const failed = failedOf(run.outcome.arms[0]!.desktops);
    expect(failed.length).toBeGreaterThan(2);
    expect(failed.every((desktop) => /clone of vdibench-composer-\d+ failed \(injected fault\)/.test(desktop.error ?? ''))).toBe(true);
    expect(run.outcome.status).toBe('completed');
    expect(run.summaries[0]!.desktops.failed).toBe(failed.length);
    expect(run.summaries[0]!.desktops.ready).toBe(40 - failed.length);
    expect(run.driver.leftovers()).toEqual([]);
  });

  it('past maxFailedDesktops the run stops, ends failed, and keeps everything gathered so far', async () => {
    const scenario = await shippedScenario('composer-vs-instant', { desktops: 60, set: ['retries=0', 'maxFailedDesktops=2'] });
    scenario.faults = { cloneFailureRate: 0.5 };
    const out = tempDir();
    const { runDir, record } = await executeRun({ scenario, scenarioFile: null, outDir: out, harness: { name: 'vdibench', version: 'test', node: process.versions.node }, driver: undefined });
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/desktop\(s\) of arm composer failed, more than maxFailedDesktops \(2\); the run stopped/);
    // The second arm never started; the first stopped launching desktops.
    expect(record.arms.map((arm) => arm.name)).toEqual(['composer']);
    const composer = record.arms[0]!;
    expect(failedOf(composer.desktops).length).toBeGreaterThan(2);
    expect(readyOf(composer.desktops).length + failedOf(composer.desktops).length).toBeLessThan(60);
    const { summary } = (await renderStoredRun(runDir)).model;
    expect(summary.status).toBe('failed');
    const html = readFileSync(path.join(runDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<h2>Failed desktops \(\d+\)<\/h2>/);
    expect(html).toContain('failed (injected fault)');
    expect(html).toMatch(/This run is failed: .*more than maxFailedDesktops/);
  });

  it('a host going down fails what ran on it; retries move to live hosts and nothing leaks', async () => {
    const scenario = await shippedScenario('instant-only', { desktops: 40, set: ['retries=2', 'retryBackoffS=1', 'maxFailedDesktops=40'] });
    // Mid clone phase of the instant-clone arm (it starts after ~12 min of publishing).
    scenario.faults = { hostDown: [{ host: 2, atS: 760 }] };
    const run = await simulate(scenario);
    const desktops = run.outcome.arms[0]!.desktops;
    expect(readyOf(desktops).length).toBeGreaterThan(30);
    // Desktops ready on the lost host became ready before it went down.
    for (const desktop of readyOf(desktops).filter((candidate) => candidate.host === 'esx-02.sim.local')) expect(desktop.readyS!).toBeLessThanOrEqual(760);
    expect(run.driver.leftovers()).toEqual([]);
  });

  it('slowed storage stretches Composer and caps its IOPS in the window', async () => {
    const base = await simulate(await shippedScenario('composer-only', { desktops: 100 }));
    const scenario = await shippedScenario('composer-only', { desktops: 100 });
    scenario.faults = { storageSlowdown: [{ factor: 4, fromS: 100, toS: 250 }] };
    const slowed = await simulate(scenario);
    expect(slowed.summaries[0]!.deployTimeS!).toBeGreaterThan(base.summaries[0]!.deployTimeS! * 1.1);
    const inWindow = slowed.samples.filter((sample) => sample.tS > 120 && sample.tS <= 250);
    const byTime = new Map<number, number>();
    for (const sample of inWindow) byTime.set(sample.tS, (byTime.get(sample.tS) ?? 0) + sample.diskReadIops! + sample.diskWriteIops!);
    expect(Math.max(...byTime.values())).toBeLessThanOrEqual(24_000 / 4 + 1);
  });

  it('faults repeat exactly with the same seed', async () => {
    const make = async () => {
      const scenario = await shippedScenario('composer-vs-instant', { desktops: 20, set: ['maxFailedDesktops=20', 'retries=1'] });
      scenario.faults = { cloneFailureRate: 0.25, hostDown: [{ host: 3, atS: 200 }] };
      return (await simulate(scenario)).outcome.arms;
    };
    expect(await make()).toEqual(await make());
  });
});
