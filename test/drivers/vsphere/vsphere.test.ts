/**
 * The vsphere driver against govmomi's vCenter simulator (not a hand-made imitation): the
 * real vim25 SOAP protocol, sessions, PropertyCollector, tasks, PerformanceManager.
 * InstantClone_Task is EMULATED in test/vcsim/main.go (govmomi 0.24 has none), through the
 * simulator's own object-wrapping mechanism; the instant-clone arm is exercised against it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimClient } from '../../../src/drivers/vsphere/vim25/client.js';
import { VimFault } from '../../../src/drivers/vsphere/vim25/errors.js';
import { cloneVMTask, createSnapshotTask, destroyTask, logout, powerOffVMTask, powerOnVMTask } from '../../../src/drivers/vsphere/vim25/methods.js';
import { listObjects } from '../../../src/drivers/vsphere/vim25/properties.js';
import { TaskWatcher } from '../../../src/drivers/vsphere/vim25/tasks.js';
import { MoRef } from '../../../src/drivers/vsphere/vim25/xml.js';
import { benchAsync, repoRoot, tempDir } from '../../helpers/cli.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

async function vmsInSimulator(sim: Vcsim, prefix = 'vdibench-'): Promise<{ name: string; host: string; power: string }[]> {
  const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
  await client.connect();
  try {
    const vms = await listObjects(client, 'VirtualMachine', ['name', 'runtime.host', 'runtime.powerState']);
    return vms.map((vm) => ({ name: vm.props.name ?? '', host: vm.props['runtime.host']?.value ?? '', power: vm.props['runtime.powerState'] ?? '' }))
      .filter((vm) => vm.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  } finally {
    await client.logout();
  }
}

const runDirOf = (stdout: string) => path.resolve(repoRoot, JSON.parse(stdout).runDir);

/** The simulator's flags with some replaced or, given '', removed (a flag given twice would become a list). */
function withFlags(base: string[], overrides: string[]): string[] {
  const result = [...base];
  for (let index = 0; index < overrides.length; index += 2) {
    const at = result.indexOf(overrides[index]!);
    if (at >= 0) result.splice(at, 2);
    // An empty value leaves the flag out.
    if (overrides[index + 1] !== '') result.push(overrides[index]!, overrides[index + 1]!);
  }
  return result;
}

