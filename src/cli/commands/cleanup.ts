import { EXIT_OK, EXIT_RUN_FAILED, InputError } from '../../contract/errors.js';
import { openCleanup } from '../../drivers/vsphere/cleanup.js';
import { resolvedScenarioSchema } from '../../scenarios/schema.js';
import { vsphereFromArgs, vspherePassword, type VsphereArgs } from '../vsphere-options.js';

export interface CleanupArgs extends VsphereArgs {
  driver: string;
  'name-prefix': string;
  yes: boolean;
}

/**
 * List what runs left behind: VMs with the name prefix that carry vdibench's mark (the run
 * id in their extraConfig); delete them only with --yes, logging each. VMs with the prefix
 * but without the mark, templates and the golden image are listed as not ours and never
 * touched, so any prefix `bench run` accepts is safe to clean (the same rule: the scenario
 * schema's namePrefix).
 */
export async function cleanupCommand(args: CleanupArgs): Promise<number> {
  if (args.driver !== 'vsphere') {
    throw new InputError(`bench cleanup --driver ${args.driver}: only the vsphere driver leaves VMs behind (a sim cluster lives only during its run)`);
  }
  const prefix = args['name-prefix'];
  const checked = resolvedScenarioSchema.shape.namePrefix.safeParse(prefix);
  if (!checked.success) throw new InputError(`--name-prefix "${prefix}": ${checked.error.issues[0]?.message ?? 'not a name prefix'} (as for bench run)`);
  const settings = vsphereFromArgs(args);
  const password = await vspherePassword(settings.user);
  if (!settings.url || !settings.user || !password) {
    throw new InputError('bench cleanup needs the vCenter: VSPHERE_URL (or --vsphere-url), VSPHERE_USER (or --vsphere-user) and VSPHERE_PASSWORD');
  }
  const vcenter = await openCleanup({
    url: settings.url, user: settings.user, password, insecure: settings.insecure ?? false, caFile: settings.ca, goldenImage: settings.goldenImage,
  });
  try {
    const { ours, notOurs } = await vcenter.leftovers(prefix);
    if (notOurs.length > 0) {
      process.stdout.write(`${notOurs.length} VM(s) named ${prefix}* are not vdibench's, left alone:\n`);
      for (const vm of notOurs) process.stdout.write(`  ${vm.name}  (${vm.reason})\n`);
    }
    if (ours.length === 0) {
      process.stdout.write(`no VM of vdibench named ${prefix}* in ${vcenter.endpoint}\n`);
      return EXIT_OK;
    }
    process.stdout.write(`${ours.length} VM(s) named ${prefix}* in ${vcenter.endpoint}, created by vdibench:\n`);
    for (const vm of ours) process.stdout.write(`  ${vm.name}  ${vm.powerState}  run ${vm.runId}\n`);
    if (!args.yes) {
      process.stdout.write('nothing deleted: run again with --yes to delete them\n');
      return EXIT_OK;
    }
    let failures = 0;
    for (const vm of ours) {
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
