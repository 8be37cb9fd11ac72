import { describe, expect, it } from 'vitest';
import { SimDriver } from '../../../src/drivers/sim/sim-driver.js';
import { runScenario } from '../../../src/scenarios/runner.js';
import { MemorySink, shippedScenario, START_MS } from '../../helpers/sim.js';

describe('--time-scale paces the virtual clock against real time', () => {
  it('at 2,000x, a run of S simulated seconds takes at least S/2000 real seconds; unpaced it takes far less', async () => {
    const scenario = await shippedScenario('composer-only', { desktops: 4, timeScale: 2000 });
    const paced = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: 1, startMs: START_MS, timeScale: scenario.timeScale });
    const startedAt = performance.now();
    const outcome = await runScenario({ runId: 't', scenario, driver: paced, inventory: await paced.open(), sink: new MemorySink() });
    const wallS = (performance.now() - startedAt) / 1000;
    const simulatedS = (paced.clock.nowMs() - START_MS) / 1000;
    expect(outcome.status).toBe('completed');
    expect(simulatedS).toBeGreaterThan(100);
    expect(wallS).toBeGreaterThanOrEqual((simulatedS / 2000) * 0.95);

    const unpaced = new SimDriver({ cluster: scenario.cluster, image: scenario.image, seed: 1, startMs: START_MS });
    const unpacedStart = performance.now();
    await runScenario({ runId: 't', scenario: { ...scenario, timeScale: 0 }, driver: unpaced, inventory: await unpaced.open(), sink: new MemorySink() });
    expect((unpaced.clock.nowMs() - START_MS) / 1000).toBeCloseTo(simulatedS, 6);
    expect((performance.now() - unpacedStart) / 1000).toBeLessThan(wallS);
  });
});
