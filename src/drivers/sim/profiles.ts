/**
 * Named calibration profiles of the simulated cluster: each is a published measurement
 * the model reproduces, as the few parameters that differ from the defaults (which are the
 * 2016 reference). `--profile NAME` or `profile:` in a scenario picks one; explicit values
 * in the scenario file and `--set` still win. docs/SIMULATOR.md justifies every difference.
 */
import type { ClusterParameters, ImageParameters } from './parameters.js';

export interface SimProfile {
  description: string;
  /** The published measurement it reproduces. */
  source: string;
  cluster?: Partial<ClusterParameters>;
  image?: Partial<ImageParameters>;
  /** Horizon limits of that deployment (the scenario's `horizon:` section). */
  horizon?: Record<string, number | boolean>;
}

export const DEFAULT_PROFILE = 'reference-2016';
const NUTANIX_2014_PROFILE = 'nutanix-view6-2014';

export const simProfiles: Record<string, SimProfile> = {
  [DEFAULT_PROFILE]: {
    description: 'Horizon 7.0 on one Nutanix NX-3460-G4 block (4 nodes), 100 Windows 10 desktops (2 vCPU, 2 GB): the defaults',
    source: 'published Horizon 7.0 field test, View Composer vs Instant Clones, deploy (2016)',
  },
  [NUTANIX_2014_PROFILE]: {
    description: 'View 6.0 on 8 Nutanix nodes (2 x NX-3460), 400 linked clones with VCAI: 45 min',
    source: 'Nutanix, View 6.0 VCAI test (2014): 400 linked clones in 45 min with VCAI, "north of 50 minutes" without; replica copy without VCAI at >11,000 IOPS and >700 MB/s',
    cluster: {
      hosts: 8,
      // NX-3460 of 2013/2014: 2 x Xeon E5-2680 v2, 10 cores at 2.8 GHz each.
      coresPerHost: 20,
      coreMhz: 2800,
      // vCenter 5.5: ~10 operations/s (VMware VROOM! blog, 2016).
      vcenterOpsPerS: 10,
      // Published: the replica copy without VCAI ran at >700 MB/s and >11,000 IOPS (2 x 700 MB/s / 11,000 = ~128 KB).
      hostCopyMBps: 700,
      copyIoKB: 128,
    },
    image: {
      // FITTED to the 45 min; Horizon's docs: "the average desktop takes two to three minutes to start".
      bootS: 140,
    },
  },
};
