/**
 * The two strategies and their shared retry loop (strategies/context.ts), driven directly on
 * the real sim driver: one primitive wrapped to fail, or to stop the run, at a chosen step.
 * What is checked is what the strategy must do then: the events it records, the VMs it
 * leaves in `created` for teardown, the calls it makes (and does not make) to the driver.
 */
import { describe, expect, it } from 'vitest';
import { OperationError, type VmRef } from '../../../src/drivers/types.js';
import { arena } from './harness.js';

const operationError = (message: string) => new OperationError(message, 'vm');
const kinds = (events: { desktop: string; kind: string }[], desktop: string) => events.filter((event) => event.desktop === desktop).map((event) => event.kind);

describe('provisionDesktop: retries, backoff, partial VMs', () => {
  it('retries a failed desktop with doubling backoff, destroying each partial VM, and fails it after `retries`', async () => {
    const a = await arena('composer', 1, ['retries=2', 'retryBackoffS=5']);
    const cloneCalls: number[] = [];
    const destroyed: string[] = [];
    const linkedClone = a.driver.linkedClone.bind(a.driver);
    a.driver.linkedClone = async (source, options) => {
      cloneCalls.push(a.driver.clock.nowMs());
      return linkedClone(source, options);
    };
    const destroy = a.driver.destroy.bind(a.driver);
    a.driver.destroy = async (vm) => {
      destroyed.push(vm.name);
      return destroy(vm);
    };
    a.driver.customize = async () => { throw operationError('quickprep broke'); };
    await a.run();
    const name = 'vdibench-composer-1';
    expect(kinds(a.events(), name)).toEqual(['requested', 'cloned', 'retried', 'cloned', 'retried', 'cloned', 'failed']);
    expect(a.events('retried').map((event) => event.error)).toEqual(['quickprep broke', 'quickprep broke']);
    expect(a.events('failed')[0]!.error).toBe('quickprep broke');
    expect(a.events('failed')[0]!.host).toMatch(/^esx-\d\d\.sim\.local$/);
    expect(a.failures.count).toBe(1);
    expect(destroyed).toEqual([name, name, name]);
    expect(a.context.created.map((vm) => vm.role)).toEqual(['replica']);
    // The next attempt starts retryBackoffS × 2^attempt after the retry was decided.
    const retried = a.events('retried').map((event) => event.timeMs);
    expect(cloneCalls[1]! - retried[0]!).toBe(5_000);
    expect(cloneCalls[2]! - retried[1]!).toBe(10_000);
  });

  it('a desktop that succeeds on a later attempt is ready, and only its last VM is kept', async () => {
    const a = await arena('composer', 1, ['retries=3', 'retryBackoffS=1']);
    const customize = a.driver.customize.bind(a.driver);
    let calls = 0;
    a.driver.customize = async (vm, kind) => {
      if (calls++ === 0) throw operationError('first boot hung');
      return customize(vm, kind);
    };
    await a.run();
    expect(kinds(a.events(), 'vdibench-composer-1')).toEqual(['requested', 'cloned', 'retried', 'cloned', 'customized', 'powered-on', 'ready']);
    expect(a.failures.count).toBe(0);
    expect(a.context.created.map((vm) => vm.name)).toEqual(['vdibench-composer-replica', 'vdibench-composer-1']);
  });

  it('with retries 0 a failure is final at once; a clone that failed before creating a VM destroys nothing', async () => {
    const a = await arena('composer', 2, ['retries=0']);
    let destroys = 0;
    a.driver.destroy = async () => { destroys++; };
    a.driver.linkedClone = async () => { throw operationError('no space'); };
    await a.run();
    expect(kinds(a.events(), 'vdibench-composer-1')).toEqual(['requested', 'failed']);
    expect(a.events('requested').map((event) => event.host)).toEqual(['', '']);
    expect(a.events('failed').map((event) => [event.host, event.error])).toEqual([['', 'no space'], ['', 'no space']]);
    expect(a.failures.count).toBe(2);
    expect(destroys).toBe(0);
  });

  it('a retry is not tried while the run is stopping, and desktops not yet started are not started', async () => {
    const a = await arena('composer', 3, ['retries=5', 'horizon.maxComposerProvisioning=1']);
    let clones = 0;
    a.driver.linkedClone = async () => {
      clones++;
      a.stop.now = true;
      throw operationError('interrupted');
    };
    await a.run();
    expect(clones).toBe(1);
    expect(a.events('retried')).toEqual([]);
    expect(a.events('failed').map((event) => event.desktop)).toEqual(['vdibench-composer-1']);
    expect(a.events().filter((event) => event.desktop !== 'vdibench-composer-1').map((event) => event.kind)).toEqual(['requested', 'requested']);
    expect(a.failures.count).toBe(1);
  });

  it('a retry of a clone that created no VM is recorded without a host', async () => {
    const a = await arena('composer', 1, ['retries=1', 'retryBackoffS=0']);
    const linkedClone = a.driver.linkedClone.bind(a.driver);
    let calls = 0;
    a.driver.linkedClone = async (source, options) => {
      if (calls++ === 0) throw operationError('busy');
      return linkedClone(source, options);
    };
    await a.run();
    expect(a.events('retried').map((event) => [event.host, event.error])).toEqual([['', 'busy']]);
    expect(a.events('ready')).toHaveLength(1);
  });

  it('a VM that cannot be destroyed stays in `created` for teardown', async () => {
    const a = await arena('composer', 1, ['retries=1', 'retryBackoffS=0']);
    a.driver.customize = async () => { throw operationError('broken'); };
    a.driver.destroy = async () => { throw operationError('vCenter busy'); };
    await a.run();
    expect(a.context.created.map((vm) => vm.name)).toEqual(['vdibench-composer-replica', 'vdibench-composer-1', 'vdibench-composer-1']);
    expect(a.events('failed')).toHaveLength(1);
  });

  it('an error that is not an operation\'s is not retried: it stops the other desktops and surfaces once all have settled', async () => {
    const a = await arena('composer', 6, ['retries=5', 'horizon.maxComposerProvisioning=1']);
    let clones = 0;
    const bug = new TypeError('a bug');
    a.driver.linkedClone = async () => {
      clones++;
      throw bug;
    };
    await expect(a.run()).rejects.toBe(bug);
    // The desktop admitted while the first one's failure settles may still start; no more.
    expect(clones).toBeLessThanOrEqual(2);
    expect(a.events('retried')).toEqual([]);
    expect(a.events('failed')).toEqual([]);
    expect(a.failures.count).toBe(0);
  });
});

