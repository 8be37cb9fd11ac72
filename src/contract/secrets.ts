/**
 * Secrets come only from the environment: NAME itself, or NAME_FILE naming a file only its
 * owner can read (mode 0600). Never from a flag (shell history, ps) or a scenario file.
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError, RunError } from './errors.js';

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

/**
 * Ask for a secret on the terminal without echoing it. Undefined when there is no terminal
 * to ask on (CI, pipes): the caller then reports what to set instead. Ctrl-C at the prompt
 * rejects with a RunError (exit 1, as any interrupted run).
 */
export async function promptSecret(question: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY || !process.stderr.isTTY) return undefined;
  // Echo off before the question shows: an answer typed at once is never echoed.
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (value: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (value === undefined) reject(new RunError('interrupted at the password prompt; nothing was started'));
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003') return finish(undefined);
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}
