import { EXIT_OK, EXIT_RUN_FAILED, InputError } from '../../contract/errors.js';
import { openCleanup } from '../../drivers/vsphere/cleanup.js';
import { vsphereFromArgs, vspherePassword, type VsphereArgs } from '../vsphere-options.js';

export interface CleanupArgs extends VsphereArgs {
  driver: string;
  'name-prefix': string;
  yes: boolean;
}

/** List what runs left behind (VMs with the name prefix); delete them only with --yes, logging each. */
export async function cleanupCommand(args: CleanupArgs): Promise<number> {
  if (args.driver !== 'vsphere') {
    throw new InputError(`bench cleanup --driver ${args.driver}: only the vsphere driver leaves VMs behind (a sim cluster lives only during its run)`);
  }
  const prefix = args['name-prefix'];
  if (prefix.length < 3) throw new InputError(`--name-prefix "${prefix}": too short to pick out vdibench's VMs safely (at least 3 characters)`);
  const settings = vsphereFromArgs(args);
  const password = await vspherePassword(settings.user);
  if (!settings.url || !settings.user || !password) {
    throw new InputError('bench cleanup needs the vCenter: VSPHERE_URL (or --vsphere-url), VSPHERE_USER (or --vsphere-user) and VSPHERE_PASSWORD');
  }
  const vcenter = await openCleanup({
    url: settings.url, user: settings.user, password, insecure: settings.insecure ?? false, caFile: settings.ca, goldenImage: settings.goldenImage,
  });
  try {
    const leftovers = await vcenter.leftovers(prefix);
    if (leftovers.length === 0) {
      process.stdout.write(`no VM named ${prefix}* in ${vcenter.endpoint}\n`);
      return EXIT_OK;
    }
    process.stdout.write(`${leftovers.length} VM(s) named ${prefix}* in ${vcenter.endpoint}:\n`);
    for (const vm of leftovers) process.stdout.write(`  ${vm.name}  ${vm.powerState}${vm.annotation ? `  (${vm.annotation})` : ''}\n`);
    if (!args.yes) {
      process.stdout.write('nothing deleted: run again with --yes to delete them\n');
      return EXIT_OK;
    }
    let failures = 0;
    for (const vm of leftovers) {
      const result = await vcenter.remove(vm);
      if (result.deleted) {
        process.stdout.write(`deleted ${vm.name}\n`);
      } else {
        failures++;
        process.stdout.write(`could not delete ${vm.name}: ${result.reason}\n`);
      }
    }
    return failures === 0 ? EXIT_OK : EXIT_RUN_FAILED;
  } finally {
    await vcenter.close();
  }
}
