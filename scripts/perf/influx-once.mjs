// InfluxDB write throughput: a local influxd (Debian's package) on a free port; the same
// metrics.lp pushed by `bench push`'s code, streamed through the sink, and uploaded by curl.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (file) => import(path.join(root, 'dist', file));
const { pushLineProtocol } = await dist('metrics/influxdb/push.js');
const { Influx1Transport } = await dist('metrics/influxdb/transport.js');
const { InfluxSink } = await dist('metrics/influxdb/influx-sink.js');

const lpFile = process.argv[2];
const freePort = () => new Promise((resolve) => { const server = createServer().listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); }); });
const dir = mkdtempSync(path.join(tmpdir(), 'vdibench-perf-influxd-'));
const port = await freePort();
const config = path.join(dir, 'influxdb.conf');
writeFileSync(config, `reporting-disabled = true\nbind-address = "127.0.0.1:${await freePort()}"\n[meta]\n  dir = "${dir}/meta"\n[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false\n[http]\n  bind-address = "127.0.0.1:${port}"\n  log-enabled = false\n  max-body-size = 0\n[monitor]\n  store-enabled = false\n[logging]\n  level = "error"\n`);
const influxd = spawn('influxd', ['-config', config], { stdio: 'ignore' });
const url = `http://127.0.0.1:${port}`;
for (let attempt = 0; attempt < 300; attempt++) {
  try { if ((await fetch(`${url}/ping`)).status === 204) break; } catch { /* starting */ }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const lines = readFileSync(lpFile, 'utf8').trim().split('\n');
const points = lines.length;

try {
  const push = await pushLineProtocol(lpFile, new Influx1Transport({ version: 1, url, db: 'push' }));

  const sinkTransport = new Influx1Transport({ version: 1, url, db: 'sink' });
  const sink = new InfluxSink(sinkTransport, { runDir: dir, batchLines: 10_000, maxQueuedLines: 2_000_000, warn: (m) => console.error(m) });
  await sink.start({});
  const sinkStart = performance.now();
  for (let index = 0; index < lines.length; index += 1000) sink.write({ lines: lines.slice(index, index + 1000) });
  await sink.close();
  const sinkS = (performance.now() - sinkStart) / 1000;

  await fetch(`${url}/query?q=${encodeURIComponent('CREATE DATABASE curl')}`, { method: 'POST' });
  const curlStart = performance.now();
  const curl = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-XPOST', `${url}/write?db=curl&precision=ns`, '--data-binary', `@${lpFile}`], { encoding: 'utf8' });
  const curlS = (performance.now() - curlStart) / 1000;
  if (curl.stdout.trim() !== '204') throw new Error(`curl upload failed: ${curl.stdout} ${curl.stderr}`);
  console.log(JSON.stringify({ points, pushPointsPerS: points / push.seconds, sinkPointsPerS: points / sinkS, curlPointsPerS: points / curlS, delivered: sink.report().delivered }));
} finally {
  influxd.kill('SIGTERM');
  await new Promise((resolve) => influxd.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
