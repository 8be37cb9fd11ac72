/**
 * Creating a run folder and writing its whole files (run.json and the exports) atomically.
 * A folder is created exclusively, so two runs started in the same second, in one process
 * or several, never share one.
 */
import { constants } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../contract/errors.js';
import type { RunRecord } from '../contract/run-record.js';
import { writeFileAtomic } from './atomic.js';
import { runFilePath, type RunFile } from './layout.js';

/** `2026-11-26T10-04-05Z-composer-vs-instant`: the run's start (UTC, to the second) and scenario. */
export function makeRunId(startMs: number, scenario: string): string {
  const stamp = new Date(Math.floor(startMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${scenario}`;
}

const MAX_SAME_SECOND_RUNS = 1000;

const OUT_HINT = 'point --out at a folder you can write';

/**
 * Makes sure `outDir` is a folder this process can create run folders in, creating it (and
 * missing parents) if needed; else an InputError naming the path and why. Node's
 * `mkdir(…, { recursive: true })` is not used: on a path such as /proc/x, whose parent exists
 * but refuses children with ENOENT, it retries forever in libuv's thread pool (a spin at
 * full CPU that no signal ends). Each missing level is created once here, so it cannot loop.
 */
export async function prepareOutDir(outDir: string): Promise<void> {
  const absolute = path.resolve(outDir);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw outDirError(existing, error);
    });
    if (info) {
      if (!info.isDirectory()) throw new InputError(`--out ${outDir}: ${existing === absolute ? 'not a folder' : `${existing} is not a folder`}`, OUT_HINT);
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) throw new InputError(`--out ${outDir}: no such file system root`, OUT_HINT);
    missing.unshift(existing);
    existing = parent;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw outDirError(dir, error as NodeJS.ErrnoException);
    }
  }
  try {
    await access(absolute, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw outDirError(absolute, error as NodeJS.ErrnoException);
  }
}

function outDirError(dir: string, error: NodeJS.ErrnoException): InputError {
  const reasons: Record<string, string> = {
    ENOENT: 'this place cannot hold folders', EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'not permitted',
    ENOTDIR: 'a part of the path is a file', ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', ENAMETOOLONG: 'name too long',
  };
  const code = error.code ?? 'error';
  return new InputError(`cannot create a run folder in ${dir}: ${Object.hasOwn(reasons, code) ? `${reasons[code]!} (${code})` : code}`, OUT_HINT);
}

/** Creates `<outDir>/<runId>` (or `<runId>-2`, `-3`… when taken) and returns the id it got. */
export async function createRunFolder(outDir: string, runId: string): Promise<{ runId: string; runDir: string }> {
  await prepareOutDir(outDir);
  for (let attempt = 1; attempt <= MAX_SAME_SECOND_RUNS; attempt++) {
    const id = attempt === 1 ? runId : `${runId}-${attempt}`;
    const runDir = path.join(outDir, id);
    try {
      // Not recursive: exclusive, and it fails at once where the parent refuses children.
      await mkdir(runDir);
      return { runId: id, runDir };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw outDirError(runDir, error as NodeJS.ErrnoException);
    }
  }
  throw new InputError(`${outDir}: ${MAX_SAME_SECOND_RUNS} runs named ${runId} already`, 'point --out at another folder');
}

/** Removes a run folder that a run gave up before it started (nothing in it worth keeping). */
export async function removeRunFolder(runDir: string): Promise<void> {
  await rm(runDir, { recursive: true, force: true });
}

export async function writeRunRecord(runDir: string, record: RunRecord): Promise<void> {
  await writeRunFile(runDir, 'record', JSON.stringify(record, null, 2) + '\n');
}

/** Writes one whole file of the run folder (never a streamed one) atomically. */
export async function writeRunFile(runDir: string, file: Exclude<RunFile, 'samples' | 'events' | 'lineProtocol' | 'undeliveredLineProtocol'>, content: string): Promise<string> {
  const target = runFilePath(runDir, file);
  await writeFileAtomic(target, content);
  return target;
}
