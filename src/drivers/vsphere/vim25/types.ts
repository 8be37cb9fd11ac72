/**
 * The vim25 data types vdibench uses, as TypeScript interfaces, and their schema: each
 * type's elements in WSDL order with their types. encoding.ts writes requests and reads
 * responses from this table only, so element order is known in one place (govmomi's
 * vim25/types does the same from the WSDL). Types list only the fields vdibench sends or
 * reads: what is left out is optional in the WSDL, and the order of what is listed is
 * the WSDL's.
 *
 * A value of a subtype where the WSDL names a base type (a TraversalSpec in a selectSet)
 * carries its type name in `_type`; decoded objects carry their `xsi:type` there too.
 */
import type { MoRef, XmlElement } from './xml.js';

// ---- PropertyCollector, ViewManager

export interface SelectionSpec {
  _type?: string;
  name?: string;
}

export interface TraversalSpec extends SelectionSpec {
  _type: 'TraversalSpec';
  type: string;
  path: string;
  skip?: boolean;
  selectSet?: SelectionSpec[];
}

export interface PropertySpec {
  type: string;
  all?: boolean;
  pathSet?: string[];
}

export interface ObjectSpec {
  obj: MoRef;
  skip?: boolean;
  selectSet?: (SelectionSpec | TraversalSpec)[];
}

export interface PropertyFilterSpec {
  propSet: PropertySpec[];
  objectSet: ObjectSpec[];
  /** true: an object of objectSet that no longer exists is left out of a RetrieveResult instead of failing the call (ManagedObjectNotFound). */
  reportMissingObjectsInResults?: boolean;
}

export interface RetrieveOptions {
  maxObjects?: number;
}

export interface DynamicProperty {
  name: string;
  /** Decoded by its `xsi:type` (encoding.ts): string, number, boolean, MoRef, an array, a data object, or the element itself for a type not in the schema. */
  val: unknown;
}

export interface ObjectContent {
  obj: MoRef;
  propSet?: DynamicProperty[];
}

export interface RetrieveResult {
  token?: string;
  objects?: ObjectContent[];
}

export interface WaitOptions {
  maxWaitSeconds?: number;
  maxObjectUpdates?: number;
}

export interface PropertyChange {
  name: string;
  op: string;
  val?: unknown;
}

export interface ObjectUpdate {
  kind: string;
  obj: MoRef;
  changeSet?: PropertyChange[];
}

export interface PropertyFilterUpdate {
  filter: MoRef;
  objectSet?: ObjectUpdate[];
}

export interface UpdateSet {
  version: string;
  filterSet?: PropertyFilterUpdate[];
}

// ---- ServiceInstance, faults, tasks

export interface AboutInfo {
  fullName: string;
  apiVersion: string;
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager?: MoRef;
  about: AboutInfo;
  sessionManager?: MoRef;
  customizationSpecManager?: MoRef;
  perfManager?: MoRef;
}

/** Any fault: `_type` is its type (InvalidPowerState, NotFound, …). */
export interface MethodFault {
  _type?: string;
}

export interface LocalizedMethodFault {
  fault: MethodFault;
  localizedMessage?: string;
}

// ---- VirtualMachine

export interface VirtualMachineRelocateSpec {
  folder?: MoRef;
  datastore?: MoRef;
  diskMoveType?: 'moveAllDiskBackingsAndDisallowSharing' | 'moveAllDiskBackingsAndAllowSharing' | 'moveChildMostDiskBacking' | 'createNewChildDiskBacking' | 'moveAllDiskBackingsAndConsolidate';
  pool?: MoRef;
  host?: MoRef;
}

/** A key and its value (a VM's extraConfig entry); vdibench writes and reads string values only. */
export interface OptionValue {
  key: string;
  value: string;
}

export interface VirtualMachineConfigSpec {
  annotation?: string;
  extraConfig?: OptionValue[];
}

export interface VirtualMachineCloneSpec {
  location: VirtualMachineRelocateSpec;
  template: boolean;
  config?: VirtualMachineConfigSpec;
  powerOn: boolean;
  snapshot?: MoRef;
}

export interface VirtualMachineInstantCloneSpec {
  name: string;
  location: VirtualMachineRelocateSpec;
  /** extraConfig entries of the new VM. */
  config?: OptionValue[];
}

export interface VirtualMachineSnapshotTree {
  snapshot: MoRef;
  name: string;
  childSnapshotList?: VirtualMachineSnapshotTree[];
}

export interface VirtualMachineSnapshotInfo {
  currentSnapshot?: MoRef;
  rootSnapshotList?: VirtualMachineSnapshotTree[];
}

