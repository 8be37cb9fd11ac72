/**
 * `bench push`: send a stored run's metrics.lp to InfluxDB. Streams the file in batches
 * with a few requests in flight; retries what may succeed later. InfluxDB overwrites a
 * point with the same series and timestamp, so pushing a run twice leaves no duplicates.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InfluxError, type InfluxTransport } from './transport.js';

export interface PushOptions {
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
  const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of reader) {
    if (failure) break;
    if (line === '' || line.startsWith('#')) continue;
    batch.push(line);
    if (batch.length >= batchLines) {
      launch(batch);
      batch = [];
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  }
  reader.close();
  if (batch.length > 0 && !failure) launch(batch);
  await Promise.all(inFlight);
  await transport.close();
  if (failure) throw failure;
  return { points: sent, seconds: (performance.now() - started) / 1000 };
}
