/**
 * Following tasks with WaitForUpdatesEx rather than polling: one watcher per session keeps
 * a single WaitForUpdatesEx loop going while tasks are pending, with a property filter per
 * task, and settles each task's promise when its info.state says success or error. Filters
 * of settled tasks are destroyed between two waits, never during one (the server is then
 * not walking its filter list; govmomi's simulator crashes otherwise).
 */
import type { VimClient } from './client.js';
import { VimFault } from './errors.js';
import { createFilter, destroyPropertyFilter, waitForUpdatesEx } from './methods.js';
import { retrieveProperties, type TaskInfoState } from './properties.js';
import type { LocalizedMethodFault, ObjectUpdate } from './types.js';
import type { MoRef } from './xml.js';

interface Pending {
  task: MoRef;
  filter?: MoRef;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

const TASK_PROPERTIES = ['info.state', 'info.error', 'info.result'] as const;

export class TaskWatcher {
  private readonly pending = new Map<string, Pending>();
  /** Filters of settled tasks, destroyed between waits (never while a wait is in flight). */
  private finished: MoRef[] = [];
  private version = '';
  private looping = false;

  /** @param readFirst read a task's state before subscribing (off only to test the WaitForUpdatesEx path). */
  constructor(private readonly client: VimClient, private readonly readFirst = true) {}

  /** Resolves with the task's info.result (decoded, e.g. a MoRef), rejects with a VimFault when it fails. */
  async wait(task: MoRef): Promise<unknown> {
    // One read first: a task already finished (quick ones often are) needs no filter.
    if (this.readFirst) {
      const [current] = await retrieveProperties(this.client, 'Task', [task], [...TASK_PROPERTIES]);
      const state = current?.props['info.state'];
      if (state === 'success') return current!.props['info.result'];
      if (state === 'error') throw taskFault(current!.props['info.error']);
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.value, { task, resolve, reject });
    });
    const collector = this.client.serviceContent.propertyCollector;
    const filter = await createFilter(this.client, collector, {
      propSet: [{ type: 'Task', all: false, pathSet: [...TASK_PROPERTIES] }], objectSet: [{ obj: task, skip: false }],
    }, false);
    const entry = this.pending.get(task.value);
    if (entry) entry.filter = filter;
    else await this.destroyFilter(filter);
    if (!this.looping) void this.loop();
    return promise;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.pending.size > 0) {
        await this.destroyFinished();
        const updates = await waitForUpdatesEx(this.client, this.client.serviceContent.propertyCollector, this.version, { maxWaitSeconds: 30 });
        if (!updates) continue;
        this.version = updates.version;
        for (const filterSet of updates.filterSet ?? []) {
          for (const objectSet of filterSet.objectSet ?? []) this.apply(objectSet);
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

  private apply(update: ObjectUpdate): void {
    const entry = this.pending.get(update.obj.value);
    if (!entry) return;
    const changes = new Map((update.changeSet ?? []).map((change) => [change.name, change.val]));
    // The values' types are those of ManagedObjects['Task'] (properties.ts).
    const state = changes.get('info.state') as TaskInfoState | undefined;
    if (state !== 'success' && state !== 'error') return;
    this.pending.delete(update.obj.value);
    if (entry.filter) this.finished.push(entry.filter);
    if (state === 'success') entry.resolve(changes.get('info.result'));
    else entry.reject(taskFault(changes.get('info.error') as LocalizedMethodFault | undefined));
  }

  private async destroyFilter(filter: MoRef): Promise<void> {
    await destroyPropertyFilter(this.client, filter).catch(() => undefined);
  }
}

function taskFault(error: LocalizedMethodFault | undefined): VimFault {
  const faultType = error?.fault?._type ?? 'SystemError';
  return new VimFault(faultType, error?.localizedMessage || faultType);
}
