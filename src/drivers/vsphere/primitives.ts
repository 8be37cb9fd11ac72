/**
 * The vSphere calls behind the strategies' primitives, on managed object references:
 * each starts a task and waits for it (tasks.ts), resolving with the task's result. Faults
 * stay vim25's (VimFault); the driver decides what they mean for the run.
 */
import type { VimClient } from './vim25/client.js';
import {
  cloneVMTask,
  createSnapshotTask,
  customizeVMTask,
  destroyTask,
  instantCloneTask,
  powerOffVMTask,
  powerOnVMTask,
} from './vim25/methods.js';
import { retrieveProperties, type VirtualMachinePowerState } from './vim25/properties.js';
import { TaskWatcher } from './vim25/tasks.js';
import type { CustomizationSpec, OptionValue, VirtualMachineCloneSpec, VirtualMachineRelocateSpec } from './vim25/types.js';
import { MoRef } from './vim25/xml.js';

export class VmOperations {
  private readonly tasks: TaskWatcher;

  /** vCenter tasks started and not finished. */
  get tasksInFlight(): number {
    return this.tasks.inFlight;
  }

  constructor(private readonly client: VimClient) {
    this.tasks = new TaskWatcher(client);
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

  async powerOff(vm: MoRef): Promise<void> {
    await this.tasks.wait(await powerOffVMTask(this.client, vm));
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
    const [props] = await retrieveProperties(this.client, 'VirtualMachine', [vm], ['runtime.powerState']);
    return props && { powerState: props.props['runtime.powerState'] };
  }

  /** Whether the VM is powered on and VMware Tools run in its guest. */
  async readiness(vm: MoRef): Promise<{ poweredOn: boolean; toolsRunning: boolean }> {
    const [props] = await retrieveProperties(this.client, 'VirtualMachine', [vm], ['runtime.powerState', 'guest.toolsRunningStatus']);
    return { poweredOn: props?.props['runtime.powerState'] === 'poweredOn', toolsRunning: props?.props['guest.toolsRunningStatus'] === 'guestToolsRunning' };
  }

  /** The host a VM runs on (its reference value). */
  async hostOf(vm: MoRef): Promise<string | undefined> {
    const [props] = await retrieveProperties(this.client, 'VirtualMachine', [vm], ['runtime.host']);
    return props?.props['runtime.host']?.value;
  }

  private async resultRef(task: MoRef, method: string): Promise<MoRef> {
    const result = await this.tasks.wait(task);
    if (!(result instanceof MoRef)) throw new Error(`vim25: ${method} gave no reference as its result`);
    return result;
  }
}
