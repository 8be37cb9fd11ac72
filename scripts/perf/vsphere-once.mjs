// vSphere driver figures against govmomi's simulator (test/vcsim/main.go, built here):
// N linked clones + power-on at concurrency K (operations per second), and the cost of
// one metrics round (one QueryPerf for every host) for a 32-host cluster.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { VsphereDriver } = await import(path.join(root, 'dist/drivers/vsphere/vsphere-driver.js'));
const { PerfSampler } = await import(path.join(root, 'dist/drivers/vsphere/sampler.js'));
const dir = mkdtempSync(path.join(tmpdir(), 'vdibench-perf-vcsim-'));
const binary = path.join(dir, 'vcsim');
const build = spawnSync('go', ['build', '-o', binary, '.'], { cwd: path.join(root, 'test/vcsim'), env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode' }, encoding: 'utf8' });
if (build.status !== 0) throw new Error(build.stderr);

const simulators = [];
// Never leave a simulator behind, whatever happens to this measurement.
process.on('exit', () => { for (const child of simulators) child.kill('SIGKILL'); });

async function start(hosts) {
  const cert = path.join(dir, `cert-${hosts}.pem`);
  const child = spawn(binary, ['-listen', '127.0.0.1:0', '-hosts', String(hosts), '-cert-out', cert], { stdio: ['ignore', 'pipe', process.env.VCSIM_LOG ? 'inherit' : 'ignore'] });
  simulators.push(child);
  const url = await new Promise((resolve) => child.stdout.on('data', (chunk) => { const match = /VCSIM_URL=(\S+)/.exec(String(chunk)); if (match) resolve(match[1]); }));
  return { child, url, cert };
}
const driverFor = (sim) => new VsphereDriver({ url: sim.url, user: 'vdibench', password: 'vdibench-pass', caFile: sim.cert, goldenImage: 'golden-win10', snapshot: 'base', readyWhen: 'powered-on', readyTimeoutS: 60 }, { runId: 'perf', needsInstantClone: false });

const clones = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 20);
const small = await start(4);
const driver = driverFor(small);
await driver.open();
const golden = await driver.goldenImage();
const limit = pLimit(concurrency);
const started = performance.now();
const vms = await Promise.all(Array.from({ length: clones }, (_, index) => limit(async () => {
  const vm = await driver.linkedClone(golden.snapshot, { name: `vdibench-perf-${index + 1}`, role: 'desktop' });
  await driver.powerOn(vm);
  return vm;
})));
const cloneS = (performance.now() - started) / 1000;
await Promise.all(vms.map((vm) => limit(() => driver.destroy(vm))));
await driver.close();
small.child.kill('SIGTERM');

const large = await start(32);
const wide = driverFor(large);
const inventory = await wide.open();
const hosts = [...(await listHosts(wide))];
const collector = new PerfSampler(wide.client, hosts, new Map(inventory.hosts.map((host) => [host.name, host.cpuMhz])));
await collector.prepare();
const rounds = 10;
let samples = 0;
const roundStart = performance.now();
for (let round = 0; round < rounds; round++) samples += (await collector.collect()).length;
const roundMs = (performance.now() - roundStart) / rounds;
await wide.close();
large.child.kill('SIGTERM');
console.log(JSON.stringify({ clones, concurrency, cloneS, opsPerS: (2 * clones) / cloneS, hosts: hosts.length, roundMs, samplesPerRound: samples / rounds }));

async function listHosts(vsphere) {
  const { listObjects } = await import(path.join(root, 'dist/drivers/vsphere/vim25/properties.js'));
  return (await listObjects(vsphere.client, 'HostSystem', ['name'])).map((host) => ({ name: host.props.name, ref: host.obj }));
}
