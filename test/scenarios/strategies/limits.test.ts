/**
 * Horizon's power-operation limit as the strategies apply it, measured where it acts: the
 * number of power-on calls the driver has in flight at once. And the fault section's host
 * range, checked against the cluster the scenario describes.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/contract/errors.js';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import { executeRun } from '../../../src/run/execute.js';
import { parseScenarioText, resolveScenario } from '../../../src/scenarios/load.js';
import type { Scenario } from '../../../src/scenarios/schema.js';
import { tempDir } from '../../helpers/cli.js';
import { shippedScenario, START_MS } from '../../helpers/sim.js';

/** Run the scenario on the sim driver; the most power-ons it ever had in flight, and the run's events. */
async function powerOnsInFlight(scenario: Scenario) {
  const driver = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: scenario.seed, startMs: START_MS, faults: scenario.faults });
  let inFlight = 0;
  let most = 0;
  let calls = 0;
  const powerOn = driver.powerOn.bind(driver);
  driver.powerOn = async (vm) => {
    calls++;
    most = Math.max(most, ++inFlight);
    try {
      await powerOn(vm);
    } finally {
      inFlight--;
    }
  };
  const result = await executeRun({ scenario, scenarioFile: null, outDir: tempDir(), harness: { name: 'vdibench', version: 'test', node: process.versions.node }, driver, startMs: START_MS });
  const arms = result.outcome!.arms;
  return { most, calls, arms };
}

describe('horizon.maxPowerOps', () => {
  it.each([
    ['composer-only', 1],
    ['composer-only', 2],
    ['instant-only', 1],
    ['instant-only', 2],
  ])('%s with maxPowerOps=%d never has more power-ons in flight, and uses the room it has', async (name, limit) => {
    const scenario = await shippedScenario(name, { desktops: 8, set: [`horizon.maxPowerOps=${limit}`] });
    const { most, calls, arms } = await powerOnsInFlight(scenario);
    expect(most).toBe(limit);
    // Composer powers each desktop on twice (QuickPrep boot, final boot); instant clones only the parents.
    expect(calls).toBe(name === 'composer-only' ? 16 : scenario.cluster.hosts);
    expect(arms[0]!.desktops.every((desktop) => desktop.readyS !== undefined)).toBe(true);
  });

  it('serialises Composer\'s final power-ons: with 1, desktops come up at least one power-on apart', async () => {
    const scenario = await shippedScenario('composer-only', { desktops: 8, set: ['horizon.maxPowerOps=1'] });
    const { arms } = await powerOnsInFlight(scenario);
    const poweredOn = arms[0]!.desktops.map((desktop) => desktop.poweredOnS!).sort((a, b) => a - b);
    const shortestPowerOnS = scenario.cluster.powerOnS * (1 - 3 * scenario.cluster.jitterPct / 100);
    for (let index = 1; index < poweredOn.length; index++) expect(poweredOn[index]! - poweredOn[index - 1]!).toBeGreaterThanOrEqual(shortestPowerOnS - 1e-3);
  });

  it('the default (50) lets many run at once, and a tighter limit makes the arm slower', async () => {
    const loose = await powerOnsInFlight(await shippedScenario('composer-only', { desktops: 16 }));
    const tight = await powerOnsInFlight(await shippedScenario('composer-only', { desktops: 16, set: ['horizon.maxPowerOps=1'] }));
    expect(loose.most).toBeGreaterThan(2);
    const lastReady = (arms: typeof loose.arms) => Math.max(...arms[0]!.desktops.map((desktop) => desktop.readyS!));
    expect(lastReady(tight.arms)).toBeGreaterThan(lastReady(loose.arms));
  });
});

describe('faults.hostDown', () => {
  const scenario = (host: number) => parseScenarioText(
    `scenarios:\n  demo:\n    cluster: { hosts: 4 }\n    faults: { hostDown: [{ host: ${host}, atS: 60 }] }\n    arms: [{ name: a, method: composer }]\n`, 'f.yml');

  it('accepts the cluster\'s first and last host', () => {
    expect(resolveScenario(scenario(1), 'demo').faults).toEqual({ hostDown: [{ host: 1, atS: 60 }] });
    expect(resolveScenario(scenario(4), 'demo').faults).toEqual({ hostDown: [{ host: 4, atS: 60 }] });
  });

  it('refuses a host past the cluster\'s last, naming both', () => {
    expect(() => resolveScenario(scenario(5), 'demo')).toThrow(InputError);
    expect(() => resolveScenario(scenario(5), 'demo')).toThrow(/faults\.hostDown in .*: host 5, but the cluster has 4 hosts/);
    expect(() => resolveScenario(scenario(5), 'demo', { set: ['cluster.hosts=5'] })).not.toThrow();
  });

  it('refuses host 0 (hosts count from 1)', () => {
    expect(() => resolveScenario(scenario(0), 'demo')).toThrow(InputError);
  });
});
