import type { Argv } from 'yargs';
import { promptSecret, secret } from '../contract/secrets.js';
import type { VsphereFileSettings } from '../drivers/vsphere/settings.js';

export interface VsphereArgs {
  'vsphere-url'?: string;
  'vsphere-user'?: string;
  'golden-image'?: string;
  snapshot?: string;
  'patch-snapshot'?: string;
  datastore?: string;
  cluster?: string;
  insecure?: boolean;
  ca?: string;
  'customization-spec'?: string;
  'ready-when'?: string;
}

export function vsphereOptions<T>(yargs: Argv<T>): Argv<T & VsphereArgs> {
  return yargs
    .option('vsphere-url', { type: 'string', describe: 'vCenter, https://host or https://host/sdk (env VSPHERE_URL); password from env VSPHERE_PASSWORD' })
    .option('vsphere-user', { type: 'string', describe: 'vCenter user (env VSPHERE_USER)' })
    .option('golden-image', { type: 'string', describe: 'vsphere: the golden image VM to clone' })
    .option('snapshot', { type: 'string', describe: 'vsphere: the golden image\'s snapshot (default: its current one)' })
    .option('patch-snapshot', { type: 'string', describe: 'vsphere: the golden image\'s snapshot a patch (recompose, push image) moves the pool to' })
    .option('datastore', { type: 'string', describe: 'vsphere: datastore for replicas and clones (default: the cluster\'s first)' })
    .option('cluster', { type: 'string', describe: 'vsphere: cluster to use (default: the first)' })
    .option('insecure', { type: 'boolean', describe: 'vsphere: do not verify vCenter\'s TLS certificate (lab only)' })
    .option('ca', { type: 'string', describe: 'vsphere: PEM file of the CA (or certificate) to trust for vCenter' })
    .option('customization-spec', { type: 'string', describe: 'vsphere: a vCenter customization spec applied to Composer-style desktops before their final power-on' })
    .option('ready-when', { type: 'string', choices: ['tools', 'powered-on'], describe: 'vsphere: a desktop is ready when VMware Tools run (default) or once powered on' })
    .group(['vsphere-url', 'vsphere-user', 'golden-image', 'snapshot', 'patch-snapshot', 'datastore', 'cluster', 'insecure', 'ca', 'customization-spec', 'ready-when'], 'vSphere (driver vsphere):') as Argv<T & VsphereArgs>;
}

/** Flags, then the environment: what the command line says about vCenter (no secret). */
export function vsphereFromArgs(args: VsphereArgs, env = process.env): VsphereFileSettings {
  return {
    url: args['vsphere-url'] ?? env.VSPHERE_URL,
    user: args['vsphere-user'] ?? env.VSPHERE_USER,
    goldenImage: args['golden-image'],
    snapshot: args.snapshot,
    patchSnapshot: args['patch-snapshot'],
    datastore: args.datastore,
    cluster: args.cluster,
    insecure: args.insecure,
    ca: args.ca,
    customizationSpec: args['customization-spec'],
    readyWhen: args['ready-when'] as VsphereFileSettings['readyWhen'],
  };
}

/** VSPHERE_PASSWORD or VSPHERE_PASSWORD_FILE; on a terminal, asked for when neither is set. */
export async function vspherePassword(user: string | undefined, env = process.env): Promise<string | undefined> {
  return secret(env, 'VSPHERE_PASSWORD') ?? (user ? await promptSecret(`vCenter password for ${user}: `) : undefined);
}
