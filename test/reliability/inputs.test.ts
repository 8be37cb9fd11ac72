/**
 * Inputs that used to hang, spin or crash: special files as the scenario file, --out on a
 * place that cannot hold folders, prototype property names, control characters in scenario
 * text. Each is a one-line error with exit 2 (or safe output), quickly, and nothing written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeTerminalText } from '../../src/cli/terminal-text.js';
import { bench, benchAsync, tempDir } from '../helpers/cli.js';
import { expectCleanRefusal } from '../helpers/refusal.js';

/** Refused within seconds, not after a timeout (bench() kills at 120 s). */
function timed<T>(work: () => T): { result: T; elapsedMs: number } {
  const startMs = Date.now();
  const result = work();
  return { result, elapsedMs: Date.now() - startMs };
}

describe('the scenario file is checked with stat before it is read', () => {
  it('/dev/zero is refused at once as a device', () => {
    const { result, elapsedMs } = timed(() => bench(['list', '--file', '/dev/zero']));
    expectCleanRefusal(result, /^bench: \/dev\/zero: is not a regular file \(a device\)/);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('a named pipe is refused without opening it (no writer ever comes)', () => {
    const fifo = path.join(tempDir(), 'scenarios.yml');
    execFileSync('mkfifo', [fifo]);
    const { result, elapsedMs } = timed(() => bench(['validate', fifo]));
    expectCleanRefusal(result, /: is not a regular file \(a named pipe\)/);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('a file over 1 MiB is refused by its size', () => {
    const big = path.join(tempDir(), 'big.yml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\nscenarios: {}\n`);
    expectCleanRefusal(bench(['validate', big]), /: file is \d+ bytes; a scenario file is at most 1048576/);
  });
});

describe('--out on a place that cannot hold run folders: exit 2, one line, nothing written, no spin', () => {
  const file = path.join(tempDir(), 'a-file');
  writeFileSync(file, 'x');
  it.each([
    ['/proc/x (the parent refuses children: Node\'s recursive mkdir spun forever here)', '/proc/x', /^bench: cannot create a run folder in \/proc\/x: .*\(ENOENT\)/],
    ['/proc/x/y/z', '/proc/x/y/z', /^bench: cannot create a run folder in \/proc\/x: /],
    ['a file', file, /^bench: --out .*a-file: not a folder/],
    ['a path under a file', path.join(file, 'runs'), /^bench: cannot create a run folder in .*a-file\/runs: a part of the path is a file \(ENOTDIR\)|^bench: --out .*: .*a-file is not a folder/],
  ])('%s', (_, out, message) => {
    const { result, elapsedMs } = timed(() => bench(['run', 'composer-only', '--desktops', '2', '--out', out]));
    expectCleanRefusal(result, message);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('a read-only place (a read-only bind of a temp folder, when mounting is permitted)', (context) => {
    const dir = tempDir();
    const readOnly = path.join(dir, 'ro');
    mkdirSync(readOnly);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', readOnly], { stdio: 'ignore' });
    } catch {
      // A read-only mount needs root; EROFS is then covered by the ENOENT/ENOTDIR cases' code path.
      if (process.getuid?.() === 0) throw new Error('running as root, yet mount -t tmpfs failed');
      context.skip();
      return;
    }
    try {
      const result = bench(['run', 'composer-only', '--desktops', '2', '--out', path.join(readOnly, 'runs')]);
      expectCleanRefusal(result, /^bench: cannot create a run folder in .*\/ro\/runs: read-only file system \(EROFS\)/);
      expect(readdirSync(readOnly)).toEqual([]);
    } finally {
      execFileSync('umount', [readOnly]);
    }
  });
});

describe('prototype property names are plain unknown names', () => {
  it.each([
    [['run', 'toString'], /^bench: unknown scenario "toString" in /],
    [['run', '__proto__'], /^bench: unknown scenario "__proto__" in /],
    [['run', 'composer-only', '--set', '__proto__.x=1'], /^bench: --set __proto__\.x=1: unknown setting "__proto__"/],
    [['run', 'composer-only', '--set', 'toString.x=1'], /^bench: --set toString\.x=1: unknown setting "toString"/],
    [['run', 'composer-only', '--set', 'constructor=1'], /^bench: --set constructor=1: unknown setting "constructor"/],
    [['run', 'composer-only', '--set', 'horizon.constructor=1'], /^bench: --set horizon\.constructor=1: unknown horizon parameter "constructor"/],
  ])('bench %j', (args, message) => {
    const out = path.join(tempDir(), 'runs');
    expectCleanRefusal(bench([...args, '--out', out]), message);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('a YAML key __proto__ is an unknown key, also where names are free (scenario names)', () => {
    const file = path.join(tempDir(), 'scenarios.yml');
    writeFileSync(file, 'scenarios:\n  a:\n    arms:\n      - { name: composer, method: composer }\n  __proto__:\n    arms: []\n');
    expectCleanRefusal(bench(['validate', file]), /^bench: .*scenarios\.yml:5:3: unknown key "__proto__" in scenarios$/m);
  });
});

describe('control characters in scenario text are escaped on the terminal', () => {
  it('escapeTerminalText shows C0, ESC, DEL and C1 controls as escapes and leaves other text alone', () => {
    expect(escapeTerminalText('a\u001b]0;pwned\u0007b\nc\td\r\u007f\u009b2J é ×')).toBe('a\\x1b]0;pwned\\x07b\\nc\\td\\r\\x7f\\x9b2J é ×');
  });

  it('bench list prints a description with ESC sequences, BEL, newlines and C1 as escapes', () => {
    const file = path.join(tempDir(), 'scenarios.yml');
    writeFileSync(file, 'scenarios:\n  a:\n    description: "x\\e[2J\\e]0;title\\a\\nforged line\\x9b31m"\n    arms:\n      - { name: composer, method: composer }\n');
    const result = bench(['list', '--file', file]);
    expect(result.status, result.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(result.stdout).toContain('x\\x1b[2J\\x1b]0;title\\x07\\nforged line\\x9b31m');
    expect(result.stdout.split('\n').filter((line) => line.includes('forged line'))).toHaveLength(1);
  });
});

describe('run folders are unique', () => {
  it('two bench run processes started together into the same --out get two folders', async () => {
    const out = path.join(tempDir(), 'runs');
    const args = ['run', 'composer-only', '--desktops', '2', '--out', out, '--quiet', '--json'];
    const [first, second] = await Promise.all([benchAsync(args), benchAsync(args)]);
    expect(first.status, first.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
    const dirs = [JSON.parse(first.stdout).runDir as string, JSON.parse(second.stdout).runDir as string];
    expect(new Set(dirs).size).toBe(2);
    expect(readdirSync(out)).toHaveLength(2);
  });
});
