/**
 * The `vsphere` driver: the strategies' primitives on a real vCenter, through the vim25
 * client (vim25/). Every VM it creates carries the run's name prefix and an annotation
 * with the run id; host samples come from the PerformanceManager (docs/VSPHERE.md).
 */
import { InputError, RunError } from '../../errors.js';
import type { HostSample } from '../../metrics/types.js';
import { RealClock } from '../clock.js';
import {
  OperationError,
  type CloneOptions,
  type CustomizationKind,
  type HypervisorDriver,
  type ImageRef,
  type Inventory,
  type SampleListener,
  type SamplerHandle,
  type SnapshotRef,
  type VmRef,
  type VmRole,
} from '../types.js';
import { VimClient, VimFault, type VimConnection } from './vim25/client.js';
import { listObjects, retrieveProperties } from './vim25/properties.js';
import { TaskWatcher } from './vim25/tasks.js';
import { asArray, moRef, MoRef, RawXml, text, type XmlNode } from './vim25/xml.js';
import { PerfCollector } from './perf.js';

export interface VsphereSettings extends VimConnection {
  goldenImage: string;
  snapshot?: string;
  datastore?: string;
  cluster?: string;
  /** A vCenter customization spec applied to Composer-style desktops (QuickPrep's step). */
  customizationSpec?: string;
  /** `tools`: VMware Tools running in the guest (default); `powered-on`: as soon as the VM runs. */
  readyWhen: 'tools' | 'powered-on';
  readyTimeoutS: number;
}

export interface VsphereRunContext {
  runId: string;
  /** The scenario asks for instant clones (needs API 6.7+). */
  needsInstantClone: boolean;
}

const INSTANT_CLONE_API = [6, 7];