describe('composer strategy', () => {
  it('replica from the golden snapshot (offload allowed), linked clones from its snapshot, QuickPrep then the final boot', async () => {
    const a = await arena('composer', 2);
    const calls: string[] = [];
    const golden = await a.driver.goldenImage();
    const fullClone = a.driver.fullClone.bind(a.driver);
    a.driver.fullClone = async (source, options) => {
      calls.push(`fullClone ${source.id === golden.snapshot.id ? 'golden' : source.id} ${JSON.stringify(options)}`);
      return fullClone(source, options);
    };
    const snapshot = a.driver.snapshot.bind(a.driver);
    const snapshots: string[] = [];
    a.driver.snapshot = async (vm, name) => {
      const result = await snapshot(vm, name);
      snapshots.push(result.id);
      calls.push(`snapshot ${vm.role} ${name}`);
      return result;
    };
    const linkedClone = a.driver.linkedClone.bind(a.driver);
    a.driver.linkedClone = async (source, options) => {
      calls.push(`linkedClone ${source.id === snapshots[0] ? 'replica-snapshot' : source.id} ${JSON.stringify(options)}`);
      return linkedClone(source, options);
    };
    const customize = a.driver.customize.bind(a.driver);
    a.driver.customize = async (vm, kind) => {
      calls.push(`customize ${kind}`);
      return customize(vm, kind);
    };
    let digests = 0;
    a.driver.digest = async () => { digests++; return 'performed'; };
    await a.run();
    expect(calls.slice(0, 2)).toEqual([
      'fullClone golden {"name":"vdibench-composer-replica","role":"replica","allowOffload":true}',
      'snapshot replica replica',
    ]);
    expect(calls.filter((call) => call.startsWith('linkedClone')).sort()).toEqual([
      'linkedClone replica-snapshot {"name":"vdibench-composer-1","role":"desktop"}',
      'linkedClone replica-snapshot {"name":"vdibench-composer-2","role":"desktop"}',
    ]);
    expect(calls.filter((call) => call === 'customize quickprep')).toHaveLength(2);
    expect(calls.filter((call) => call === 'snapshot desktop quickprep')).toHaveLength(2);
    // composerStorageAccelerator is off in the shipped scenario: no digest at all.
    expect(digests).toBe(0);
    expect(a.recorder.phases().map((phase) => phase.name)).toEqual(['replica', 'clone', 'customize', 'power-on']);
  });

  it('with the Storage Accelerator on, the digest is a phase; a driver without one records it as not performed', async () => {
    const on = await arena('composer', 1, ['horizon.composerStorageAccelerator=true']);
    await on.run();
    expect(on.recorder.phases().find((phase) => phase.name === 'digest')).toMatchObject({ performed: true });
    const without = await arena('composer', 1, ['horizon.composerStorageAccelerator=true']);
    Object.assign(without.driver, { digest: async () => 'not-supported' as const });
    await without.run();
    expect(without.recorder.phases().find((phase) => phase.name === 'digest')).toEqual({
      name: 'digest', startS: expect.any(Number), durationS: 0, performed: false,
      note: 'the sim driver has no way to compute a View Storage Accelerator digest',
    });
    expect(without.events('ready')).toHaveLength(1);
  });
});