describe.skipIf(skipVcsim)('the vsphere driver against the vCenter simulator', () => {
  let sim: Vcsim;

  beforeAll(async () => {
    sim = await startVcsim();
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('composer-only with 20 desktops creates the VMs (checked through the API), collects CPU samples, and bench cleanup removes what --keep left', async () => {
    const out = tempDir();
    const result = await benchAsync(['run', 'composer-only', '--desktops', '20', '--json', '-q', '--keep', '--out', out, ...sim.flags], { env: sim.env });
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ driver: 'vsphere', status: 'completed' });
    expect(summary.arms[0].desktops).toEqual({ requested: 20, ready: 20, failed: 0 });

    const vms = await vmsInSimulator(sim);
    expect(vms.map((vm) => vm.name)).toEqual([...Array.from({ length: 20 }, (_, index) => `vdibench-composer-${index + 1}`), 'vdibench-composer-replica']);
    expect(vms.filter((vm) => vm.name !== 'vdibench-composer-replica').every((vm) => vm.power === 'poweredOn')).toBe(true);

    const dir = runDirOf(result.stdout);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record.driver.inventory.hosts).toHaveLength(4);
    expect(record.driver.inventory.details).toMatchObject({ apiVersion: '7.0', goldenImage: 'golden-win10', snapshot: 'base' });
    const samples = readFileSync(path.join(dir, 'samples.csv'), 'utf8').trim().split('\n').slice(1);
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples.every((row) => Number(row.split(',')[5]) > 0)).toBe(true);

    const listed = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile], { env: sim.env });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^21 VM\(s\) named vdibench-\* in /m);
    expect(listed.stdout).toMatch(/nothing deleted: run again with --yes/);
    expect(await vmsInSimulator(sim)).toHaveLength(21);

    const deleted = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--yes'], { env: sim.env });
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout.match(/^deleted vdibench-/gm)).toHaveLength(21);
    expect(await vmsInSimulator(sim)).toEqual([]);
  });

  it('composer-vs-instant runs both arms (instant clones emulated in the simulator) and tears everything down', async () => {
    const out = tempDir();
    const result = await benchAsync(['run', 'composer-vs-instant', '--desktops', '8', '--json', '-q', '--out', out, ...sim.flags], { env: sim.env });
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.arms.map((arm: { desktops: { ready: number } }) => arm.desktops.ready)).toEqual([8, 8]);
    const instant = summary.arms[1];
    expect(instant.phases.map((phase: { name: string }) => phase.name)).toEqual(['template', 'replica', 'digest', 'parents', 'clone']);
    expect(instant.phases.find((phase: { name: string }) => phase.name === 'digest').performed).toBe(false);
    const dir = runDirOf(result.stdout);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record.arms[1].phases.find((phase: { name: string }) => phase.name === 'digest').note).toMatch(/no way to compute a View Storage Accelerator digest/);
    // Forked desktops sit on their parents' hosts.
    const hosts = new Set(record.arms[1].desktops.map((desktop: { host: string }) => desktop.host));
    expect([...hosts].every((host) => /^DC0_C0_H\d$/.test(String(host)))).toBe(true);
    expect(await vmsInSimulator(sim)).toEqual([]);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('not performed');
    for (const file of readdirSync(dir)) expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toContain(VCSIM_PASSWORD);
    expect(result.stdout + result.stderr).not.toContain(VCSIM_PASSWORD);
  });

  it('the client logs in again when its session ends (NotAuthenticated)', async () => {
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    const content = await client.connect();
    await logout(client, content.sessionManager!);
    const hosts = await listObjects(client, 'HostSystem', ['name']);
    expect(hosts).toHaveLength(4);
    await client.logout();
  });

  it('follows tasks with WaitForUpdatesEx: results and task faults', async () => {
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    const watcher = new TaskWatcher(client, false);
    const [golden] = (await listObjects(client, 'VirtualMachine', ['name'])).filter((vm) => vm.props.name === 'golden-win10');
    const result = await watcher.wait(await createSnapshotTask(client, golden!.obj, { name: 'watched', memory: false, quiesce: false }));
    expect(result).toBeInstanceOf(MoRef);
    expect((result as MoRef).type).toBe('VirtualMachineSnapshot');
    // A task that fails: powering on a VM that is already on (InvalidPowerState).
    const folder = (await listObjects(client, 'Folder', ['name'])).find((candidate) => candidate.props.name === 'vm')!.obj;
    const vm = await watcher.wait(await cloneVMTask(client, golden!.obj, { folder, name: 'vdibench-watch', spec: { location: {}, template: false, powerOn: false } }));
    expect(vm).toBeInstanceOf(MoRef);
    const vmRef = vm as MoRef;
    await watcher.wait(await powerOnVMTask(client, vmRef));
    const failed = watcher.wait(await powerOnVMTask(client, vmRef));
    await expect(failed).rejects.toBeInstanceOf(VimFault);
    await expect(failed).rejects.toMatchObject({ faultType: 'InvalidPowerState' });
    await watcher.wait(await powerOffVMTask(client, vmRef));
    await watcher.wait(await destroyTask(client, vmRef));
    await client.logout();
  });

  it.each([
    ['a wrong password', [], { VSPHERE_PASSWORD: 'not-the-password' }, /^bench: vCenter at https:\/\/127\.0\.0\.1:\d+\/sdk refused the login of "vdibench" \(InvalidLogin\)/m],
    ['an unknown golden image', ['--golden-image', 'win11-gold'], {}, /^bench: golden image VM "win11-gold" not found in vCenter/m],
    ['an unknown snapshot', ['--snapshot', 'nope'], {}, /^bench: golden image "golden-win10" has no snapshot "nope"/m],
    ['a certificate the --ca file does not sign', ['--ca', '/dev/null'], {}, /its TLS certificate is not trusted .*\n {2}hint: the CA in --ca \/dev\/null does not sign this certificate/],
    ['an untrusted certificate without --ca', ['--ca', ''], {}, /its TLS certificate is not trusted .*\n {2}hint: pass --ca FILE/],
  ])('%s is a clear error, exit 1, no run folder', async (_what, flags, env, message) => {
    const out = path.join(tempDir(), 'runs');
    const args = ['run', 'composer-only', '--desktops', '2', '--out', out, ...withFlags(sim.flags, flags)];
    const result = await benchAsync(args, { env: { ...sim.env, ...env } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain(VCSIM_PASSWORD);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('applies a configured customization spec to Composer-style desktops (CustomizeVM_Task); an unknown spec is refused at precheck', async () => {
    const out = tempDir();
    const result = await benchAsync(['run', 'composer-only', '--desktops', '3', '-q', '--keep', '--name-prefix', 'vdicust-', '--out', out,
      ...withFlags(sim.flags, ['--customization-spec', 'vcsim-linux'])], { env: sim.env });
    expect(result.status, result.stderr).toBe(0);
    const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
    await client.connect();
    const vms = (await listObjects(client, 'VirtualMachine', ['name', 'guest.hostName'])).filter((vm) => /^vdicust-composer-\d+$/.test(vm.props.name ?? ''));
    await client.logout();
    expect(vms).toHaveLength(3);
    // The simulator applies the spec at the next boot: the guest takes a host name from the VM's name.
    for (const vm of vms) expect(vm.props['guest.hostName']).toMatch(new RegExp(`^${vm.props.name}`));
    const cleaned = await benchAsync(['cleanup', '--driver', 'vsphere', '--ca', sim.certFile, '--name-prefix', 'vdicust-', '--yes'], { env: sim.env });
    expect(cleaned.status, cleaned.stderr).toBe(0);

    const unknown = await benchAsync(['run', 'composer-only', '--desktops', '2', '--out', tempDir(), ...withFlags(sim.flags, ['--customization-spec', 'no-such-spec'])], { env: sim.env });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^bench: vCenter has no customization spec "no-such-spec"/m);
  });

  it('on a terminal, a missing password is asked for without echo', async () => {
    const out = tempDir();
    const command = [process.execPath, path.join(repoRoot, 'dist/cli/main.js'), 'run', 'composer-only', '--desktops', '2', '-q', '--out', out, ...sim.flags]
      .map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
    // `script` gives the command a real terminal (util-linux); we type at its prompt.
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...sim.env, VSPHERE_PASSWORD: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('vCenter password for vdibench: ') && !child.stdin.writableEnded) child.stdin.end(`${VCSIM_PASSWORD}\r`);
    });
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(status, output).toBe(0);
    expect(output).toContain('composer-only — completed');
    expect(output).not.toContain(VCSIM_PASSWORD);
  });

  it('a vsphere run without a golden image or password is bad input (exit 2)', async () => {
    const noGolden = await benchAsync(['run', 'composer-only', '--driver', 'vsphere', '--out', tempDir()], { env: sim.env });
    expect(noGolden.status).toBe(2);
    expect(noGolden.stderr).toMatch(/the vsphere driver needs goldenImage \(--golden-image/);
    const noPassword = await benchAsync(['run', 'composer-only', '--out', tempDir(), ...sim.flags], { env: { ...sim.env, VSPHERE_PASSWORD: '' } });
    expect(noPassword.status).toBe(2);
    expect(noPassword.stderr).toMatch(/needs a password: set VSPHERE_PASSWORD/);
  });
});

describe.skipIf(skipVcsim)('a vCenter too old for instant clones (API 6.5)', () => {
  let sim: Vcsim;

  beforeAll(async () => {
    sim = await startVcsim({ apiVersion: '6.5' });
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('an instant-clone arm fails at precheck, saying why; Composer still runs', async () => {
    const instant = await benchAsync(['run', 'instant-only', '--desktops', '2', '--out', tempDir(), ...sim.flags], { env: sim.env });
    expect(instant.status).toBe(1);
    expect(instant.stderr).toMatch(/speaks vSphere API 6\.5; instant clones \(InstantClone_Task\) need API 6\.7 or later/);
    const composer = await benchAsync(['run', 'composer-only', '--desktops', '2', '-q', '--out', tempDir(), ...sim.flags], { env: sim.env });
    expect(composer.status, composer.stderr).toBe(0);
  });
});