export function apiAtLeast(version: string, [major, minor]: number[]): boolean {
  const [vMajor = 0, vMinor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return vMajor > major! || (vMajor === major && vMinor >= minor!);
}

interface Placement {
  folder: MoRef;
  pool: MoRef;
  datastore: MoRef;
  hosts: Map<string, MoRef>;
  hostNames: Map<string, string>;
}

export class VsphereDriver implements HypervisorDriver {
  readonly name = 'vsphere';
  readonly clock = new RealClock();
  readonly client: VimClient;
  private tasks: TaskWatcher;
  private placement: Placement | undefined;
  private golden: ImageRef | undefined;
  private inventory: Inventory | undefined;
  /** The customization spec's XML as vCenter gave it. */
  private customizationSpecXml: RawXml | undefined;

  constructor(private readonly settings: VsphereSettings, private readonly run: VsphereRunContext) {
    this.client = new VimClient(settings);
    this.tasks = new TaskWatcher(this.client);
  }

  async open(): Promise<Inventory> {
    const content = await this.client.connect();
    if (this.run.needsInstantClone && !apiAtLeast(content.apiVersion, INSTANT_CLONE_API)) {
      throw new RunError(`vCenter at ${this.client.endpoint} speaks vSphere API ${content.apiVersion}; instant clones (InstantClone_Task) need API 6.7 or later`,
        'run composer-only, or use a vCenter 6.7+');
    }
    const clusters = await listObjects(this.client, 'ClusterComputeResource', ['name', 'host', 'datastore', 'resourcePool']);
    const cluster = this.settings.cluster ? clusters.find((candidate) => text(candidate.props.name) === this.settings.cluster) : clusters[0];
    if (!cluster) {
      throw new RunError(this.settings.cluster ? `vCenter has no cluster "${this.settings.cluster}" (it has: ${clusters.map((c) => text(c.props.name)).join(', ')})` : 'vCenter has no cluster');
    }
    const hostRefs = refsOf(cluster.props.host);
    const hosts = await retrieveProperties(this.client, hostRefs, 'HostSystem', ['name', 'summary.hardware.cpuMhz', 'summary.hardware.numCpuCores']);
    const datastores = await retrieveProperties(this.client, refsOf(cluster.props.datastore), 'Datastore', ['name', 'summary.freeSpace']);
    const datastore = this.settings.datastore ? datastores.find((candidate) => text(candidate.props.name) === this.settings.datastore) : datastores[0];
    if (!datastore) throw new RunError(this.settings.datastore ? `cluster ${text(cluster.props.name)} has no datastore "${this.settings.datastore}"` : `cluster ${text(cluster.props.name)} has no datastore`);

    const golden = await this.findVm(this.settings.goldenImage, ['name', 'snapshot', 'parent', 'runtime.host', 'summary.storage.committed']);
    if (!golden) throw new RunError(`golden image VM "${this.settings.goldenImage}" not found in vCenter at ${this.client.endpoint}`, 'check --golden-image');
    const snapshot = findSnapshot(golden.props.snapshot, this.settings.snapshot);
    if (!snapshot) {
      throw new RunError(this.settings.snapshot ? `golden image "${this.settings.goldenImage}" has no snapshot "${this.settings.snapshot}"` : `golden image "${this.settings.goldenImage}" has no snapshot to clone from`,
        'take a snapshot of the golden image, or name one with --snapshot');
    }
    const freeBytes = Number(text(datastore.props['summary.freeSpace']));
    const replicaBytes = Number(text(golden.props['summary.storage.committed']));
    if (Number.isFinite(freeBytes) && Number.isFinite(replicaBytes) && freeBytes < replicaBytes) {
      throw new RunError(`datastore ${text(datastore.props.name)} has ${(freeBytes / 2 ** 30).toFixed(1)} GB free; a replica of "${this.settings.goldenImage}" needs ${(replicaBytes / 2 ** 30).toFixed(1)} GB`);
    }

    if (this.settings.customizationSpec) this.customizationSpecXml = await this.fetchCustomizationSpec(this.settings.customizationSpec);

    const hostNames = new Map(hosts.map((host) => [host.obj.value, text(host.props.name)]));
    this.placement = {
      folder: moRef(golden.props.parent),
      pool: moRef(cluster.props.resourcePool),
      datastore: datastore.obj,
      hosts: new Map(hosts.map((host) => [text(host.props.name), host.obj])),
      hostNames,
    };
    const goldenVm: VmRef = { id: golden.obj.value, name: this.settings.goldenImage, host: hostNames.get(moRef(golden.props['runtime.host']).value) ?? '', role: 'template' };
    this.golden = { vm: goldenVm, snapshot: { id: snapshot.value, vm: goldenVm, name: this.settings.snapshot ?? 'current' } };
    this.inventory = {
      endpoint: this.client.endpoint.replace(/\/sdk$/, ''),
      cluster: text(cluster.props.name),
      datastores: datastores.map((candidate) => text(candidate.props.name)),
      hosts: hosts.map((host) => ({
        name: text(host.props.name),
        cpuMhz: Number(text(host.props['summary.hardware.cpuMhz'])) * Number(text(host.props['summary.hardware.numCpuCores'])),
      })),
      details: {
        product: content.fullName,
        apiVersion: content.apiVersion,
        goldenImage: this.settings.goldenImage,
        snapshot: this.golden.snapshot.name,
        datastore: text(datastore.props.name),
        readyWhen: this.settings.readyWhen,
        customizationSpec: this.settings.customizationSpec ?? 'none',
        digest: 'not available through the vSphere API (recorded as not performed)',
      },
    };
    return this.inventory;
  }

  async goldenImage(): Promise<ImageRef> {
    if (!this.golden) throw new Error('vsphere: open() first');
    return this.golden;
  }

  fullClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    return this.clone(source, options, 'moveAllDiskBackingsAndDisallowSharing');
  }

  linkedClone(source: SnapshotRef, options: CloneOptions): Promise<VmRef> {
    return this.clone(source, options, 'createNewChildDiskBacking');
  }

  async instantClone(parent: VmRef, options: CloneOptions): Promise<VmRef> {
    const placement = this.where();
    const ref = await this.operation(options.name, async () => moRef(await this.task(this.vmRef(parent), 'InstantClone_Task', {
      spec: { name: options.name, location: { folder: placement.folder, datastore: placement.datastore } },
    })));
    return { id: ref.value, name: options.name, host: parent.host, role: options.role };
  }

  async snapshot(vm: VmRef, name: string): Promise<SnapshotRef> {
    const ref = await this.operation(vm.name, async () => moRef(await this.task(this.vmRef(vm), 'CreateSnapshot_Task', {
      name, description: `vdibench ${this.run.runId}`, memory: false, quiesce: false,
    })));
    return { id: ref.value, vm, name };
  }

  /** The View Storage Accelerator digest is Horizon's own operation: the vSphere API has no call for it. */
  async digest(): Promise<'not-supported'> {
    return 'not-supported';
  }

  async powerOn(vm: VmRef): Promise<void> {
    await this.operation(vm.name, () => this.task(this.vmRef(vm), 'PowerOnVM_Task', {}));
  }

  async powerOff(vm: VmRef): Promise<void> {
    await this.operation(vm.name, () => this.task(this.vmRef(vm), 'PowerOffVM_Task', {}));
  }

  /**
   * Without Horizon's agents there is no QuickPrep or ClonePrep to run. QuickPrep's part is
   * waiting for the guest and shutting it down (as QuickPrep ends), then, when a
   * customization spec is configured, CustomizeVM_Task (the VM must be off; the spec
   * applies at the next boot), so the snapshot and final power-on follow as in Horizon.
   * ClonePrep has nothing to do: an instant clone is running, and CustomizeVM_Task needs it off.
   */
  async customize(vm: VmRef, kind: CustomizationKind): Promise<void> {
    if (kind === 'cloneprep') return;
    await this.waitUntilReady(vm);
    await this.powerOff(vm);
    if (this.customizationSpecXml) {
      const spec = this.customizationSpecXml;
      await this.operation(vm.name, () => this.task(this.vmRef(vm), 'CustomizeVM_Task', { spec }));
    }
  }

  async prepareParent(vm: VmRef): Promise<void> {
    await this.waitUntilReady(vm);
  }

  async waitUntilReady(vm: VmRef): Promise<void> {
    const deadline = Date.now() + this.settings.readyTimeoutS * 1000;
    for (;;) {
      const [props] = await this.operation(vm.name, () => retrieveProperties(this.client, [this.vmRef(vm)], 'VirtualMachine', ['runtime.powerState', 'guest.toolsRunningStatus']));
      const poweredOn = text(props?.props['runtime.powerState']) === 'poweredOn';
      const toolsRunning = text(props?.props['guest.toolsRunningStatus']) === 'guestToolsRunning';
      if (poweredOn && (this.settings.readyWhen === 'powered-on' || toolsRunning)) return;
      if (Date.now() > deadline) throw new OperationError(`${vm.name}: not ready after ${this.settings.readyTimeoutS} s (powered on: ${poweredOn}, VMware Tools running: ${toolsRunning})`, vm.name);
      await this.clock.sleep(1000);
    }
  }

  async destroy(vm: VmRef): Promise<void> {
    await this.operation(vm.name, async () => {
      const [props] = await retrieveProperties(this.client, [this.vmRef(vm)], 'VirtualMachine', ['runtime.powerState']);
      if (!props) return; // already gone
      await this.destroyByRef(this.vmRef(vm), text(props.props['runtime.powerState']));
    });
  }

  startSampling(_intervalS: number, listener: SampleListener): SamplerHandle {
    const hosts = [...this.where().hosts.entries()].map(([name, ref]) => ({ name, ref }));
    const capacities = new Map((this.inventory?.hosts ?? []).map((host) => [host.name, host.cpuMhz]));
    const collector = new PerfCollector(this.client, hosts, capacities);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let round: Promise<void> = Promise.resolve();
    const collect = () => {
      round = round.then(async () => {
        try {
          const samples: HostSample[] = await collector.collect();
          if (samples.length) listener(samples);
        } catch (error) {
          // A missed round is a gap in the series, never a failed run.
          process.stderr.write(`warning: vSphere performance data: ${(error as Error).message}\n`);
        }
      });
    };
    const start = collector.prepare().then((refreshRateS) => {
      if (stopped) return;
      timer = setInterval(collect, refreshRateS * 1000);
      timer.unref();
    }).catch((error: unknown) => process.stderr.write(`warning: vSphere performance data unavailable: ${(error as Error).message}\n`));
    return {
      stop: async () => {
        stopped = true;
        await start;
        clearInterval(timer);
        collect();
        await round;
      },
    };
  }

  async close(): Promise<void> {
    await this.client.logout();
  }

  /** VMs whose names start with the prefix (the golden image excluded), for `bench cleanup`. */
  async leftovers(prefix: string): Promise<{ ref: MoRef; name: string; annotation: string; powerState: string }[]> {
    const vms = await listObjects(this.client, 'VirtualMachine', ['name', 'config.annotation', 'runtime.powerState']);
    return vms
      .map((vm) => ({ ref: vm.obj, name: text(vm.props.name), annotation: text(vm.props['config.annotation']), powerState: text(vm.props['runtime.powerState']) }))
      .filter((vm) => vm.name.startsWith(prefix) && vm.name !== this.settings.goldenImage)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Power off unless already off, then destroy. */
  async destroyByRef(ref: MoRef, powerState: string): Promise<void> {
    if (powerState !== 'poweredOff') await this.task(ref, 'PowerOffVM_Task', {});
    await this.task(ref, 'Destroy_Task', {});
  }

  private async fetchCustomizationSpec(name: string): Promise<RawXml> {
    const manager = this.client.serviceContent.customizationSpecManager;
    if (!manager) throw new RunError(`vCenter at ${this.client.endpoint} has no customization spec manager; drop --customization-spec`);
    let text: string;
    try {
      ({ text } = await this.client.callWithText('GetCustomizationSpec', manager, { name }));
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'NotFound') throw new RunError(`vCenter has no customization spec "${name}"`, 'check --customization-spec');
      throw error;
    }
    // The spec is the last child of returnval (CustomizationSpecItem: info, spec).
    const match = /<spec(?:\s[^>]*)?>([\s\S]*)<\/spec>\s*<\/returnval>/.exec(text);
    if (!match) throw new RunError(`vCenter returned customization spec "${name}" in a form vdibench does not understand`);
    return new RawXml(match[1]!);
  }

  private async clone(source: SnapshotRef, options: CloneOptions, diskMoveType: string): Promise<VmRef> {
    const placement = this.where();
    const host = options.host ? placement.hosts.get(options.host) : undefined;
    const ref = await this.operation(options.name, async () => moRef(await this.task(this.vmRef(source.vm), 'CloneVM_Task', {
      folder: placement.folder,
      name: options.name,
      // VirtualMachineCloneSpec, in WSDL order: location, template, config, customization, powerOn, snapshot.
      spec: {
        location: { datastore: placement.datastore, diskMoveType, pool: placement.pool, host },
        template: false,
        config: { annotation: `created by vdibench run ${this.run.runId} (${options.role})` },
        powerOn: false,
        snapshot: new MoRef('VirtualMachineSnapshot', source.id),
      },
    })));
    const [props] = await retrieveProperties(this.client, [ref], 'VirtualMachine', ['runtime.host']);
    const hostName = placement.hostNames.get(moRef(props?.props['runtime.host']).value) ?? options.host ?? '';
    return { id: ref.value, name: options.name, host: hostName, role: options.role as VmRole };
  }

  private async task(self: MoRef, method: string, params: Record<string, unknown>): Promise<unknown> {
    const response = await this.client.call(method, self, params as never);
    return this.tasks.wait(moRef(response.returnval));
  }

  /** A vCenter fault on one VM's operation is that VM's failure: the run may go on. */
  private async operation<T>(vmName: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof VimFault) throw new OperationError(`${vmName}: ${error.faultType}: ${error.message}`, vmName);
      throw error;
    }
  }

  private vmRef(vm: VmRef): MoRef {
    return new MoRef('VirtualMachine', vm.id);
  }

  private where(): Placement {
    if (!this.placement) throw new Error('vsphere: open() first');
    return this.placement;
  }

  private async findVm(name: string, pathSet: string[]) {
    const vms = await listObjects(this.client, 'VirtualMachine', pathSet);
    return vms.find((vm) => text(vm.props.name) === name);
  }
}