describe('instant-clone strategy', () => {
  it('template, replica without offload, a digest, one parent per host, then a fork per desktop on its parent\'s host', async () => {
    const a = await arena('instant-clone', 5);
    const calls: string[] = [];
    for (const method of ['linkedClone', 'fullClone', 'instantClone'] as const) {
      const original = (a.driver[method] as (...args: unknown[]) => Promise<VmRef>).bind(a.driver);
      (a.driver as unknown as Record<string, unknown>)[method] = async (source: { name?: string }, options: unknown) => {
        calls.push(`${method} ${source.name ?? ''} ${JSON.stringify(options)}`);
        return original(source, options);
      };
    }
    const snapshot = a.driver.snapshot.bind(a.driver);
    a.driver.snapshot = async (vm, name) => {
      calls.push(`snapshot ${vm.name} ${name}`);
      return snapshot(vm, name);
    };
    for (const method of ['powerOn', 'prepareParent', 'customize'] as const) {
      const original = (a.driver[method] as (...args: unknown[]) => Promise<void>).bind(a.driver);
      (a.driver as unknown as Record<string, unknown>)[method] = async (vm: VmRef, kind?: string) => {
        calls.push(`${method} ${vm.role} ${kind ?? ''}`.trim());
        return original(vm, kind);
      };
    }
    await a.run();
    expect(calls.slice(0, 4)).toEqual([
      'linkedClone golden {"name":"vdibench-instant-cp-template","role":"template"}',
      'snapshot vdibench-instant-cp-template cp-template',
      'fullClone cp-template {"name":"vdibench-instant-cp-replica","role":"replica","allowOffload":false}',
      'snapshot vdibench-instant-cp-replica cp-replica',
    ]);
    const hosts = a.inventory.hosts.map((host) => host.name);
    expect(calls.filter((call) => call.includes('"role":"parent"')).sort()).toEqual(hosts.map((host, index) =>
      `linkedClone cp-replica {"name":"vdibench-instant-cp-parent-${index + 1}","role":"parent","host":"${host}"}`).sort());
    expect(calls.filter((call) => call === 'powerOn parent')).toHaveLength(hosts.length);
    expect(calls.filter((call) => call === 'prepareParent parent')).toHaveLength(hosts.length);
    expect(calls.filter((call) => call === 'customize desktop cloneprep')).toHaveLength(5);
    // Desktop n forks from parent n (modulo the parents): host order.
    const desktops = a.context.created.filter((vm) => vm.role === 'desktop').sort((x, y) => x.name.localeCompare(y.name));
    expect(desktops.map((vm) => vm.host)).toEqual([0, 1, 2, 3, 4].map((index) => hosts[index % hosts.length]));
    expect(calls.filter((call) => call.startsWith('instantClone')).every((call) => /^instantClone vdibench-instant-cp-parent-\d /.test(call))).toBe(true);
    expect(a.recorder.phases().map((phase) => [phase.name, phase.performed])).toEqual([['template', true], ['replica', true], ['digest', true], ['parents', true], ['clone', true]]);
    expect(a.events('ready')).toHaveLength(5);
    for (const desktop of desktops) expect(kinds(a.events(), desktop.name)).toEqual(['requested', 'cloned', 'powered-on', 'customized', 'ready']);
  });

  it('a retry forks from the next parent', async () => {
    const a = await arena('instant-clone', 4, ['retries=1', 'retryBackoffS=0']);
    const hostsTried: string[] = [];
    const instantClone = a.driver.instantClone.bind(a.driver);
    a.driver.instantClone = async (parent, options) => {
      if (options.name === 'vdibench-instant-4') {
        hostsTried.push(parent.host);
        if (hostsTried.length === 1) throw operationError('fork failed');
      }
      return instantClone(parent, options);
    };
    await a.run();
    const hosts = a.inventory.hosts.map((host) => host.name);
    expect(hostsTried).toEqual([hosts[3], hosts[0]]);
    expect(a.events('ready')).toHaveLength(4);
  });

  it('a digest the driver cannot compute is recorded as not performed, and the desktops still come up', async () => {
    const a = await arena('instant-clone', 2);
    Object.assign(a.driver, { digest: async () => 'not-supported' as const });
    await a.run();
    expect(a.recorder.phases().find((phase) => phase.name === 'digest')).toMatchObject({ performed: false, durationS: 0, note: 'the sim driver has no way to compute a View Storage Accelerator digest' });
    expect(a.events('ready')).toHaveLength(2);
  });

  it('a host whose parent fails is left out; the other parents carry the pool', async () => {
    const a = await arena('instant-clone', 6);
    const hosts = a.inventory.hosts.map((host) => host.name);
    const prepareParent = a.driver.prepareParent.bind(a.driver);
    a.driver.prepareParent = async (vm) => {
      if (vm.host === hosts[1]) throw operationError('host in maintenance');
      return prepareParent(vm);
    };
    await a.run();
    const desktopHosts = new Set(a.context.created.filter((vm) => vm.role === 'desktop').map((vm) => vm.host));
    expect([...desktopHosts].sort()).toEqual(hosts.filter((_, index) => index !== 1).sort());
    expect(a.events('ready')).toHaveLength(6);
  });

  it('no parent at all ends the arm with an operation error naming why', async () => {
    const a = await arena('instant-clone', 2);
    a.driver.prepareParent = async () => { throw operationError('no memory for the parent'); };
    const error = await a.run().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toBe('no parent VM could be prepared: no memory for the parent');
    expect(a.events()).toEqual([]);
  });

  it('a parent failing with a bug surfaces the bug', async () => {
    const a = await arena('instant-clone', 2);
    const bug = new RangeError('a bug');
    const prepareParent = a.driver.prepareParent.bind(a.driver);
    let calls = 0;
    a.driver.prepareParent = async (vm) => {
      if (calls++ === 0) throw bug;
      return prepareParent(vm);
    };
    await expect(a.run()).rejects.toBe(bug);
    expect(a.events()).toEqual([]);
  });

  it('an error that is not an operation\'s, in one desktop, stops the others from starting', async () => {
    const a = await arena('instant-clone', 6, ['horizon.maxInstantCloneProvisioning=1']);
    const bug = new TypeError('a bug');
    let forks = 0;
    a.driver.instantClone = async () => {
      forks++;
      throw bug;
    };
    await expect(a.run()).rejects.toBe(bug);
    expect(forks).toBeLessThanOrEqual(2);
  });

  type Step = 'goldenImage' | 'template' | 'replica' | 'digest' | 'parents';
  const stopAfter = async (step: Step) => {
    const a = await arena('instant-clone', 2, ['horizon.maxVcProvisioning=1']);
    const calls: string[] = [];
    const wrap = <K extends 'goldenImage' | 'snapshot' | 'digest' | 'linkedClone' | 'powerOn' | 'prepareParent' | 'instantClone'>(method: K, after: (args: unknown[]) => boolean) => {
      const original = (a.driver[method] as (...args: unknown[]) => Promise<unknown>).bind(a.driver);
      (a.driver as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        calls.push(method);
        const result = await original(...args);
        if (after(args)) a.stop.now = true;
        return result;
      };
    };
    wrap('goldenImage', () => step === 'goldenImage');
    wrap('snapshot', (args) => (step === 'template' && args[1] === 'cp-template') || (step === 'replica' && args[1] === 'cp-replica'));
    wrap('digest', () => step === 'digest');
    wrap('prepareParent', () => step === 'parents');
    wrap('linkedClone', () => false);
    wrap('powerOn', () => false);
    wrap('instantClone', () => false);
    await a.run();
    return { calls, created: a.context.created.map((vm) => vm.role), events: a.events(), phases: a.recorder.phases().map((phase) => phase.name) };
  };

  it('stops between the shared steps: nothing new is created once the run stops', async () => {
    expect(await stopAfter('goldenImage')).toEqual({ calls: ['goldenImage'], created: [], events: [], phases: [] });
    const afterTemplate = await stopAfter('template');
    expect(afterTemplate.created).toEqual(['template']);
    expect(afterTemplate.calls).toEqual(['goldenImage', 'linkedClone', 'snapshot']);
    const afterReplica = await stopAfter('replica');
    expect(afterReplica.created).toEqual(['template', 'replica']);
    expect(afterReplica.calls).not.toContain('digest');
    const afterDigest = await stopAfter('digest');
    expect(afterDigest.calls.filter((call) => call === 'linkedClone')).toHaveLength(1);
    expect(afterDigest.phases).toEqual(['template', 'replica', 'digest']);
    // Stopped once a parent is prepared: no desktop starts.
    const afterParent = await stopAfter('parents');
    expect(afterParent.created.filter((role) => role !== 'parent')).toEqual(['template', 'replica']);
    expect(afterParent.phases).toEqual(['template', 'replica', 'digest', 'parents']);
    expect(afterParent.calls).not.toContain('instantClone');
    expect(afterParent.events).toEqual([]);
  });

  it('a parent created as the run stops is kept for teardown but not powered on', async () => {
    const a = await arena('instant-clone', 2, ['horizon.maxVcProvisioning=1']);
    const linkedClone = a.driver.linkedClone.bind(a.driver);
    a.driver.linkedClone = async (source, options) => {
      const vm = await linkedClone(source, options);
      if (options.role === 'parent') a.stop.now = true;
      return vm;
    };
    let powerOns = 0;
    a.driver.powerOn = async () => { powerOns++; };
    await a.run();
    expect(a.context.created.map((vm) => vm.role)).toEqual(['template', 'replica', 'parent']);
    expect(powerOns).toBe(0);
    expect(a.events()).toEqual([]);
  });
});
