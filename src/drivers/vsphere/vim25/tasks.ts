/**
 * Following tasks with WaitForUpdatesEx rather than polling: one watcher per session keeps
 * a single WaitForUpdatesEx loop going while tasks are pending, with a property filter per
 * task, and settles each task's promise when its info.state says success or error. Filters
 * of settled tasks are destroyed between two waits, never during one (the server is then
 * not walking its filter list; govmomi's simulator crashes otherwise).
 *
 * Filters live in a session: when the client opens a new one (the last expired or was
 * terminated), the watcher starts over in it, a new filter per pending task and an empty
 * version, so the first wait reports every task's current state (one finished meanwhile
 * included).
 */
import type { VimClient } from './client.js';
import { VimFault, VimSessionRenewed } from './errors.js';
import { createFilter, destroyPropertyFilter, waitForUpdatesEx } from './methods.js';
import { retrieveProperties, type TaskInfoState } from './properties.js';
import type { LocalizedMethodFault, ObjectUpdate } from './types.js';
import type { MoRef } from './xml.js';

interface Pending {
  task: MoRef;
  filter?: MoRef;
  /** The client's session epoch the filter was created in. */
  filterEpoch?: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

const TASK_PROPERTIES = ['info.state', 'info.error', 'info.result'] as const;

export class TaskWatcher {
  private readonly pending = new Map<string, Pending>();
  /** Filters of settled tasks, destroyed between waits (never while a wait is in flight). */
  private finished: MoRef[] = [];
  private version = '';
  /** The session epoch `version` and the filters belong to. */
  private epoch = -1;
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
    let filter: MoRef;
    try {
      filter = await createFilter(this.client, collector, {
        propSet: [{ type: 'Task', all: false, pathSet: [...TASK_PROPERTIES] }], objectSet: [{ obj: task, skip: false }],
      }, false);
    } catch (error) {
      // Not followed: nothing else would settle it.
      this.pending.delete(task.value);
      throw error;
    }
    const entry = this.pending.get(task.value);
    if (entry) {
      entry.filter = filter;
      entry.filterEpoch = this.client.sessionEpoch;
    } else {
      await this.destroyFilter(filter);
    }
    if (!this.looping) void this.loop();
    return promise;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.pending.size > 0) {
        if (this.client.sessionEpoch !== this.epoch) await this.startOver();
        await this.destroyFinished();
        let updates;
        try {
          updates = await waitForUpdatesEx(this.client, this.client.serviceContent.propertyCollector, this.version, { maxWaitSeconds: 30 });
        } catch (error) {
          if (error instanceof VimSessionRenewed) continue;
          throw error;
        }
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

  /** In a new session: the old filters are gone with it; a filter per pending task, from version "". */
  private async startOver(): Promise<void> {
    const epoch = this.client.sessionEpoch;
    if (this.epoch >= 0) this.finished = [];
    this.version = '';
    this.epoch = epoch;
    const collector = this.client.serviceContent.propertyCollector;
    for (const entry of this.pending.values()) {
      if (entry.filter && entry.filterEpoch === epoch) continue;
      entry.filter = await createFilter(this.client, collector, {
        propSet: [{ type: 'Task', all: false, pathSet: [...TASK_PROPERTIES] }], objectSet: [{ obj: entry.task, skip: false }],
      }, false);
      entry.filterEpoch = epoch;
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
