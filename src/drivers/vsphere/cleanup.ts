/**
 * What runs left behind on a vCenter (`bench cleanup`): VMs whose names start with the
 * run's prefix, the golden image excluded, and deleting them (powered off first).
 */
import { translated, vimClient } from './errors.js';
import { VmOperations } from './primitives.js';
import type { VimClient, VimConnection } from './vim25/client.js';
import { listObjects, type VirtualMachinePowerState } from './vim25/properties.js';
import { MoRef } from './vim25/xml.js';

interface Leftover {
  /** The VM's managed object id. */
  id: string;
  name: string;
  powerState: VirtualMachinePowerState | '';
  annotation: string;
}

type CleanupSettings = VimConnection & {
  /** Never listed, whatever its name. */
  goldenImage?: string;
};

interface CleanupSession {
  /** The SOAP endpoint, as messages name the vCenter. */
  readonly endpoint: string;
  /** VMs whose names start with `prefix` (the golden image excluded), by name. */
  leftovers(prefix: string): Promise<Leftover[]>;
  /** Power off unless off, then destroy; the reason when it could not. */
  remove(vm: Leftover): Promise<{ deleted: true } | { deleted: false; reason: string }>;
  /** Log out. */
  close(): Promise<void>;
}

/** Connect to the vCenter for a cleanup; bad settings are InputErrors, an unreachable or refusing vCenter a RunError. */
export async function openCleanup(settings: CleanupSettings): Promise<CleanupSession> {
  const client = vimClient(settings);
  await translated(() => client.connect());
  const vms = new VmOperations(client);
  return {
    endpoint: client.endpoint,
    leftovers: (prefix) => translated(() => leftovers(client, prefix, settings.goldenImage)),
    remove: async (vm) => {
      try {
        await vms.destroy(new MoRef('VirtualMachine', vm.id), vm.powerState || undefined);
        return { deleted: true };
      } catch (error) {
        // The vCenter's own words: a fault's message, or vim25's (the same as the application's, without a hint).
        return { deleted: false, reason: (error as Error).message };
      }
    },
    close: () => client.logout(),
  };
}

async function leftovers(client: VimClient, prefix: string, goldenImage: string | undefined): Promise<Leftover[]> {
  const vms = await listObjects(client, 'VirtualMachine', ['name', 'config.annotation', 'runtime.powerState']);
  return vms
    .map((vm) => ({ id: vm.obj.value, name: vm.props.name ?? '', annotation: vm.props['config.annotation'] ?? '', powerState: vm.props['runtime.powerState'] ?? '' as const }))
    .filter((vm) => vm.name.startsWith(prefix) && vm.name !== goldenImage)
    .sort((a, b) => a.name.localeCompare(b.name));
}
