/** The drivers the harness knows, by the name a scenario or `--driver` gives. */
import type { Scenario } from '../scenarios/schema.js';
import { SimDriver } from './sim/sim-driver.js';
import type { HypervisorDriver } from './types.js';

export interface DriverOptions {
  /** Where a simulated clock starts (ms since the epoch). */
  startMs: number;
}

export function createDriver(scenario: Scenario, options: DriverOptions): HypervisorDriver {
  switch (scenario.driver) {
    case 'sim':
      return new SimDriver({
        cluster: scenario.cluster,
        image: scenario.image,
        seed: scenario.seed,
        startMs: options.startMs,
        timeScale: scenario.timeScale,
        faults: scenario.faults,
      });
  }
}
