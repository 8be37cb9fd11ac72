/**
 * Faults the `sim` driver injects (the scenario's `faults:` section), so failure handling
 * can be tested deterministically. Only the sim driver reads them.
 */
import { z } from 'zod';
import { InputError } from '../../contract/errors.js';

export const faultSettingsSchema = z.strictObject({
  /** Probability that one clone attempt fails. */
  cloneFailureRate: z.number().min(0).max(1),
  /** Hosts that go down at a time (seconds since the run started); 1-based host number. */
  hostDown: z.array(z.strictObject({ host: z.number().int().min(1).max(64), atS: z.number().min(0) })).max(64),
  /** Storage capacity divided by `factor` between fromS and toS (seconds since the run started). */
  storageSlowdown: z.array(z.strictObject({ factor: z.number().min(1).max(1000), fromS: z.number().min(0), toS: z.number().min(0) })
    .refine((window) => window.toS > window.fromS, 'toS must be after fromS')).max(64),
}).partial();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export function hasFaults(faults: FaultSettings): boolean {
  return Object.values(faults).some((value) => value !== undefined && !(Array.isArray(value) && value.length === 0));
}

/** Faults that name a host the cluster does not have are bad input. */
export function checkFaults(faults: FaultSettings, hosts: number, where: string): void {
  for (const { host } of faults.hostDown ?? []) {
    if (host > hosts) throw new InputError(`faults.hostDown in ${where}: host ${host}, but the cluster has ${hosts} hosts`);
  }
}
