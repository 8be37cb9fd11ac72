/**
 * PropertyCollector and ViewManager: read properties of many objects in one call
 * (RetrievePropertiesEx, following its token), and list every object of a type through a
 * container view.
 */
import type { VimClient } from './client.js';
import { asArray, moRef, type MoRef, text, Typed, type XmlNode } from './xml.js';

export interface ObjectProperties {
  obj: MoRef;
  /** Raw property values by path. */
  props: Record<string, unknown>;
}

export async function retrieveProperties(client: VimClient, objects: MoRef[], type: string, pathSet: string[]): Promise<ObjectProperties[]> {
  if (objects.length === 0) return [];
  const specSet = {
    propSet: [{ type, all: false, pathSet }],
    objectSet: objects.map((obj) => ({ obj, skip: false })),
  };
  return collect(client, specSet);
}

/** Every object of `type` under the root folder, with the given properties. */
export async function listObjects(client: VimClient, type: string, pathSet: string[]): Promise<ObjectProperties[]> {
  const { rootFolder, viewManager } = client.serviceContent;
  const created = await client.call('CreateContainerView', viewManager, { container: rootFolder, type: [type], recursive: true });
  const view = moRef(created.returnval);
  try {
    return await collect(client, {
      propSet: [{ type, all: false, pathSet }],
      objectSet: [{
        obj: view,
        skip: true,
        selectSet: [new Typed('TraversalSpec', { name: 'view', type: 'ContainerView', path: 'view', skip: false })],
      }],
    });
  } finally {
    await client.call('DestroyView', view).catch(() => undefined);
  }
}

async function collect(client: VimClient, specSet: object): Promise<ObjectProperties[]> {
  const collector = client.serviceContent.propertyCollector;
  const results: ObjectProperties[] = [];
  let response = await client.call('RetrievePropertiesEx', collector, { specSet: specSet as never, options: {} });
  for (;;) {
    const returnval = response.returnval as XmlNode | undefined;
    if (!returnval) break;
    for (const object of asArray(returnval.objects as XmlNode | XmlNode[])) {
      const props: Record<string, unknown> = {};
      for (const prop of asArray(object.propSet as XmlNode | XmlNode[])) props[text(prop.name)] = prop.val;
      results.push({ obj: moRef(object.obj), props });
    }
    const token = returnval.token ? text(returnval.token) : '';
    if (!token) break;
    response = await client.call('ContinueRetrievePropertiesEx', collector, { token });
  }
  return results;
}

