// vdibench's vSphere driver against govmomi's own Go client (scripts/perf/govmomi-ref),
// on equal work, in the same run, against the same simulator (test/vcsim, 8-host cluster,
// TLS): per desktop, what a Composer-style desktop costs after the replica — linked clone
// from the golden snapshot, power on, QuickPrep's power off (customize), power on — for N
// desktops at concurrency K. Rounds alternate between the two clients; each round's
// desktops are destroyed afterwards (not timed). Also: the SOAP calls per desktop of the
// driver, per method, counted on the simulator's side (GET /vdibench/stats).
//
// usage: node scripts/perf/vsphere-vs-govmomi.mjs [desktops=100] [concurrency=8] [rounds=3]
// Prints one JSON line. Binaries are built into a temporary folder, never in the tree.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { VsphereDriver } = await import(path.join(root, 'dist/drivers/vsphere/vsphere-driver.js'));
const desktops = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 3);

const dir = mkdtempSync(path.join(tmpdir(), 'vdibench-perf-govmomi-'));
const goEnv = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };
for (const [source, binary] of [['test/vcsim', 'vcsim'], ['scripts/perf/govmomi-ref', 'govmomi-ref']]) {
  const build = spawnSync('go', ['build', '-o', path.join(dir, binary), '.'], { cwd: path.join(root, source), env: goEnv, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`go build ${source}: ${build.stderr}`);
}
const cert = path.join(dir, 'cert.pem');
const sim = spawn(path.join(dir, 'vcsim'), ['-listen', '127.0.0.1:0', '-hosts', '8', '-cert-out', cert], { stdio: ['ignore', 'pipe', process.env.VCSIM_LOG ? 'inherit' : 'ignore'] });
process.on('exit', () => {
  sim.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const url = await new Promise((resolve) => sim.stdout.on('data', (chunk) => { const match = /VCSIM_URL=(\S+)/.exec(String(chunk)); if (match) resolve(match[1]); }));
const statsUrl = new URL('/vdibench/stats', url);
const statsAgent = new Agent({ connect: { ca: readFileSync(cert, 'utf8') } });
const stats = async (reset) => (await request(`${statsUrl}${reset ? '?reset=1' : ''}`, { dispatcher: statsAgent })).body.json();

async function vdibenchRound(round) {
  const driver = new VsphereDriver({ url, user: 'vdibench', password: 'vdibench-pass', caFile: cert, goldenImage: 'golden-win10', snapshot: 'base', readyWhen: 'powered-on', readyTimeoutS: 60 }, { runId: 'perf', needsInstantClone: false });
  await driver.open();
  const golden = await driver.goldenImage();
  const limit = pLimit(concurrency);
  await stats(true);
  const started = performance.now();
  const vms = await Promise.all(Array.from({ length: desktops }, (_, index) => limit(async () => {
    const vm = await driver.linkedClone(golden.snapshot, { name: `vdibench-perf-${round}-${index + 1}`, role: 'desktop' });
    await driver.powerOn(vm);
    await driver.customize(vm, 'quickprep');
    await driver.powerOn(vm);
    return vm;
  })));
  const seconds = (performance.now() - started) / 1000;
  const counted = await stats(true);
  await Promise.all(vms.map((vm) => limit(() => driver.destroy(vm))));
  await driver.close();
  return { seconds, desktopsPerS: desktops / seconds, calls: counted.calls, logins: counted.logins, maxLiveFilters: counted.maxLiveFilters };
}

function govmomiRound(round) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(dir, 'govmomi-ref'), ['-url', url, '-ca', cert, '-desktops', String(desktops), '-concurrency', String(concurrency), '-prefix', `govmomi-ref-${round}-`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let result;
    child.stdout.on('data', async (chunk) => {
      out += chunk;
      if (result || !out.includes('\n')) return;
      result = JSON.parse(out.trim());
      // The timed part is over: its calls, then let it tear down.
      result.calls = (await stats(true)).calls;
      child.stdin.end('\n');
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`govmomi-ref: ${err}`))));
  });
}

const ours = [];
const theirs = [];
for (let round = 1; round <= rounds; round++) {
  ours.push(await vdibenchRound(round));
  await stats(true);
  theirs.push(await govmomiRound(round));
}
sim.kill('SIGTERM');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perDesktop = (calls) => Object.fromEntries(Object.entries(calls).filter(([method]) => method).sort().map(([method, count]) => [method, count / desktops]));
const vdibench = median(ours.map((r) => r.desktopsPerS));
const govmomi = median(theirs.map((r) => r.desktopsPerS));
console.log(JSON.stringify({
  desktops, concurrency, rounds,
  vdibenchDesktopsPerS: vdibench, govmomiDesktopsPerS: govmomi, ratio: vdibench / govmomi,
  vdibenchRounds: ours.map((r) => r.desktopsPerS), govmomiRounds: theirs.map((r) => r.desktopsPerS),
  vdibenchCallsPerDesktop: perDesktop(ours[0].calls), govmomiCallsPerDesktop: perDesktop(theirs[0].calls),
  vdibenchLogins: ours[0].logins, vdibenchMaxLiveFilters: ours[0].maxLiveFilters,
}));
await statsAgent.close();
