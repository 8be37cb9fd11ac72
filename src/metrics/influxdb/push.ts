/**
 * `bench push`: send a stored run's metrics.lp to InfluxDB. Streams the file in batches
 * with a few requests in flight; retries what may succeed later. InfluxDB overwrites a
 * point with the same series and timestamp, so pushing a run twice leaves no duplicates.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InfluxError, type InfluxTransport } from './transport.js';

export interface PushOptions {
  warn?: (message: string) => void;
  batchLines?: number;
  concurrency?: number;
  retries?: number;
  onProgress?: (sent: number) => void;
}

export interface PushResult {
  points: number;
  seconds: number;
}

export async function pushLineProtocol(file: string, transport: InfluxTransport, options: PushOptions = {}): Promise<PushResult> {
  const batchLines = options.batchLines ?? 10_000;
  const concurrency = options.concurrency ?? 2;
  const retries = options.retries ?? 4;
  const started = performance.now();
  await transport.prepare();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const send = async (lines: string[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.write(lines);
        sent += lines.length;
        options.onProgress?.(sent);
        return;
      } catch (error) {
        if (!(error instanceof InfluxError) || !error.retryable || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  };
  const launch = (lines: string[]) => {
    const task = send(lines).catch((error: unknown) => { failure ??= error; }).finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let batch: string[] = [];
  // Every line of metrics.lp ends with a newline: a last line without one was torn by a crash.
  const torn = await lastLineIsTorn(file);
  const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let pending: string | undefined;
  for await (const next of reader) {
    if (failure) break;
    // One line behind, so the last one can be left out when it is torn.
    const line = pending;
    pending = next;
    if (line === undefined || line === '' || line.startsWith('#')) continue;
    batch.push(line);
    if (batch.length >= batchLines) {
      launch(batch);
      batch = [];
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  }
  reader.close();
  if (pending !== undefined && pending !== '' && !pending.startsWith('#') && !failure) {
    if (torn) options.warn?.(`${file}: the last line is incomplete (the run was cut off while writing it); it was left out: ${pending.slice(0, 80)}`);
    else batch.push(pending);
  }
  if (batch.length > 0 && !failure) launch(batch);
  await Promise.all(inFlight);
  await transport.close();
  if (failure) throw failure;
  return { points: sent, seconds: (performance.now() - started) / 1000 };
}

async function lastLineIsTorn(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
