/**
 * Day-2 operations through `bench run` on govmomi's vCenter simulator (test/vcsim, with task
 * delays so the operations follow tasks that take time): recompose and push image, refresh
 * and recreate on logoff, each counted from the simulator's side, and nothing left after.
 * InstantClone_Task is our main.go's extension of the 0.24 simulator (as for deployment);
 * the revert's power-off after a memory-less snapshot is main.go's too (see day2.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/contract/summary.js';
import { VimClient } from '../../../src/drivers/vsphere/vim25/client.js';
import { listObjects } from '../../../src/drivers/vsphere/vim25/properties.js';
import { benchAsync, repoRoot, spawnRun, tempDir, waitUntil } from '../../helpers/cli.js';
import { skipVcsim, startVcsim, VCSIM_PASSWORD, VCSIM_USER, type Vcsim } from '../../helpers/vcsim.js';

const DESKTOPS = 6;

async function vmNames(sim: Vcsim, prefix: string): Promise<string[]> {
  const client = new VimClient({ url: sim.url, user: VCSIM_USER, password: VCSIM_PASSWORD, caFile: sim.certFile });
  await client.connect();
  try {
    return (await listObjects(client, 'VirtualMachine', ['name'])).map((vm) => vm.props.name ?? '').filter((name) => name.startsWith(prefix));
  } finally {
    await client.logout();
  }
}

describe.skipIf(skipVcsim)('day-2 operations on the vsphere driver (govmomi simulator)', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ hosts: 2, taskDelayMs: { CloneVM_Task: 150, PowerOnVM_Task: 50, PowerOffVM_Task: 50 }, delayJitter: 0.05 });
  }, 300_000);
  afterAll(async () => {
    await sim?.stop();
  });

  async function run(scenario: string, set: string[]): Promise<{ summary: RunSummary; calls: Record<string, number> }> {
    await sim.stats(true);
    const args = ['run', scenario, '--desktops', String(DESKTOPS), '--json', '-q', '--out', tempDir(), ...set.flatMap((assignment) => ['--set', assignment]), ...sim.flags];
    const result = await benchAsync(args, { env: sim.env });
    expect(result.status, result.stderr).toBe(0);
    const runDir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    return { summary, calls: (await sim.stats()).calls };
  }

  it('patch: recompose relinks every desktop to a new replica, push image re-forks every desktop from new parents', async () => {
    const { summary, calls } = await run('patch-composer-vs-instant', ['users.logoffWarningS=1']);
    const [composer, instant] = summary.arms;
    expect(composer!.operations![0]).toMatchObject({ name: 'recompose', desktops: { total: DESKTOPS, done: DESKTOPS, failed: 0 } });
    expect(instant!.operations![0]).toMatchObject({ name: 'push-image', desktops: { total: DESKTOPS, done: DESKTOPS, failed: 0 } });
    // Where vSphere has no call for it, the digest is recorded as not performed, as in a deployment.
    expect(instant!.operations![0]!.phases.find((phase) => phase.name === 'digest')).toMatchObject({ performed: false });
    // Composer: a replica and the desktops at deployment, the same again at the recompose.
    // Instant clones: every desktop forked twice (deployment, push image).
    expect(calls.InstantClone_Task).toBe(2 * DESKTOPS);
    expect(calls.CloneVM_Task).toBe(2 * (1 + DESKTOPS) + 2 * (1 + 1 + 2)); // + template, replica, 2 parents per image
    // No patch snapshot configured: said once, as a warning.
    expect(summary.warnings?.filter((warning) => warning.code === 'patch-same-image')).toHaveLength(1);
    expect(await vmNames(sim, 'vdibench-')).toEqual([]);
  }, 300_000);

  it('refresh: a revert per Composer desktop, a re-fork per instant clone, users logging off over a window', async () => {
    const { summary, calls } = await run('refresh-composer-vs-instant', ['users.logoffWindowS=3']);
    const [composer, instant] = summary.arms;
    expect(composer!.operations![0]).toMatchObject({ name: 'refresh', desktops: { total: DESKTOPS, done: DESKTOPS, failed: 0 } });
    expect(instant!.operations![0]).toMatchObject({ name: 'logoff-recreate', desktops: { total: DESKTOPS, done: DESKTOPS, failed: 0 } });
    expect(calls.RevertToSnapshot_Task).toBe(DESKTOPS);
    expect(calls.InstantClone_Task).toBe(2 * DESKTOPS);
    // Users leave over 3 s of real time: the Composer refresh cannot end sooner.
    expect(composer!.operations![0]!.durationS).toBeGreaterThan(1.5);
    expect(await vmNames(sim, 'vdibench-')).toEqual([]);
  }, 300_000);

  it('Ctrl-C while users have an hour left to log off ends the run within seconds, torn down', async () => {
    const out = tempDir();
    const run = spawnRun(['run', 'refresh-composer-vs-instant', '--desktops', '3', '--json', '-q',
      '--set', 'users.logoffWindowS=3600', '--set', 'users.policy=wait-for-logoff', '--set', 'users.loggedInPct=67', ...sim.flags], out, sim.env);
    // Wait until the desktop nobody uses is taken: the refresh is under way, the two others wait for their users.
    await waitUntil(() => run.events().includes(',refresh\n'), 120_000);
    expect(run.events(), run.stderr()).toContain(',refresh\n');
    const { status, exitMs } = await run.interrupt();
    expect(exitMs, run.stderr()).toBeLessThan(15_000);
    expect(status, run.stderr()).toBe(1);
    const [folder] = readdirSync(out);
    const record = JSON.parse(readFileSync(path.join(out, folder!, 'run.json'), 'utf8')) as { status: string; arms: { operations?: { name: string }[] }[] };
    expect(record.status).toBe('aborted');
    expect(record.arms[0]!.operations?.[0]?.name).toBe('refresh');
    expect(await vmNames(sim, 'vdibench-')).toEqual([]);
  }, 300_000);
});