/**
 * A CustomizationSpec is held as the element the server sent (GetCustomizationSpec) and
 * written back as it came (CustomizeVM_Task): vdibench never reads or changes a spec, and
 * its type tree (Sysprep, LinuxPrep, NIC settings, each with subtypes) is far larger than
 * what this schema should carry only to copy it. The element keeps the server's element
 * order and `xsi:type`s, so the copy is exact without knowing the types.
 */
export type CustomizationSpec = XmlElement;

export interface CustomizationSpecInfo {
  name: string;
  type?: string;
}

export interface CustomizationSpecItem {
  info: CustomizationSpecInfo;
  /** Absent only from an answer vdibench cannot use. */
  spec?: CustomizationSpec;
}

// ---- PerformanceManager

export interface ElementDescription {
  key: string;
}

export interface PerfCounterInfo {
  key: number;
  nameInfo: ElementDescription;
  groupInfo: ElementDescription;
  rollupType: string;
}

export interface PerfProviderSummary {
  refreshRate?: number;
}

export interface PerfMetricId {
  counterId: number;
  instance: string;
}

export interface PerfQuerySpec {
  entity: MoRef;
  startTime?: string;
  maxSample?: number;
  metricId?: PerfMetricId[];
  intervalId?: number;
  format?: 'normal' | 'csv';
}

export interface PerfSampleInfo {
  timestamp: string;
  interval: number;
}

/** A series in `normal` format (the only one asked for). */
export interface PerfMetricIntSeries {
  id: PerfMetricId;
  value?: number[];
}

export interface PerfEntityMetric {
  entity: MoRef;
  sampleInfo?: PerfSampleInfo[];
  value?: PerfMetricIntSeries[];
}

// ---- the schema

/**
 * Element types: xsd scalars, `ManagedObjectReference`, `anyType` (decoded by its
 * `xsi:type`), `xml` (an element kept as parsed), or a data type of this table. A
 * trailing `[]` is a repeated element.
 */
type Field = `${string}:${string}`;

const DATA_TYPES = {
  SelectionSpec: ['name:string'],
  TraversalSpec: ['name:string', 'type:string', 'path:string', 'skip:boolean', 'selectSet:SelectionSpec[]'],
  PropertySpec: ['type:string', 'all:boolean', 'pathSet:string[]'],
  ObjectSpec: ['obj:ManagedObjectReference', 'skip:boolean', 'selectSet:SelectionSpec[]'],
  PropertyFilterSpec: ['propSet:PropertySpec[]', 'objectSet:ObjectSpec[]', 'reportMissingObjectsInResults:boolean'],
  RetrieveOptions: ['maxObjects:int'],
  DynamicProperty: ['name:string', 'val:anyType'],
  ObjectContent: ['obj:ManagedObjectReference', 'propSet:DynamicProperty[]'],
  RetrieveResult: ['token:string', 'objects:ObjectContent[]'],
  WaitOptions: ['maxWaitSeconds:int', 'maxObjectUpdates:int'],
  PropertyChange: ['name:string', 'op:string', 'val:anyType'],
  ObjectUpdate: ['kind:string', 'obj:ManagedObjectReference', 'changeSet:PropertyChange[]'],
  PropertyFilterUpdate: ['filter:ManagedObjectReference', 'objectSet:ObjectUpdate[]'],
  UpdateSet: ['version:string', 'filterSet:PropertyFilterUpdate[]'],
  AboutInfo: ['fullName:string', 'apiVersion:string'],
  ServiceContent: ['rootFolder:ManagedObjectReference', 'propertyCollector:ManagedObjectReference', 'viewManager:ManagedObjectReference', 'about:AboutInfo',
    'sessionManager:ManagedObjectReference', 'customizationSpecManager:ManagedObjectReference', 'perfManager:ManagedObjectReference'],
  MethodFault: [],
  LocalizedMethodFault: ['fault:MethodFault', 'localizedMessage:string'],
  VirtualMachineRelocateSpec: ['folder:ManagedObjectReference', 'datastore:ManagedObjectReference', 'diskMoveType:string', 'pool:ManagedObjectReference', 'host:ManagedObjectReference'],
  OptionValue: ['key:string', 'value:anyType'],
  VirtualMachineConfigSpec: ['annotation:string', 'extraConfig:OptionValue[]'],
  VirtualMachineCloneSpec: ['location:VirtualMachineRelocateSpec', 'template:boolean', 'config:VirtualMachineConfigSpec', 'powerOn:boolean', 'snapshot:ManagedObjectReference'],
  VirtualMachineInstantCloneSpec: ['name:string', 'location:VirtualMachineRelocateSpec', 'config:OptionValue[]'],
  VirtualMachineSnapshotTree: ['snapshot:ManagedObjectReference', 'name:string', 'childSnapshotList:VirtualMachineSnapshotTree[]'],
  VirtualMachineSnapshotInfo: ['currentSnapshot:ManagedObjectReference', 'rootSnapshotList:VirtualMachineSnapshotTree[]'],
  CustomizationSpecInfo: ['name:string', 'type:string'],
  CustomizationSpecItem: ['info:CustomizationSpecInfo', 'spec:xml'],
  ElementDescription: ['key:string'],
  PerfCounterInfo: ['key:int', 'nameInfo:ElementDescription', 'groupInfo:ElementDescription', 'rollupType:string'],
  PerfProviderSummary: ['refreshRate:int'],
  PerfMetricId: ['counterId:int', 'instance:string'],
  PerfQuerySpec: ['entity:ManagedObjectReference', 'startTime:dateTime', 'maxSample:int', 'metricId:PerfMetricId[]', 'intervalId:int', 'format:string'],
  PerfSampleInfo: ['timestamp:dateTime', 'interval:int'],
  PerfMetricIntSeries: ['id:PerfMetricId', 'value:long[]'],
  PerfEntityMetric: ['entity:ManagedObjectReference', 'sampleInfo:PerfSampleInfo[]', 'value:PerfMetricIntSeries[]'],
} satisfies Record<string, Field[]>;

