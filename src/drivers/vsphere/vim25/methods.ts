/**
 * One typed function per vim25 method vdibench calls (govmomi's vim25/methods): the
 * arguments are the method's request (types.ts), the result its decoded `returnval`.
 * `*_Task` methods return the Task's reference; tasks.ts follows it.
 */
import { decodeReturn, decodeReturns } from './encoding.js';
import type {
  CustomizationSpec,
  CustomizationSpecItem,
  MethodName,
  PerfEntityMetric,
  PerfProviderSummary,
  PerfQuerySpec,
  PropertyFilterSpec,
  RetrieveOptions,
  RetrieveResult,
  ServiceContent,
  UpdateSet,
  VirtualMachineCloneSpec,
  VirtualMachineInstantCloneSpec,
  WaitOptions,
} from './types.js';
import { MoRef, type XmlElement } from './xml.js';

/**
 * What a method needs of a client: one SOAP call. The client (client.ts) implements it and
 * uses these methods for its own session, so this interface keeps the two files acyclic.
 */
export interface VimClient {
  invoke(method: MethodName, request: object): Promise<XmlElement>;
}

const SERVICE_INSTANCE = new MoRef('ServiceInstance', 'ServiceInstance');

function required<T>(value: T | undefined, method: string): T {
  if (value === undefined) throw new Error(`vim25: ${method} returned nothing`);
  return value;
}

async function returnRef(client: VimClient, method: Parameters<VimClient['invoke']>[0], request: object): Promise<MoRef> {
  const response: XmlElement = await client.invoke(method, request);
  return required(decodeReturn<MoRef>(response, 'ManagedObjectReference'), method);
}

// ---- ServiceInstance, SessionManager

export async function retrieveServiceContent(client: VimClient): Promise<ServiceContent> {
  const response = await client.invoke('RetrieveServiceContent', { _this: SERVICE_INSTANCE });
  return required(decodeReturn<ServiceContent>(response, 'ServiceContent'), 'RetrieveServiceContent');
}

export async function login(client: VimClient, sessionManager: MoRef, request: { userName: string; password: string }): Promise<void> {
  await client.invoke('Login', { _this: sessionManager, ...request });
}

export async function logout(client: VimClient, sessionManager: MoRef): Promise<void> {
  await client.invoke('Logout', { _this: sessionManager });
}

// ---- ViewManager, PropertyCollector

export function createContainerView(client: VimClient, viewManager: MoRef, request: { container: MoRef; type: string[]; recursive: boolean }): Promise<MoRef> {
  return returnRef(client, 'CreateContainerView', { _this: viewManager, ...request });
}

export async function destroyView(client: VimClient, view: MoRef): Promise<void> {
  await client.invoke('DestroyView', { _this: view });
}

export function createListView(client: VimClient, viewManager: MoRef, objects: MoRef[]): Promise<MoRef> {
  return returnRef(client, 'CreateListView', { _this: viewManager, obj: objects });
}

export async function modifyListView(client: VimClient, view: MoRef, change: { add?: MoRef[]; remove?: MoRef[] }): Promise<void> {
  await client.invoke('ModifyListView', { _this: view, ...change });
}

export async function retrievePropertiesEx(client: VimClient, collector: MoRef, specSet: PropertyFilterSpec[], options: RetrieveOptions = {}): Promise<RetrieveResult | undefined> {
  return decodeReturn<RetrieveResult>(await client.invoke('RetrievePropertiesEx', { _this: collector, specSet, options }), 'RetrieveResult');
}

export async function continueRetrievePropertiesEx(client: VimClient, collector: MoRef, token: string): Promise<RetrieveResult | undefined> {
  return decodeReturn<RetrieveResult>(await client.invoke('ContinueRetrievePropertiesEx', { _this: collector, token }), 'RetrieveResult');
}

export function createFilter(client: VimClient, collector: MoRef, spec: PropertyFilterSpec, partialUpdates: boolean): Promise<MoRef> {
  return returnRef(client, 'CreateFilter', { _this: collector, spec, partialUpdates });
}

/** Undefined when nothing changed within `options.maxWaitSeconds`. */
export async function waitForUpdatesEx(client: VimClient, collector: MoRef, version: string, options: WaitOptions): Promise<UpdateSet | undefined> {
  return decodeReturn<UpdateSet>(await client.invoke('WaitForUpdatesEx', { _this: collector, version, options }), 'UpdateSet');
}

// ---- VirtualMachine (each returns the Task)

export function cloneVMTask(client: VimClient, vm: MoRef, request: { folder: MoRef; name: string; spec: VirtualMachineCloneSpec }): Promise<MoRef> {
  return returnRef(client, 'CloneVM_Task', { _this: vm, ...request });
}

export function instantCloneTask(client: VimClient, vm: MoRef, spec: VirtualMachineInstantCloneSpec): Promise<MoRef> {
  return returnRef(client, 'InstantClone_Task', { _this: vm, spec });
}

export function createSnapshotTask(client: VimClient, vm: MoRef, request: { name: string; description?: string; memory: boolean; quiesce: boolean }): Promise<MoRef> {
  return returnRef(client, 'CreateSnapshot_Task', { _this: vm, ...request });
}

/** On a VirtualMachineSnapshot: the VM goes back to that snapshot. */
export function revertToSnapshotTask(client: VimClient, snapshot: MoRef, request: { suppressPowerOn?: boolean } = {}): Promise<MoRef> {
  return returnRef(client, 'RevertToSnapshot_Task', { _this: snapshot, ...request });
}

export function powerOnVMTask(client: VimClient, vm: MoRef): Promise<MoRef> {
  return returnRef(client, 'PowerOnVM_Task', { _this: vm });
}

export function powerOffVMTask(client: VimClient, vm: MoRef): Promise<MoRef> {
  return returnRef(client, 'PowerOffVM_Task', { _this: vm });
}

export function destroyTask(client: VimClient, entity: MoRef): Promise<MoRef> {
  return returnRef(client, 'Destroy_Task', { _this: entity });
}

export function customizeVMTask(client: VimClient, vm: MoRef, spec: CustomizationSpec): Promise<MoRef> {
  return returnRef(client, 'CustomizeVM_Task', { _this: vm, spec });
}

// ---- CustomizationSpecManager

export async function getCustomizationSpec(client: VimClient, manager: MoRef, name: string): Promise<CustomizationSpecItem> {
  return required(decodeReturn<CustomizationSpecItem>(await client.invoke('GetCustomizationSpec', { _this: manager, name }), 'CustomizationSpecItem'), 'GetCustomizationSpec');
}

// ---- PerformanceManager

export async function queryPerfProviderSummary(client: VimClient, perfManager: MoRef, entity: MoRef): Promise<PerfProviderSummary | undefined> {
  return decodeReturn<PerfProviderSummary>(await client.invoke('QueryPerfProviderSummary', { _this: perfManager, entity }), 'PerfProviderSummary');
}

export async function queryPerf(client: VimClient, perfManager: MoRef, querySpec: PerfQuerySpec[]): Promise<PerfEntityMetric[]> {
  return decodeReturns<PerfEntityMetric>(await client.invoke('QueryPerf', { _this: perfManager, querySpec }), 'PerfEntityMetric');
}
