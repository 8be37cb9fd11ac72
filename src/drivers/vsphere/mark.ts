/**
 * How a VM is known to be vdibench's: besides its name (the run's prefix), every VM the
 * driver creates carries the run id in its extraConfig (`vdibench.runId`, with its role in
 * `vdibench.role`) and in its annotation. extraConfig is kept by vCenter with the VM (and
 * by govmomi's simulator on clones, which drop the annotation), is not shown for editing in
 * the vSphere Client as the notes are, and a name alone is not proof: `bench cleanup`
 * deletes only VMs carrying the extraConfig mark.
 */
import type { VmRole } from '../types.js';
import type { OptionValue } from './vim25/types.js';

const RUN_ID_KEY = 'vdibench.runId';
const ROLE_KEY = 'vdibench.role';

/** The extraConfig entries a created VM carries. */
export function markEntries(runId: string, role: VmRole): OptionValue[] {
  return [{ key: RUN_ID_KEY, value: runId }, { key: ROLE_KEY, value: role }];
}

export function annotation(runId: string, role: VmRole): string {
  return `created by vdibench run ${runId} (${role})`;
}

/** The run id a VM's extraConfig names, if it carries the mark. */
export function markedRunId(extraConfig: readonly OptionValue[] | undefined): string | undefined {
  const value = extraConfig?.find((option) => option.key === RUN_ID_KEY)?.value;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
