import { expect } from 'vitest';

/** Bad input: exit 2, the expected message, at most one hint line, and no stack trace. */
export function expectCleanRefusal(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toMatch(message);
  const lines = result.stderr.trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}
