/**
 * PropertyCollector and ViewManager: read properties of many objects in one call
 * (RetrievePropertiesEx, following its token), coalesce the reads of many callers into
 * such calls (BatchedReader), and list every object of a type through a
 * container view. Property values come decoded by their `xsi:type`; `ManagedObjects`
 * states, per managed object type, the type of each property path vdibench reads (as
 * govmomi's vim25/mo does): the one place where a path is bound to its type.
 */
import type { VimClient } from './client.js';
import { VimFault } from './errors.js';
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

interface QueuedRead<Props> {
  obj: MoRef;
  readers: { resolve: (props: Props | undefined) => void; reject: (error: unknown) => void }[];
}

/**
 * The same properties of objects of one type, read for many callers in as few
 * RetrievePropertiesEx as it takes: the reads asked for in one turn of the event loop go
 * in one call, and so do all those asked while a call is in flight (one call at a time;
 * the next carries every read asked meanwhile, as TaskWatcher batches its view changes).
 * 40 desktops polled together cost one call, not 40.
 *
 * An object that no longer exists does not fail the others' reads
 * (`reportMissingObjectsInResults`: the server leaves it out of the result): read() gives
 * undefined for it, readExisting() the ManagedObjectNotFound fault a call on that object
 * alone would have given. A failed call fails every read it carried, with its error.
 */
export class BatchedReader<T extends ManagedObjectType, P extends keyof ManagedObjects[T] & string> {
  private queued = new Map<string, QueuedRead<ObjectProperties<T, P>['props']>>();
  private running = false;

  constructor(private readonly client: VimClient, private readonly type: T, private readonly pathSet: P[]) {}

  /** The object's properties, or undefined when it no longer exists. */
  read(obj: MoRef): Promise<ObjectProperties<T, P>['props'] | undefined> {
    return new Promise((resolve, reject) => {
      const queued = this.queued.get(obj.value);
      if (queued) queued.readers.push({ resolve, reject });
      else this.queued.set(obj.value, { obj, readers: [{ resolve, reject }] });
      if (!this.running) void this.run();
    });
  }

  /** The object's properties; a VimFault ManagedObjectNotFound when it no longer exists. */
  async readExisting(obj: MoRef): Promise<ObjectProperties<T, P>['props']> {
    const props = await this.read(obj);
    if (!props) throw new VimFault('ManagedObjectNotFound', `The object '${obj.type}:${obj.value}' has already been deleted or has not been completely created`);
    return props;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queued.size > 0) {
        // The reads the rest of this turn asks for join (continuations of the last results among them).
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.queued;
        this.queued = new Map();
        try {
          const objects = await collect<T, P>(this.client, {
            propSet: [{ type: this.type, all: false, pathSet: this.pathSet }],
            objectSet: [...batch.values()].map(({ obj }) => ({ obj, skip: false })),
            reportMissingObjectsInResults: true,
          });
          const found = new Map(objects.map((object) => [object.obj.value, object.props]));
          for (const [value, { readers }] of batch) for (const reader of readers) reader.resolve(found.get(value));
        } catch (error) {
          for (const { readers } of batch.values()) for (const reader of readers) reader.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
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
