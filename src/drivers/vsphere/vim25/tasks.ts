/**
 * Following tasks with WaitForUpdatesEx rather than polling: one watcher per session keeps
 * a single WaitForUpdatesEx loop going while tasks are pending, with a property filter per
 * task, and settles each task's promise when its info.state says success or error.
 */
import { VimFault, type VimClient } from './client.js';
import { asArray, moRef, type MoRef, text, xsiType, type XmlNode } from './xml.js';

interface Pending {
  task: MoRef;
  filter?: MoRef;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class TaskWatcher {
  private readonly pending = new Map<string, Pending>();
  private version = '';
  private looping = false;

  constructor(private readonly client: VimClient) {}

  /** Resolves with the task's info.result (raw), rejects with a VimFault when it fails. */
  async wait(task: MoRef): Promise<unknown> {
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.value, { task, resolve, reject });
    });
    const filter = await this.client.call('CreateFilter', this.client.serviceContent.propertyCollector, {
      spec: { propSet: [{ type: 'Task', all: false, pathSet: ['info.state', 'info.error', 'info.result'] }], objectSet: [{ obj: task, skip: false }] },
      partialUpdates: false,
    });
    const entry = this.pending.get(task.value);
    if (entry) entry.filter = moRef(filter.returnval);
    else await this.destroyFilter(moRef(filter.returnval));
    if (!this.looping) void this.loop();
    return promise;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.pending.size > 0) {
        const response = await this.client.call('WaitForUpdatesEx', this.client.serviceContent.propertyCollector, {
          version: this.version, options: { maxWaitSeconds: 30 },
        });
        const updates = response.returnval as XmlNode | undefined;
        if (!updates) continue;
        this.version = text(updates.version);
        for (const filterSet of asArray(updates.filterSet as XmlNode | XmlNode[])) {
          for (const objectSet of asArray(filterSet.objectSet as XmlNode | XmlNode[])) this.apply(moRef(objectSet.obj), objectSet);
        }
      }
    } catch (error) {
      for (const entry of this.pending.values()) entry.reject(error as Error);
      this.pending.clear();
    } finally {
      this.looping = false;
    }
  }

  private apply(task: MoRef, objectSet: XmlNode): void {
    const entry = this.pending.get(task.value);
    if (!entry) return;
    const changes = new Map<string, unknown>();
    for (const change of asArray(objectSet.changeSet as XmlNode | XmlNode[])) changes.set(text(change.name), change.val);
    const state = text(changes.get('info.state'));
    if (state !== 'success' && state !== 'error') return;
    this.pending.delete(task.value);
    if (entry.filter) void this.destroyFilter(entry.filter);
    if (state === 'success') {
      entry.resolve(changes.get('info.result'));
    } else {
      const error = changes.get('info.error') as XmlNode | undefined;
      const fault = error?.fault as XmlNode | undefined;
      const faultType = xsiType(fault) ?? 'SystemError';
      entry.reject(new VimFault(faultType, text(error?.localizedMessage) || faultType));
    }
  }

  private async destroyFilter(filter: MoRef): Promise<void> {
    await this.client.call('DestroyPropertyFilter', filter).catch(() => undefined);
  }
}
