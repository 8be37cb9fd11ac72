/**
 * Sending line protocol to InfluxDB.
 *
 * 1.x: our own small writer for `POST /write` — @influxdata/influxdb-client speaks only the
 * `/api/v2/write` API, which 1.x servers before 1.8 (Debian's 1.6 among them) do not have.
 * 2.x/3.x: @influxdata/influxdb-client's WriteApi (headers, token, org/bucket, gzip), with its
 * own retries off: the sink's delivery loop owns retries and accounting.
 */
import { HttpError, InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import { RunError } from '../../contract/errors.js';
import { describeTarget, type InfluxSettings } from './config.js';

/** A failed write: `retryable` when waiting may help (network, 5xx, 429). */
export class InfluxError extends RunError {
  constructor(message: string, readonly retryable: boolean, readonly status?: number, hint?: string) {
    super(message, hint);
  }
}

export interface InfluxTransport {
  readonly target: string;
  /** Reachability and (1.x) the database; throws InfluxError. */
  prepare(): Promise<void>;
  /** prepare() creates the database when it is missing (1.x); a 2.x bucket is never created by us. */
  readonly createsDatabase: boolean;
  write(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 15_000;
const PING_TIMEOUT_MS = 3_000;

function networkError(target: string, error: unknown): InfluxError {
  const failure = error as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const cause = failure?.cause?.code ?? failure?.code ?? (failure?.name === 'TimeoutError' ? 'timed out' : undefined) ?? failure?.cause?.message ?? failure?.message ?? 'error';
  return new InfluxError(`InfluxDB at ${target} is unreachable (${cause})`, true);
}

/** InfluxDB's own words: `message` (2.x) or `error` (1.x) of a JSON body, else the text. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const text = parsed.message ?? parsed.error;
    if (typeof text === 'string') return text.slice(0, 200);
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function statusError(target: string, status: number, body: string): InfluxError {
  const detail = errorDetail(body);
  if (status === 401) return new InfluxError(`InfluxDB at ${target} refused the credentials (401)`, false, status, 'check INFLUX_USER / INFLUX_PASSWORD or INFLUX_TOKEN');
  if (status === 403) return new InfluxError(`InfluxDB at ${target}: not allowed (403): ${detail}`, false, status, 'the user or token needs write access');
  if (status === 404) return new InfluxError(`InfluxDB at ${target}: not found (404): ${detail}`, false, status, 'check the database, or the org and bucket');
  if (status === 400) return new InfluxError(`InfluxDB at ${target} rejected the points (400): ${detail}`, false, status);
  if (status === 413) return new InfluxError(`InfluxDB at ${target}: request too large (413)`, false, status);
  return new InfluxError(`InfluxDB at ${target} answered ${status}: ${detail}`, status >= 500 || status === 429, status);
}

export class Influx1Transport implements InfluxTransport {
  readonly target: string;
  private readonly authorization: string | undefined;
  readonly createsDatabase = true;
  /** Aborts requests still in flight when the transport closes: a stalled server never holds the process. */
  private readonly closing = new AbortController();

  constructor(private readonly settings: Extract<InfluxSettings, { version: 1 }>) {
    this.target = describeTarget(settings);
    this.authorization = settings.user ? `Basic ${Buffer.from(`${settings.user}:${settings.password ?? ''}`).toString('base64')}` : undefined;
  }

  private async request(pathAndQuery: string, body?: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    if (body !== undefined) headers['content-type'] = 'text/plain; charset=utf-8';
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]);
      return await fetch(`${this.settings.url}${pathAndQuery}`, { method: body === undefined ? 'GET' : 'POST', headers, body, signal });
    } catch (error) {
      throw networkError(this.target, error);
    }
  }

  async prepare(): Promise<void> {
    // A short ping: a stalled server must not hold the run's start; it is then retried like a down one.
    const ping = await this.request('/ping', undefined, PING_TIMEOUT_MS);
    if (ping.status !== 204 && ping.status !== 200) throw statusError(this.target, ping.status, await ping.text());
    // CREATE DATABASE is idempotent. Without admin rights it answers 403: the database may
    // still exist, and the first write will tell.
    const query = new URLSearchParams({ q: `CREATE DATABASE "${this.settings.db.replace(/"/g, '\\"')}"` });
    const created = await this.request(`/query?${query}`, '');
    const text = await created.text();
    if (created.status === 401) throw statusError(this.target, 401, text);
    if (created.ok && /"error"/.test(text) && !/already exists/.test(text)) {
      const message = /"error":"([^"]*)"/.exec(text)?.[1] ?? text;
      if (!/requires admin privilege|not authorized/.test(message)) throw new InfluxError(`InfluxDB at ${this.target}: cannot create the database: ${message}`, false);
    }
    // The database must now be there and visible to this user, or every write would fail.
    const shown = await this.request(`/query?${new URLSearchParams({ q: 'SHOW DATABASES' })}`);
    const databases = await shown.text();
    if (shown.status === 401) throw statusError(this.target, 401, databases);
    if (shown.ok && !databases.includes(JSON.stringify([this.settings.db]))) {
      throw new InfluxError(`InfluxDB at ${this.target}: no database "${this.settings.db}" that this user can see, and it could not be created`, false, 404,
        'create it (CREATE DATABASE) or grant the user access, or name another with --influx-db');
    }
  }

  async write(lines: string[]): Promise<void> {
    const query = new URLSearchParams({ db: this.settings.db, precision: 'ns' });
    if (this.settings.retentionPolicy) query.set('rp', this.settings.retentionPolicy);
    const response = await this.request(`/write?${query}`, lines.join('\n'));
    if (response.status === 204 || response.status === 200) {
      await response.body?.cancel();
      return;
    }
    throw statusError(this.target, response.status, await response.text());
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}

class Influx2Transport implements InfluxTransport {
  readonly createsDatabase = false;
  readonly target: string;
  private readonly writeApi: WriteApi;

  constructor(private readonly settings: Extract<InfluxSettings, { version: 2 }>) {
    this.target = describeTarget(settings);
    const client = new InfluxDB({ url: settings.url, token: settings.token, timeout: REQUEST_TIMEOUT_MS });
    this.writeApi = client.getWriteApi(settings.org, settings.bucket, 'ns', {
      // One request per write() (batches are at most this size): the sink decides batches and retries.
      batchSize: 100_000,
      maxBatchBytes: 256 * 1024 * 1024,
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: 64 * 1024,
      writeFailed: (error) => Promise.reject(error),
    });
  }

  async prepare(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.url}/ping`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw networkError(this.target, error);
    }
    await response.body?.cancel();
    if (response.status >= 500) throw statusError(this.target, response.status, '');
  }

  async write(lines: string[]): Promise<void> {
    this.writeApi.writeRecords(lines);
    try {
      await this.writeApi.flush();
    } catch (error) {
      if (error instanceof HttpError) throw statusError(this.target, error.statusCode, error.body ?? error.message);
      throw networkError(this.target, error);
    }
  }

  async close(): Promise<void> {
    await this.writeApi.close().catch(() => undefined);
  }
}

export function createTransport(settings: InfluxSettings): InfluxTransport {
  return settings.version === 1 ? new Influx1Transport(settings) : new Influx2Transport(settings);
}
