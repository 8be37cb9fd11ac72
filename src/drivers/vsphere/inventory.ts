/**
 * Discovery and prechecks: the API version, the cluster and its hosts, the datastore and
 * its free space against the golden image, the golden image and its snapshot, the
 * customization spec. Everything is checked before anything is created; a failed check is
 * a RunError naming what is missing.
 */
import type { Inventory } from '../../contract/cluster.js';
import { RunError } from '../../contract/errors.js';
import type { ImageRef, VmRef } from '../types.js';
import type { VimClient } from './vim25/client.js';
import { VimFault } from './vim25/errors.js';
import { getCustomizationSpec } from './vim25/methods.js';
import { listObjects, retrieveProperties } from './vim25/properties.js';
import type { CustomizationSpec, ServiceContent, VirtualMachineSnapshotInfo, VirtualMachineSnapshotTree } from './vim25/types.js';
import type { MoRef } from './vim25/xml.js';
import type { VsphereSettings } from './settings.js';

/** Where clones go. */
export interface Placement {
  folder: MoRef;
  pool: MoRef;
  datastore: MoRef;
  /** Host references by name. */
  hosts: Map<string, MoRef>;
  /** Host names by reference value. */
  hostNames: Map<string, string>;
}

export interface Discovery {
  inventory: Inventory;
  placement: Placement;
  golden: ImageRef;
  /** The image a patch moves the pool to (`vsphere.patchSnapshot`), when one is configured. */
  patched?: ImageRef;
  /** The configured customization spec as vCenter gave it. */
  customizationSpec?: CustomizationSpec;
}

const INSTANT_CLONE_API = [6, 7];

