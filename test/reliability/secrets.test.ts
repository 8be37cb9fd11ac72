/**
 * No secret in output, logs or the run folder: runs with a known password and token, then
 * every byte they printed or wrote is searched for them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bench, repoRoot, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/influxd.js';

const PASSWORD = 'Pa55-word-known-to-the-test';
const TOKEN = 'tok-known-to-the-test-0123456789';

function everything(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'latin1'))
    .join('\n');
}

describe('secrets stay secret', () => {
  it.each([
    ['InfluxDB 1.x with user and password', (port: number) => ['--influx-url', `http://127.0.0.1:${port}`, '--influx-db', 'd', '--influx-user', 'u']],
    ['InfluxDB 2.x with a token', (port: number) => ['--influx-url', `http://127.0.0.1:${port}`, '--influx-org', 'o', '--influx-bucket', 'b']],
  ])('%s: not in stdout, stderr, the run folder or the report', async (_what, flags) => {
    const out = tempDir();
    const port = await freePort();
    const result = bench(['run', 'composer-vs-instant', '--desktops', '5', '--json', '--out', out, ...flags(port)],
      { env: { INFLUX_PASSWORD: PASSWORD, INFLUX_TOKEN: TOKEN, VDIBENCH_INFLUX_CLOSE_TIMEOUT_MS: '300' } });
    expect(result.status, result.stderr).toBe(0);
    const written = everything(out);
    expect(written.length).toBeGreaterThan(10_000);
    for (const secret of [PASSWORD, TOKEN, Buffer.from(`u:${PASSWORD}`).toString('base64')]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
      expect(written).not.toContain(secret);
    }
    const dir = path.resolve(repoRoot, JSON.parse(result.stdout).runDir);
    const push = bench(['push', dir, ...flags(port)], { env: { INFLUX_PASSWORD: PASSWORD, INFLUX_TOKEN: TOKEN } });
    expect(push.status).toBe(1);
    expect(push.stderr).toMatch(/is unreachable/);
    expect(push.stderr + push.stdout).not.toContain(PASSWORD);
    expect(push.stderr + push.stdout).not.toContain(TOKEN);
  });

  it('a password in a URL is refused without being echoed', () => {
    const result = bench(['run', 'composer-only', '--desktops', '2', '--out', tempDir(), '--influx-url', `http://admin:${PASSWORD}@127.0.0.1:8086`, '--influx-db', 'd']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not in the URL/);
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
