/**
 * The vSphere calls behind the strategies' primitives, on managed object references:
 * each starts a task and waits for it (tasks.ts), resolving with the task's result. Faults
 * stay vim25's (VimFault); the driver decides what they mean for the run. Reads of VM
 * state are batched: concurrent reads share one RetrievePropertiesEx.
 */
import type { VimClient } from './vim25/client.js';
import { VimFault } from './vim25/errors.js';
import {
  cloneVMTask,
  createSnapshotTask,
  customizeVMTask,
  destroyTask,
  instantCloneTask,
  powerOffVMTask,
  powerOnVMTask,
  revertToSnapshotTask,
} from './vim25/methods.js';
import { BatchedReader, type VirtualMachinePowerState } from './vim25/properties.js';
import { TaskWatcher } from './vim25/tasks.js';
import type { CustomizationSpec, OptionValue, VirtualMachineCloneSpec, VirtualMachineRelocateSpec } from './vim25/types.js';
import { MoRef } from './vim25/xml.js';

export class VmOperations {
  private readonly tasks: TaskWatcher;

  /** vCenter tasks started and not finished. */
  get tasksInFlight(): number {
    return this.tasks.inFlight;
  }

  /**
   * Every read of a VM's state (readiness, host, power state): the reads of a moment, of
   * any of these kinds, go in one RetrievePropertiesEx (BatchedReader).
   */
  private readonly vmReads: BatchedReader<'VirtualMachine', 'runtime.powerState' | 'guest.toolsRunningStatus' | 'runtime.host'>;

  constructor(private readonly client: VimClient) {
    this.tasks = new TaskWatcher(client);
    this.vmReads = new BatchedReader(client, 'VirtualMachine', ['runtime.powerState', 'guest.toolsRunningStatus', 'runtime.host']);
  }

  async clone(vm: MoRef, folder: MoRef, name: string, spec: VirtualMachineCloneSpec): Promise<MoRef> {
    return this.resultRef(await cloneVMTask(this.client, vm, { folder, name, spec }), 'CloneVM_Task');
  }

  async instantClone(vm: MoRef, name: string, location: VirtualMachineRelocateSpec, extraConfig: OptionValue[]): Promise<MoRef> {
    return this.resultRef(await instantCloneTask(this.client, vm, { name, location, config: extraConfig }), 'InstantClone_Task');
  }

  async snapshot(vm: MoRef, name: string, description: string): Promise<MoRef> {
    return this.resultRef(await createSnapshotTask(this.client, vm, { name, description, memory: false, quiesce: false }), 'CreateSnapshot_Task');
  }

  async powerOn(vm: MoRef): Promise<void> {
    await this.tasks.wait(await powerOnVMTask(this.client, vm));
  }

  /** RevertToSnapshot_Task, never powering the VM on (a memory-less snapshot leaves it off anyway). */
  async revert(snapshot: MoRef): Promise<void> {
    await this.tasks.wait(await revertToSnapshotTask(this.client, snapshot, { suppressPowerOn: true }));
  }

  async powerOff(vm: MoRef): Promise<void> {
    await this.tasks.wait(await powerOffVMTask(this.client, vm));
  }

  /**
   * A hard power-off that is done when the VM is already off (Horizon's, and the `sim`
   * driver's: a retried refresh powers off a desktop the last try left off). vCenter
   * refuses PowerOffVM_Task on a powered-off VM (InvalidPowerState); only then is the
   * state read, to tell that from a real refusal.
   */
  async powerOffUnlessOff(vm: MoRef): Promise<void> {
    try {
      await this.powerOff(vm);
    } catch (error) {
      if (!(error instanceof VimFault && error.faultType === 'InvalidPowerState')) throw error;
      const current = await this.vmReads.readExisting(vm);
      if (current['runtime.powerState'] !== 'poweredOff') throw error;
    }
  }

  /** CustomizeVM_Task (the VM must be off; the spec applies at its next boot). */
  async customize(vm: MoRef, spec: CustomizationSpec): Promise<void> {
    await this.tasks.wait(await customizeVMTask(this.client, vm, spec));
  }

  /** Power off unless already off (`powerState` as last read), then destroy. */
  async destroy(vm: MoRef, powerState: VirtualMachinePowerState | undefined): Promise<void> {
    if (powerState !== 'poweredOff') await this.powerOff(vm);
    await this.tasks.wait(await destroyTask(this.client, vm));
  }

  /** The VM's power state, or undefined when it no longer exists. */
  async powerState(vm: MoRef): Promise<{ powerState?: VirtualMachinePowerState } | undefined> {
    const props = await this.vmReads.read(vm);
    return props && { powerState: props['runtime.powerState'] };
  }

  /** Whether the VM is powered on and VMware Tools run in its guest (ManagedObjectNotFound when it no longer exists). */
  async readiness(vm: MoRef): Promise<{ poweredOn: boolean; toolsRunning: boolean }> {
    const props = await this.vmReads.readExisting(vm);
    return { poweredOn: props['runtime.powerState'] === 'poweredOn', toolsRunning: props['guest.toolsRunningStatus'] === 'guestToolsRunning' };
  }

  /** The host a VM runs on (its reference value; ManagedObjectNotFound when the VM no longer exists). */
  async hostOf(vm: MoRef): Promise<string | undefined> {
    return (await this.vmReads.readExisting(vm))['runtime.host']?.value;
  }

  private async resultRef(task: MoRef, method: string): Promise<MoRef> {
    const result = await this.tasks.wait(task);
    if (!(result instanceof MoRef)) throw new Error(`vim25: ${method} gave no reference as its result`);
    return result;
  }
}
