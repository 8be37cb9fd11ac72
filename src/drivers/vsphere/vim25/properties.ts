/**
 * PropertyCollector and ViewManager: read properties of many objects in one call
 * (RetrievePropertiesEx, following its token), and list every object of a type through a
 * container view. Property values come decoded by their `xsi:type`; `ManagedObjects`
 * states, per managed object type, the type of each property path vdibench reads (as
 * govmomi's vim25/mo does): the one place where a path is bound to its type.
 */
import type { VimClient } from './client.js';
import { continueRetrievePropertiesEx, createContainerView, destroyView, retrievePropertiesEx } from './methods.js';
import type { LocalizedMethodFault, OptionValue, PerfCounterInfo, PropertyFilterSpec, TraversalSpec, VirtualMachineSnapshotInfo } from './types.js';
import type { MoRef } from './xml.js';

export type TaskInfoState = 'queued' | 'running' | 'success' | 'error';
export type VirtualMachinePowerState = 'poweredOn' | 'poweredOff' | 'suspended';

export interface ManagedObjects {
  ClusterComputeResource: { name: string; host: MoRef[]; datastore: MoRef[]; resourcePool: MoRef };
  HostSystem: { name: string; 'summary.hardware.cpuMhz': number; 'summary.hardware.numCpuCores': number };
  Datastore: { name: string; 'summary.freeSpace': number };
  Folder: { name: string };
  VirtualMachine: {
    name: string;
    parent: MoRef;
    snapshot: VirtualMachineSnapshotInfo;
    'runtime.host': MoRef;
    'runtime.powerState': VirtualMachinePowerState;
    'guest.toolsRunningStatus': string;
    'guest.hostName': string;
    'summary.storage.committed': number;
    'config.annotation': string;
    'config.template': boolean;
    'config.extraConfig': OptionValue[];
  };
  PerformanceManager: { perfCounter: PerfCounterInfo[] };
  Task: { 'info.state': TaskInfoState; 'info.error': LocalizedMethodFault; 'info.result': unknown };
}

type ManagedObjectType = keyof ManagedObjects;

interface ObjectProperties<T extends ManagedObjectType, P extends keyof ManagedObjects[T]> {
  obj: MoRef;
  /** The properties asked for; a property without a value (unset on the server) is absent. */
  props: Partial<Pick<ManagedObjects[T], P>>;
}

export async function retrieveProperties<T extends ManagedObjectType, P extends keyof ManagedObjects[T] & string>(
  client: VimClient, type: T, objects: MoRef[], pathSet: P[],
): Promise<ObjectProperties<T, P>[]> {
  if (objects.length === 0) return [];
  return collect(client, { propSet: [{ type, all: false, pathSet }], objectSet: objects.map((obj) => ({ obj, skip: false })) });
}

/** Every object of `type` under the root folder, with the given properties. */
export async function listObjects<T extends ManagedObjectType, P extends keyof ManagedObjects[T] & string>(
  client: VimClient, type: T, pathSet: P[],
): Promise<ObjectProperties<T, P>[]> {
  const { rootFolder, viewManager } = client.serviceContent;
  if (!viewManager) throw new Error('vim25: this endpoint has no ViewManager');
  const view = await createContainerView(client, viewManager, { container: rootFolder, type: [type], recursive: true });
  const traversal: TraversalSpec = { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false };
  try {
    return await collect(client, { propSet: [{ type, all: false, pathSet }], objectSet: [{ obj: view, skip: true, selectSet: [traversal] }] });
  } finally {
    await destroyView(client, view).catch(() => undefined);
  }
}

async function collect<T extends ManagedObjectType, P extends keyof ManagedObjects[T]>(client: VimClient, spec: PropertyFilterSpec): Promise<ObjectProperties<T, P>[]> {
  const collector = client.serviceContent.propertyCollector;
  const results: ObjectProperties<T, P>[] = [];
  let result = await retrievePropertiesEx(client, collector, [spec]);
  while (result) {
    for (const object of result.objects ?? []) {
      // The property types are ManagedObjects' statement about the server (see the file comment).
      const props = Object.fromEntries((object.propSet ?? []).map((prop) => [prop.name, prop.val])) as ObjectProperties<T, P>['props'];
      results.push({ obj: object.obj, props });
    }
    if (!result.token) break;
    result = await continueRetrievePropertiesEx(client, collector, result.token);
  }
  return results;
}
