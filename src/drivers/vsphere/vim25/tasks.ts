/**
 * Following tasks with WaitForUpdatesEx rather than polling: one watcher per session keeps
 * a single WaitForUpdatesEx loop going while tasks are pending, over ONE property filter
 * whatever the number of tasks in flight: the filter traverses a ListView (ViewManager)
 * that holds the pending tasks. A new task is added to the view (ModifyListView; the tasks
 * started while one change is in flight go together in the next), and enters the filter
 * with its current state; settled tasks are taken out of the view between two waits,
 * never during one. Each task's promise settles when its info.state says success or error.
 *
 * View and filter live in a session: when the client opens a new one (the last expired or
 * was terminated), the watcher starts over in it, a new view with every pending task and
 * an empty version, so the first wait reports every task's current state (one finished
 * meanwhile included).
 */
import type { VimClient } from './client.js';
import { VimFault, VimSessionRenewed } from './errors.js';
import { createFilter, createListView, destroyView, modifyListView, waitForUpdatesEx } from './methods.js';
import { BatchedReader, type TaskInfoState } from './properties.js';
import type { LocalizedMethodFault, ObjectUpdate } from './types.js';
import type { MoRef } from './xml.js';

interface Pending {
  task: MoRef;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

const TASK_PROPERTIES = ['info.state', 'info.error', 'info.result'] as const;

export class TaskWatcher {
  private readonly pending = new Map<string, Pending>();

  /** Tasks started and not finished. */
  get inFlight(): number {
    return this.pending.size;
  }
  /** The ListView of pending tasks and the one filter over it, in the session `epoch`. */
  private view: MoRef | undefined;
  private epoch = -1;
  /** Tasks to add to the view, and the change in flight (one at a time). */
  private toAdd: MoRef[] = [];
  private adding: Promise<void> | undefined;
  /** Settled tasks still in the view, taken out between waits. */
  private finished: MoRef[] = [];
  private version = '';
  private looping = false;

  /** The first read of each task; tasks started together are read together. */
  private readonly firstReads: BatchedReader<'Task', (typeof TASK_PROPERTIES)[number]>;

  /** @param readFirst read a task's state before following it (off only to test the WaitForUpdatesEx path). */
  constructor(private readonly client: VimClient, private readonly readFirst = true) {
    this.firstReads = new BatchedReader(client, 'Task', [...TASK_PROPERTIES]);
  }

  /** Resolves with the task's info.result (decoded, e.g. a MoRef), rejects with a VimFault when it fails. */
  async wait(task: MoRef): Promise<unknown> {
    // One read first (batched with the other tasks' first reads of the moment): a task
    // already finished (quick ones often are) needs no following.
    if (this.readFirst) {
      const current = await this.firstReads.readExisting(task);
      if (current['info.state'] === 'success') return current['info.result'];
      if (current['info.state'] === 'error') throw taskFault(current['info.error']);
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.value, { task, resolve, reject });
    });
    try {
      await this.follow(task);
    } catch (error) {
      // Not followed: nothing else would settle it.
      this.pending.get(task.value)?.reject(error as Error);
      this.pending.delete(task.value);
    }
    if (!this.looping) void this.loop();
    return promise;
  }

  /** Into the view (created with the first task of a session). */
  private async follow(task: MoRef): Promise<void> {
    this.toAdd.push(task);
    // The tasks of this moment join the same change (their first reads come back together).
    if (!this.adding) await new Promise((resolve) => setImmediate(resolve));
    while (this.toAdd.length > 0 && this.toAdd.includes(task)) {
      if (this.adding) {
        await this.adding.catch(() => undefined);
        continue;
      }
      const batch = this.toAdd;
      this.toAdd = [];
      const epoch = this.client.sessionEpoch;
      this.adding = (async () => {
        if (this.view && this.epoch === epoch) await modifyListView(this.client, this.view, { add: batch });
        else await this.openView(batch.filter((ref) => this.pending.has(ref.value)));
      })();
      try {
        await this.adding;
      } catch (error) {
        // A session renewed meanwhile: the loop starts over with every pending task.
        if (this.client.sessionEpoch === epoch) throw error;
      } finally {
        this.adding = undefined;
      }
    }
  }

  /** A new view of these tasks and the filter over it, in the current session (the old ones went with the last). */
  private async openView(tasks: MoRef[]): Promise<void> {
    const epoch = this.client.sessionEpoch;
    const { viewManager, propertyCollector } = this.client.serviceContent;
    if (!viewManager) throw new Error('vim25: this endpoint has no ViewManager');
    const view = await createListView(this.client, viewManager, tasks);
    await createFilter(this.client, propertyCollector, {
      propSet: [{ type: 'Task', all: false, pathSet: [...TASK_PROPERTIES] }],
      objectSet: [{ obj: view, skip: true, selectSet: [{ _type: 'TraversalSpec', name: 'tasks', type: 'ListView', path: 'view', skip: false }] }],
    }, false);
    this.view = view;
    this.epoch = epoch;
    this.version = '';
    this.finished = [];
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.pending.size > 0) {
        if (this.client.sessionEpoch !== this.epoch && !this.adding) await this.openView([...this.pending.values()].map((entry) => entry.task));
        await this.removeFinished();
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
      await this.removeFinished().catch(() => undefined);
      this.looping = false;
    }
  }

  private async removeFinished(): Promise<void> {
    const done = this.finished;
    this.finished = [];
    if (done.length > 0 && this.view && this.epoch === this.client.sessionEpoch) await modifyListView(this.client, this.view, { remove: done }).catch(() => undefined);
  }

  private apply(update: ObjectUpdate): void {
    const entry = this.pending.get(update.obj.value);
    if (!entry) return;
    const changes = new Map((update.changeSet ?? []).map((change) => [change.name, change.val]));
    // The values' types are those of ManagedObjects['Task'] (properties.ts).
    const state = changes.get('info.state') as TaskInfoState | undefined;
    if (state !== 'success' && state !== 'error') return;
    this.pending.delete(update.obj.value);
    this.finished.push(entry.task);
    if (state === 'success') entry.resolve(changes.get('info.result'));
    else entry.reject(taskFault(changes.get('info.error') as LocalizedMethodFault | undefined));
  }

  /** The view (and with it what the filter follows) is gone; for a watcher no longer used. */
  async close(): Promise<void> {
    if (this.view && this.epoch === this.client.sessionEpoch) await destroyView(this.client, this.view).catch(() => undefined);
    this.view = undefined;
  }
}

function taskFault(error: LocalizedMethodFault | undefined): VimFault {
  const faultType = error?.fault?._type ?? 'SystemError';
  return new VimFault(faultType, error?.localizedMessage || faultType);
}
