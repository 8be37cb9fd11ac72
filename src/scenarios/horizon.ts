/**
 * Horizon's concurrency limits, the scenario's `horizon:` section. The strategies size their
 * limiters from these; the defaults are Horizon 7's documented ones (docs/SIMULATOR.md).
 */
import { parameterDefaults, type ParameterSpec, type ParameterValues } from '../contract/parameter-spec.js';

export const horizonParameters = {
  maxVcProvisioning: {
    default: 20, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent vCenter provisioning operations (full VMs: replicas, templates, parents)',
    source: 'Horizon 7 administration guide default',
  },
  maxPowerOps: {
    default: 50, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent power operations; a slot is held from power-on until the guest is up, as Horizon sizes it',
    source: 'Horizon 7 administration guide default',
  },
  maxComposerMaintenance: {
    default: 12, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent View Composer maintenance operations (recompose and refresh, per desktop from power-off to customized; teardown of linked clones)',
    source: 'Horizon 7 administration guide default (the View API reference, VCLimits, lists 20)',
  },
  maxComposerProvisioning: {
    default: 8, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent View Composer provisioning operations (linked clone creation)',
    source: 'Horizon 7 administration guide default (the View API reference, VCLimits, lists 12)',
  },
  maxInstantCloneProvisioning: {
    default: 20, unit: 'operations', min: 1, max: 10000, integer: true,
    meaning: 'max concurrent Instant Clone Engine provisioning operations (fork to ready)',
    source: 'Horizon 7 administration guide default',
  },
  composerStorageAccelerator: {
    default: false, unit: 'boolean',
    meaning: 'View Storage Accelerator on the linked-clone pool: a digest of each replica (one per datastore) before the clones',
    source: 'Horizon enables it by default for linked clones unless array-native (VCAI) clones are used; the reference Composer pool cannot have had it (a 20 GB digest alone takes 8.2 min, its whole deploy 5 min)',
  },
} as const satisfies Record<string, ParameterSpec>;

export type HorizonLimits = ParameterValues<typeof horizonParameters>;

export const defaultHorizon = (): HorizonLimits => parameterDefaults(horizonParameters);
