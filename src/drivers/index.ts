/**
 * The drivers the harness knows, by the name a scenario or `--driver` gives, and the
 * scenario sections they own. The scenario loader builds its schema from `driverSections`
 * and calls `checkDriverSettings`; it knows no driver's settings itself.
 */
import { InputError } from '../contract/errors.js';
import type { Method } from '../contract/method.js';
import { parameterSectionSchema } from '../contract/parameter-spec.js';
import { checkFaults, faultSettingsSchema, hasFaults, type FaultSettings } from './sim/faults.js';
import { clusterParameters, defaultCluster, defaultImage, imageParameters, type ClusterParameters, type ImageParameters } from './sim/parameters.js';
import { DEFAULT_PROFILE, simProfiles, type SimProfile } from './sim/profiles.js';
import { SimDriver } from './sim/sim-driver.js';
import type { HypervisorDriver } from './types.js';
import { VsphereDriver } from './vsphere/vsphere-driver.js';
import { checkVsphereFileSettings, vsphereSettings, vsphereSettingsSchema, type VsphereFileSettings } from './vsphere/settings.js';

export const DRIVER_NAMES = ['sim', 'vsphere'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** The scenario sections drivers own, as a resolved scenario holds them. */
export interface DriverSettings {
  cluster: ClusterParameters;
  image: ImageParameters;
  faults: FaultSettings;
  vsphere: VsphereFileSettings;
}

const clusterSchema = parameterSectionSchema(clusterParameters);
const imageSchema = parameterSectionSchema(imageParameters);

/**
 * Each section: the schema of its resolved value (every key present) and its defaults. A
 * scenario file may give any part of a section; the loader fills in the rest.
 */
export const driverSections = {
  cluster: { schema: clusterSchema, defaults: (): Record<string, unknown> => defaultCluster(), keys: Object.keys(clusterParameters) },
  image: { schema: imageSchema, defaults: (): Record<string, unknown> => defaultImage(), keys: Object.keys(imageParameters) },
  faults: {
    schema: faultSettingsSchema, defaults: (): Record<string, unknown> => ({}), keys: Object.keys(faultSettingsSchema.shape),
    /** The keys of one entry of each fault list, for "did you mean" hints. */
    entryKeys: { hostDown: Object.keys(faultSettingsSchema.shape.hostDown.unwrap().element.shape), storageSlowdown: Object.keys(faultSettingsSchema.shape.storageSlowdown.unwrap().element.shape) },
  },
  vsphere: { schema: vsphereSettingsSchema, defaults: (): Record<string, unknown> => ({}), keys: Object.keys(vsphereSettingsSchema.shape) },
} as const;

export type DriverSectionName = keyof typeof driverSections;

/** Calibration profiles (sim): the parameters that differ from the defaults, per section. */
export const profiles: Readonly<Record<string, SimProfile>> = simProfiles;
export { DEFAULT_PROFILE };
export const DRIVER_SECTION_NAMES = Object.keys(driverSections) as DriverSectionName[];

/** Cross-checks of a resolved scenario's driver sections; `where` names the scenario in messages. */
export function checkDriverSettings(driver: DriverName, settings: DriverSettings, where: string): void {
  checkFaults(settings.faults, settings.cluster.hosts, where);
  if (driver === 'vsphere') checkVsphereFileSettings(settings.vsphere);
  if (hasFaults(settings.faults) && driver !== 'sim') throw new InputError(`faults in ${where}: only the sim driver injects faults, not ${driver}`);
}

export interface DriverOptions {
  settings: DriverSettings;
  /** The methods the run will use (a driver checks it can perform them). */
  methods: Method[];
  seed: number;
  /** sim: simulated seconds per real second (0 = as fast as possible). */
  timeScale: number;
  /** Where a simulated clock starts (ms since the epoch). */
  startMs: number;
  /** Written into what a real driver creates (annotations). */
  runId: string;
  /** Secrets stay out of the scenario (which is written to run.json). */
  vspherePassword?: string;
}

export function createDriver(name: DriverName, options: DriverOptions): HypervisorDriver {
  const { settings } = options;
  switch (name) {
    case 'sim':
      return new SimDriver({
        cluster: settings.cluster, image: settings.image, faults: settings.faults,
        seed: options.seed, startMs: options.startMs, timeScale: options.timeScale,
      });
    case 'vsphere':
      return new VsphereDriver(vsphereSettings(settings.vsphere, options.vspherePassword), {
        runId: options.runId, needsInstantClone: options.methods.includes('instant-clone'),
      });
  }
}
