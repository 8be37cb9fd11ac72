/**
 * Errors a user can hit. They print as one line without a stack trace; the CLI maps each
 * kind to an exit code. Anything else that escapes is a programming error and crashes loudly.
 */

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** The regression gate failed: a metric got worse than allowed, or left its band. */
export const EXIT_REGRESSION = 99;
/** A programming error (a bug in vdibench): the stack trace is printed for a bug report. */
export const EXIT_INTERNAL = 70;

/** Bad input or usage: a scenario file, a flag, a run folder. Exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** The environment stood in the way (driver unreachable, credentials refused). Exit code 1. */
export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

export function isUserError(error: unknown): error is InputError | RunError {
  return error instanceof InputError || error instanceof RunError;
}
