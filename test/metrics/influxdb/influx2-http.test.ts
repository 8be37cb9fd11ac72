/**
 * The InfluxDB 2.x/3.x path, checked at the HTTP level: a local server captures what the
 * harness (through @influxdata/influxdb-client) sends to /api/v2/write, and answers as
 * told (success, a passing outage, a refused token, an unknown bucket).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { bench, benchAsync, repoRoot, tempDir } from '../../helpers/cli.js';

interface Captured {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

async function captureServer(answer: (request: Captured, index: number) => number): Promise<{ url: string; requests: Captured[]; server: Server }> {
  const requests: Captured[] = [];
  let writes = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      const captured = { method: request.method ?? '', url: new URL(request.url ?? '/', 'http://localhost'), headers: request.headers, body };
      requests.push(captured);
      if (captured.url.pathname === '/ping') {
        response.writeHead(204).end();
        return;
      }
      const status = answer(captured, writes++);
      const messages: Record<number, string> = { 401: 'unauthorized access', 404: 'bucket "nope" not found', 503: 'service unavailable' };
      response.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? undefined : JSON.stringify({ code: 'error', message: messages[status] ?? 'error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const TOKEN = 'tok-2x-abcdef0123456789';

function run(url: string, extra: string[] = []) {
  return benchAsync(['run', 'composer-vs-instant', '--desktops', '10', '--json', '-q', '--out', tempDir(), '--influx-url', url, '--influx-org', 'lab', '--influx-bucket', 'vdi', ...extra],
    { env: { INFLUX_TOKEN: TOKEN, VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS: '20000' } });
}

describe('InfluxDB 2.x/3.x over HTTP', () => {
  it('writes the run\'s line protocol to /api/v2/write with org, bucket, ns precision and the token', async () => {
    const capture = await captureServer(() => 204);
    servers.push(capture.server);
    const result = await run(capture.url);
    expect(result.status, result.stderr).toBe(0);
    const writes = capture.requests.filter((request) => request.url.pathname === '/api/v2/write');
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.method).toBe('POST');
      expect(Object.fromEntries(write.url.searchParams)).toEqual({ org: 'lab', bucket: 'vdi', precision: 'ns' });
      expect(write.headers.authorization).toBe(`Token ${TOKEN}`);
    }
    const dir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    const sent = writes.flatMap((write) => write.body.split('\n')).filter(Boolean);
    const file = readFileSync(path.join(dir, 'metrics.lp'), 'utf8').trim().split('\n');
    expect(sent).toEqual(file);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(record.sinks[0]).toEqual({ name: 'influxdb', target: `${capture.url} org=lab bucket=vdi`, delivered: file.length, undelivered: 0 });
    expect(readFileSync(path.join(dir, 'run.json'), 'utf8')).not.toContain(TOKEN);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('retries through a passing outage (503) and delivers every point once', async () => {
    const capture = await captureServer((_request, index) => (index < 2 ? 503 : 204));
    servers.push(capture.server);
    const result = await run(capture.url);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/answered 503/);
    const dir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    const accepted = capture.requests.filter((request) => request.url.pathname === '/api/v2/write').slice(2);
    const file = readFileSync(path.join(dir, 'metrics.lp'), 'utf8').trim().split('\n');
    expect(accepted.flatMap((write) => write.body.split('\n')).filter(Boolean)).toEqual(file);
  });

  it.each([
    [401, /refused the credentials \(401\)/],
    [404, /not found \(404\): .*bucket "nope" not found/],
  ])('a %i is a clear error (exit 1, the run itself whole); the points stay in the run folder', async (status, message) => {
    const capture = await captureServer(() => status);
    servers.push(capture.server);
    const result = await run(capture.url);
    expect(result.status, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).status).toBe('completed');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/refused the points: .*bench push /);
    expect(result.stderr).not.toContain(TOKEN);
    const dir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    expect(readFileSync(path.join(dir, 'influx-undelivered.lp'), 'utf8')).toBe(readFileSync(path.join(dir, 'metrics.lp'), 'utf8'));
    expect(capture.requests.filter((request) => request.url.pathname === '/api/v2/write')).toHaveLength(1);
  });

  it('needs a token from the environment, never from a flag or the scenario file', () => {
    const result = bench(['run', 'composer-only', '--desktops', '2', '--out', tempDir(), '--influx-url', 'http://127.0.0.1:1', '--influx-org', 'lab', '--influx-bucket', 'vdi'], { env: { INFLUX_TOKEN: '' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs a token: set INFLUX_TOKEN/);
    expect(bench(['run', 'composer-only', '--influx-token', 'x']).status).toBe(2);
  });
});
