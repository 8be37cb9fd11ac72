/**
 * The vsphere driver's settings: the scenario file's `vsphere:` section (never the
 * password), what flags and the environment add, and every check on them, in one place
 * and one wording. The password comes only from VSPHERE_PASSWORD (or its _FILE, or a
 * prompt) and is never part of the scenario, which run.json keeps.
 */
import { z } from 'zod';
import { InputError } from '../../contract/errors.js';
import type { VimConnection } from './vim25/client.js';

export const vsphereSettingsSchema = z.strictObject({
  url: z.string().min(1).max(2000),
  user: z.string().min(1).max(200),
  goldenImage: z.string().min(1).max(200),
  snapshot: z.string().min(1).max(200),
  patchSnapshot: z.string().min(1).max(200),
  datastore: z.string().min(1).max(200),
  cluster: z.string().min(1).max(200),
  insecure: z.boolean(),
  ca: z.string().min(1).max(2000),
  customizationSpec: z.string().min(1).max(200),
  readyWhen: z.enum(['tools', 'powered-on']),
  readyTimeoutS: z.number().min(1).max(86_400),
  retryBudgetS: z.number().min(0).max(3600),
}).partial();

/** The `vsphere:` section as a scenario file, flags and the environment give it (no secret). */
export type VsphereFileSettings = z.infer<typeof vsphereSettingsSchema>;

/** Everything the driver needs to connect and run, the password included (kept in memory only). */
export interface VsphereSettings extends VimConnection {
  goldenImage: string;
  snapshot?: string;
  /** The golden image's snapshot a patch (recompose, push image) moves the pool to. */
  patchSnapshot?: string;
  datastore?: string;
  cluster?: string;
  /** A vCenter customization spec applied to Composer-style desktops (QuickPrep's step). */
  customizationSpec?: string;
  /** `tools`: VMware Tools running in the guest (default); `powered-on`: as soon as the VM runs. */
  readyWhen: 'tools' | 'powered-on';
  readyTimeoutS: number;
}

const DEFAULT_READY_TIMEOUT_S = 1800;
/** How long one vCenter call keeps retrying transient failures (vim25/client.ts). */
const DEFAULT_RETRY_BUDGET_S = 60;

const REQUIRED: [key: 'url' | 'user' | 'goldenImage', how: string][] = [
  ['url', '--vsphere-url or VSPHERE_URL'],
  ['user', '--vsphere-user or VSPHERE_USER'],
  ['goldenImage', '--golden-image'],
];

/** Checks a scenario's vsphere settings before anything runs (a missing setting costs no run). */
export function checkVsphereFileSettings(settings: VsphereFileSettings): void {
  const missing = REQUIRED.filter(([key]) => !settings[key]);
  if (missing.length > 0) {
    throw new InputError(`the vsphere driver needs ${missing.map(([key, how]) => `${key} (${how}, or vsphere.${key} in the scenario file)`).join(', ')}`);
  }
  if (settings.insecure && settings.ca) throw new InputError('--insecure and --ca exclude each other: trust a CA, or (in a lab) trust anything');
}

/** The driver's settings from the checked file settings and the password. */
export function vsphereSettings(settings: VsphereFileSettings, password: string | undefined): VsphereSettings {
  checkVsphereFileSettings(settings);
  if (!password) throw new InputError('the vsphere driver needs a password: set VSPHERE_PASSWORD (or VSPHERE_PASSWORD_FILE naming a 0600 file)');
  return {
    url: settings.url!, user: settings.user!, password,
    goldenImage: settings.goldenImage!, snapshot: settings.snapshot, patchSnapshot: settings.patchSnapshot, datastore: settings.datastore, cluster: settings.cluster,
    insecure: settings.insecure ?? false, caFile: settings.ca, customizationSpec: settings.customizationSpec,
    readyWhen: settings.readyWhen ?? 'tools', readyTimeoutS: settings.readyTimeoutS ?? DEFAULT_READY_TIMEOUT_S,
    retryBudgetMs: (settings.retryBudgetS ?? DEFAULT_RETRY_BUDGET_S) * 1000,
  };
}