function refsOf(value: unknown): MoRef[] {
  const node = value as XmlNode | undefined;
  return asArray(node?.ManagedObjectReference as XmlNode | XmlNode[]).map(moRef);
}

/** The named snapshot in a VM's snapshot tree, or its current snapshot when no name is given. */
function findSnapshot(info: unknown, name: string | undefined): MoRef | undefined {
  const node = info as XmlNode | undefined;
  if (!node) return undefined;
  if (!name) return node.currentSnapshot ? moRef(node.currentSnapshot) : undefined;
  const walk = (trees: XmlNode[]): MoRef | undefined => {
    for (const tree of trees) {
      if (text(tree.name) === name) return moRef(tree.snapshot);
      const found = walk(asArray(tree.childSnapshotList as XmlNode | XmlNode[]));
      if (found) return found;
    }
    return undefined;
  };
  return walk(asArray(node.rootSnapshotList as XmlNode | XmlNode[]));
}

export function checkVsphereSettings(settings: Partial<VsphereSettings>): asserts settings is VsphereSettings {
  if (!settings.url) throw new InputError('the vsphere driver needs a vCenter: set VSPHERE_URL (or --vsphere-url, or vsphere.url in the scenario file)');
  if (!settings.user) throw new InputError('the vsphere driver needs a user: set VSPHERE_USER (or --vsphere-user)');
  if (!settings.password) throw new InputError('the vsphere driver needs a password: set VSPHERE_PASSWORD (or VSPHERE_PASSWORD_FILE naming a 0600 file)');
  if (!settings.goldenImage) throw new InputError('the vsphere driver needs a golden image: --golden-image NAME (or vsphere.goldenImage in the scenario file)');
}
