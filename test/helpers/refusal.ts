import { expect } from 'vitest';
import { InputError } from '../../src/contract/errors.js';

/** Bad input: exit 2, the expected message, at most one hint line, and no stack trace. */
export function expectCleanRefusal(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toMatch(message);
  const lines = result.stderr.trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

/** The message of the user error `work` throws (an InputError); fails when it throws none or another kind. */
export function inputProblem(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}