/** Each method's request (`<Method>RequestType`), `_this` first. */
const REQUEST_TYPES = {
  RetrieveServiceContent: ['_this:ManagedObjectReference'],
  Login: ['_this:ManagedObjectReference', 'userName:string', 'password:string'],
  Logout: ['_this:ManagedObjectReference'],
  CreateContainerView: ['_this:ManagedObjectReference', 'container:ManagedObjectReference', 'type:string[]', 'recursive:boolean'],
  DestroyView: ['_this:ManagedObjectReference'],
  CreateListView: ['_this:ManagedObjectReference', 'obj:ManagedObjectReference[]'],
  ModifyListView: ['_this:ManagedObjectReference', 'add:ManagedObjectReference[]', 'remove:ManagedObjectReference[]'],
  RetrievePropertiesEx: ['_this:ManagedObjectReference', 'specSet:PropertyFilterSpec[]', 'options:RetrieveOptions'],
  ContinueRetrievePropertiesEx: ['_this:ManagedObjectReference', 'token:string'],
  CreateFilter: ['_this:ManagedObjectReference', 'spec:PropertyFilterSpec', 'partialUpdates:boolean'],
  DestroyPropertyFilter: ['_this:ManagedObjectReference'],
  WaitForUpdatesEx: ['_this:ManagedObjectReference', 'version:string', 'options:WaitOptions'],
  CloneVM_Task: ['_this:ManagedObjectReference', 'folder:ManagedObjectReference', 'name:string', 'spec:VirtualMachineCloneSpec'],
  InstantClone_Task: ['_this:ManagedObjectReference', 'spec:VirtualMachineInstantCloneSpec'],
  CreateSnapshot_Task: ['_this:ManagedObjectReference', 'name:string', 'description:string', 'memory:boolean', 'quiesce:boolean'],
  RevertToSnapshot_Task: ['_this:ManagedObjectReference', 'host:ManagedObjectReference', 'suppressPowerOn:boolean'],
  PowerOnVM_Task: ['_this:ManagedObjectReference'],
  PowerOffVM_Task: ['_this:ManagedObjectReference'],
  Destroy_Task: ['_this:ManagedObjectReference'],
  CustomizeVM_Task: ['_this:ManagedObjectReference', 'spec:xml'],
  GetCustomizationSpec: ['_this:ManagedObjectReference', 'name:string'],
  QueryPerfProviderSummary: ['_this:ManagedObjectReference', 'entity:ManagedObjectReference'],
  QueryPerf: ['_this:ManagedObjectReference', 'querySpec:PerfQuerySpec[]'],
} satisfies Record<string, Field[]>;

export type DataTypeName = keyof typeof DATA_TYPES;
export type MethodName = keyof typeof REQUEST_TYPES;

export interface FieldSchema {
  readonly name: string;
  readonly type: string;
  readonly array: boolean;
}

function fieldsOf(fields: readonly Field[]): FieldSchema[] {
  return fields.map((field) => {
    const [name = '', type = ''] = field.split(':');
    return { name, type: type.replace(/\[\]$/, ''), array: type.endsWith('[]') };
  });
}

const dataSchemas = new Map<string, FieldSchema[]>(Object.entries(DATA_TYPES).map(([name, fields]) => [name, fieldsOf(fields)]));
const requestSchemas = new Map<string, FieldSchema[]>(Object.entries(REQUEST_TYPES).map(([name, fields]) => [name, fieldsOf(fields)]));

/** A data type's fields in WSDL order; undefined for a type not in the schema. */
export function dataType(name: string): FieldSchema[] | undefined {
  return dataSchemas.get(name);
}

export function requestType(method: MethodName): FieldSchema[] {
  return requestSchemas.get(method)!;
}
