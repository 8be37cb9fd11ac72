/** The drivers the harness knows, by the name a scenario or `--driver` gives. */
import type { Scenario } from '../scenarios/schema.js';
import { SimDriver } from './sim/sim-driver.js';
import type { HypervisorDriver } from './types.js';
import { checkVsphereSettings, VsphereDriver } from './vsphere/vsphere-driver.js';

export interface DriverOptions {
  /** Where a simulated clock starts (ms since the epoch). */
  startMs: number;
  /** Written into what a real driver creates (annotations). */
  runId: string;
  /** Secrets stay out of the Scenario (which is written to run.json). */
  vspherePassword?: string;
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
    case 'vsphere': {
      const { vsphere } = scenario;
      const settings = {
        url: vsphere.url, user: vsphere.user, password: options.vspherePassword,
        goldenImage: vsphere.goldenImage, snapshot: vsphere.snapshot, datastore: vsphere.datastore, cluster: vsphere.cluster,
        insecure: vsphere.insecure ?? false, caFile: vsphere.ca, customizationSpec: vsphere.customizationSpec,
        readyWhen: vsphere.readyWhen ?? 'tools', readyTimeoutS: vsphere.readyTimeoutS ?? 1800,
      };
      checkVsphereSettings(settings);
      return new VsphereDriver(settings, { runId: options.runId, needsInstantClone: scenario.arms.some((arm) => arm.method === 'instant-clone') });
    }
  }
}
