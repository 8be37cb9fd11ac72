/**
 * Following tasks with WaitForUpdatesEx rather than polling: one watcher per session keeps
 * a single WaitForUpdatesEx loop going while tasks are pending, with a property filter per
 * task, and settles each task's promise when its info.state says success or error. Filters
 * of settled tasks are destroyed between two waits, never during one (the server is then
 * not walking its filter list; govmomi's simulator crashes otherwise).
 */
import { VimFault, type VimClient } from './client.js';
import { retrieveProperties } from './properties.js';
import { asArray, moRef, type MoRef, text, xsiType, type XmlNode } from './xml.js';

interface Pending {
  task: MoRef;
  filter?: MoRef;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class TaskWatcher {
  private readonly pending = new Map<string, Pending>();
  /** Filters of settled tasks, destroyed between waits (never while a wait is in flight). */
  private finished: MoRef[] = [];
  private version = '';
  private looping = false;

  /** @param readFirst read a task's state before subscribing (off only to test the WaitForUpdatesEx path). */
  constructor(private readonly client: VimClient, private readonly readFirst = true) {}

  /** Resolves with the task's info.result (raw), rejects with a VimFault when it fails. */
  async wait(task: MoRef): Promise<unknown> {
    // One read first: a task already finished (quick ones often are) needs no filter.
    if (this.readFirst) {
      const [current] = await retrieveProperties(this.client, [task], 'Task', ['info.state', 'info.error', 'info.result']);
      const state = text(current?.props['info.state']);
      if (state === 'success') return current!.props['info.result'];
      if (state === 'error') throw taskFault(current!.props['info.error']);
    }
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
        await this.destroyFinished();
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
      await this.destroyFinished();
      this.looping = false;
    }
  }

  private async destroyFinished(): Promise<void> {
    const filters = this.finished;
    this.finished = [];
    await Promise.all(filters.map((filter) => this.destroyFilter(filter)));
  }

  private apply(task: MoRef, objectSet: XmlNode): void {
    const entry = this.pending.get(task.value);
    if (!entry) return;
    const changes = new Map<string, unknown>();
    for (const change of asArray(objectSet.changeSet as XmlNode | XmlNode[])) changes.set(text(change.name), change.val);
    const state = text(changes.get('info.state'));
    if (state !== 'success' && state !== 'error') return;
    this.pending.delete(task.value);
    if (entry.filter) this.finished.push(entry.filter);
    if (state === 'success') entry.resolve(changes.get('info.result'));
    else entry.reject(taskFault(changes.get('info.error')));
  }

  private async destroyFilter(filter: MoRef): Promise<void> {
    await this.client.call('DestroyPropertyFilter', filter).catch(() => undefined);
  }
}

function taskFault(value: unknown): VimFault {
  const error = value as XmlNode | undefined;
  const faultType = xsiType(error?.fault) ?? 'SystemError';
  return new VimFault(faultType, text(error?.localizedMessage) || faultType);
}
