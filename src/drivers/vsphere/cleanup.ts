/**
 * What runs left behind on a vCenter (`bench cleanup`), and deleting it (powered off
 * first). A VM is vdibench's only when it carries the mark every VM the driver creates
 * carries (mark.ts: the run id in its extraConfig) and its name starts with the prefix; a
 * template or the golden image never is, whatever it carries. VMs with the prefix that are
 * not vdibench's are listed apart, with why, and never touched.
 */
import { translated, vimClient } from './errors.js';
import { markedRunId } from './mark.js';
import { VmOperations } from './primitives.js';
import type { VimClient, VimConnection } from './vim25/client.js';
import { listObjects, retrieveProperties, type VirtualMachinePowerState } from './vim25/properties.js';
import { MoRef } from './vim25/xml.js';

export interface Leftover {
  /** The VM's managed object id. */
  id: string;
  name: string;
  powerState: VirtualMachinePowerState | '';
  annotation: string;
  /** The run that created it (its mark). */
  runId: string;
}

/** A VM whose name has the prefix but that cleanup leaves alone. */
export interface Foreign {
  name: string;
  /** Why it is not attributed to vdibench. */
  reason: string;
}

type CleanupSettings = VimConnection & {
  /** Never deleted, whatever its name or marks. */
  goldenImage?: string;
};

interface CleanupSession {
  /** The SOAP endpoint, as messages name the vCenter. */
  readonly endpoint: string;
  /** VMs whose names start with `prefix`, by name: vdibench's (`ours`) and the others. */
  leftovers(prefix: string): Promise<{ ours: Leftover[]; notOurs: Foreign[] }>;
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

async function leftovers(client: VimClient, prefix: string, goldenImage: string | undefined): Promise<{ ours: Leftover[]; notOurs: Foreign[] }> {
  // Names first (one cheap listing), then the marks of the few whose name matches: a VM's
  // extraConfig can hold hundreds of entries, not worth reading for every VM of a vCenter.
  const named = (await listObjects(client, 'VirtualMachine', ['name'])).filter((vm) => (vm.props.name ?? '').startsWith(prefix));
  const details = await retrieveProperties(client, 'VirtualMachine', named.map((vm) => vm.obj),
    ['name', 'config.annotation', 'config.template', 'config.extraConfig', 'runtime.powerState']);
  const ours: Leftover[] = [];
  const notOurs: Foreign[] = [];
  for (const vm of details) {
    const name = vm.props.name ?? '';
    const runId = markedRunId(vm.props['config.extraConfig']);
    if (name === goldenImage) notOurs.push({ name, reason: 'the golden image' });
    else if (vm.props['config.template']) notOurs.push({ name, reason: 'a template' });
    else if (!runId) notOurs.push({ name, reason: 'no vdibench mark (extraConfig vdibench.runId)' });
    else ours.push({ id: vm.obj.value, name, runId, annotation: vm.props['config.annotation'] ?? '', powerState: vm.props['runtime.powerState'] ?? '' });
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { numeric: true });
  return { ours: ours.sort(byName), notOurs: notOurs.sort(byName) };
}