function apiAtLeast(version: string, [major, minor]: number[]): boolean {
  const [vMajor = 0, vMinor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return vMajor > major! || (vMajor === major && vMinor >= minor!);
}

/** Discover the cluster on a connected client and check the scenario can run there. */
export async function discover(client: VimClient, settings: VsphereSettings, needsInstantClone: boolean): Promise<Discovery> {
  const { about } = client.serviceContent;
  if (needsInstantClone && !apiAtLeast(about.apiVersion, INSTANT_CLONE_API)) {
    throw new RunError(`vCenter at ${client.endpoint} speaks vSphere API ${about.apiVersion}; instant clones (InstantClone_Task) need API 6.7 or later`,
      'run composer-only, or use a vCenter 6.7+');
  }
  const clusters = await listObjects(client, 'ClusterComputeResource', ['name', 'host', 'datastore', 'resourcePool']);
  const cluster = settings.cluster ? clusters.find((candidate) => candidate.props.name === settings.cluster) : clusters[0];
  if (!cluster) {
    throw new RunError(settings.cluster ? `vCenter has no cluster "${settings.cluster}" (it has: ${clusters.map((c) => c.props.name ?? '').join(', ')})` : 'vCenter has no cluster');
  }
  const clusterName = cluster.props.name ?? '';
  const hosts = await retrieveProperties(client, 'HostSystem', cluster.props.host ?? [], ['name', 'summary.hardware.cpuMhz', 'summary.hardware.numCpuCores']);
  const datastores = await retrieveProperties(client, 'Datastore', cluster.props.datastore ?? [], ['name', 'summary.freeSpace']);
  const datastore = settings.datastore ? datastores.find((candidate) => candidate.props.name === settings.datastore) : datastores[0];
  if (!datastore) throw new RunError(settings.datastore ? `cluster ${clusterName} has no datastore "${settings.datastore}"` : `cluster ${clusterName} has no datastore`);
  const datastoreName = datastore.props.name ?? '';

  const golden = (await listObjects(client, 'VirtualMachine', ['name', 'snapshot', 'parent', 'runtime.host', 'summary.storage.committed']))
    .find((vm) => vm.props.name === settings.goldenImage);
  if (!golden) throw new RunError(`golden image VM "${settings.goldenImage}" not found in vCenter at ${client.endpoint}`, 'check --golden-image');
  const snapshot = findSnapshot(golden.props.snapshot, settings.snapshot);
  if (!snapshot) {
    throw new RunError(settings.snapshot ? `golden image "${settings.goldenImage}" has no snapshot "${settings.snapshot}"` : `golden image "${settings.goldenImage}" has no snapshot to clone from`,
      'take a snapshot of the golden image, or name one with --snapshot');
  }
  const patchSnapshot = settings.patchSnapshot ? findSnapshot(golden.props.snapshot, settings.patchSnapshot) : undefined;
  if (settings.patchSnapshot && !patchSnapshot) {
    throw new RunError(`golden image "${settings.goldenImage}" has no snapshot "${settings.patchSnapshot}" (vsphere.patchSnapshot)`, 'take the patched image\'s snapshot first, or drop --patch-snapshot');
  }
  const freeBytes = Number(datastore.props['summary.freeSpace']);
  const replicaBytes = Number(golden.props['summary.storage.committed']);
  if (Number.isFinite(freeBytes) && Number.isFinite(replicaBytes) && freeBytes < replicaBytes) {
    throw new RunError(`datastore ${datastoreName} has ${(freeBytes / 2 ** 30).toFixed(1)} GB free; a replica of "${settings.goldenImage}" needs ${(replicaBytes / 2 ** 30).toFixed(1)} GB`);
  }
  if (!golden.props.parent || !cluster.props.resourcePool) throw new RunError(`vCenter at ${client.endpoint} did not say where "${settings.goldenImage}" and cluster ${clusterName} keep their VMs`);

  const customizationSpec = settings.customizationSpec ? await fetchCustomizationSpec(client, settings.customizationSpec) : undefined;

  const hostNames = new Map(hosts.map((host) => [host.obj.value, host.props.name ?? '']));
  const goldenVm: VmRef = { id: golden.obj.value, name: settings.goldenImage, host: hostNames.get(golden.props['runtime.host']?.value ?? '') ?? '', role: 'template' };
  const goldenImage: ImageRef = { vm: goldenVm, snapshot: { id: snapshot.value, vm: goldenVm, name: settings.snapshot ?? 'current' } };
  const patched: ImageRef | undefined = patchSnapshot && { vm: goldenVm, snapshot: { id: patchSnapshot.value, vm: goldenVm, name: settings.patchSnapshot! } };
  return {
    ...(patched ? { patched } : {}),
    placement: {
      folder: golden.props.parent,
      pool: cluster.props.resourcePool,
      datastore: datastore.obj,
      hosts: new Map(hosts.map((host) => [host.props.name ?? '', host.obj])),
      hostNames,
    },
    golden: goldenImage,
    customizationSpec,
    inventory: {
      endpoint: client.endpoint.replace(/\/sdk$/, ''),
      cluster: clusterName,
      datastores: datastores.map((candidate) => candidate.props.name ?? ''),
      hosts: hosts.map((host) => ({
        name: host.props.name ?? '',
        cpuMhz: Number(host.props['summary.hardware.cpuMhz']) * Number(host.props['summary.hardware.numCpuCores']),
      })),
      details: details(about, settings, goldenImage, datastoreName),
    },
  };
}

function details(about: ServiceContent['about'], settings: VsphereSettings, golden: ImageRef, datastore: string): Inventory['details'] {
  return {
    product: about.fullName,
    apiVersion: about.apiVersion,
    goldenImage: settings.goldenImage,
    snapshot: golden.snapshot.name,
    patchSnapshot: settings.patchSnapshot ?? 'none',
    datastore,
    readyWhen: settings.readyWhen,
    customizationSpec: settings.customizationSpec ?? 'none',
    digest: 'not available through the vSphere API (recorded as not performed)',
  };
}

async function fetchCustomizationSpec(client: VimClient, name: string): Promise<CustomizationSpec> {
  const manager = client.serviceContent.customizationSpecManager;
  if (!manager) throw new RunError(`vCenter at ${client.endpoint} has no customization spec manager; drop --customization-spec`);
  let item;
  try {
    item = await getCustomizationSpec(client, manager, name);
  } catch (error) {
    if (error instanceof VimFault && error.faultType === 'NotFound') throw new RunError(`vCenter has no customization spec "${name}"`, 'check --customization-spec');
    throw error;
  }
  if (!item.spec) throw new RunError(`vCenter returned customization spec "${name}" in a form vdibench does not understand`);
  return item.spec;
}

/** The named snapshot in a VM's snapshot tree, or its current snapshot when no name is given. */
function findSnapshot(info: VirtualMachineSnapshotInfo | undefined, name: string | undefined): MoRef | undefined {
  if (!info) return undefined;
  if (!name) return info.currentSnapshot;
  const walk = (trees: VirtualMachineSnapshotTree[]): MoRef | undefined => {
    for (const tree of trees) {
      if (tree.name === name) return tree.snapshot;
      const found = walk(tree.childSnapshotList ?? []);
      if (found) return found;
    }
    return undefined;
  };
  return walk(info.rootSnapshotList ?? []);
}
