/**
 * Secrets come only from the environment: NAME itself, or NAME_FILE naming a file only its
 * owner can read (mode 0600). Never from a flag (shell history, ps) or a scenario file.
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from './errors.js';

export type Env = Record<string, string | undefined>;

export function secret(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new InputError(`${name}_FILE: cannot read ${file}`);
  }
  if ((mode & 0o077) !== 0) throw new InputError(`${name}_FILE: ${file} is readable by others; chmod 600 it`);
  return readFileSync(file, 'utf8').trim();
}
