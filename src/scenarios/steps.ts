/**
 * An arm's steps: `deploy`, then day-2 operations (docs/SCENARIOS.md, "Day-2 operations").
 * A step names a method's own operation (`recompose`, `refresh`, `push-image`,
 * `logoff-recreate`) or a generic one each method does its own way (`patch`, `refresh`
 * for instant clones = `logoff-recreate`). `users:` says what Horizon does with logged-in
 * users when an operation reaches their desktop.
 */
import { z } from 'zod';
import type { Method } from '../contract/method.js';
import {
  DEFAULT_USER_POLICY,
  GENERIC_OPERATIONS,
  OPERATION_METHOD,
  OPERATIONS,
  USER_POLICIES,
  type OperationName,
  type OperationSpec,
  type UserPolicy,
} from '../contract/operation.js';

const STEP_NAMES = ['deploy', 'patch', ...OPERATIONS] as const;
type StepName = (typeof STEP_NAMES)[number];

export const stepsSchema = z.array(z.enum(STEP_NAMES)).min(1).max(20);

export const usersSchema = z.strictObject({
  policy: z.enum(USER_POLICIES),
  loggedInPct: z.number().min(0).max(100),
  logoffWarningS: z.number().min(0).max(86_400),
  logoffWindowS: z.number().min(0).max(7 * 86_400),
});

/** What is wrong with an arm's steps (`index`: the step at fault), or undefined. */
export function stepProblem(steps: readonly StepName[], method: Method): { index: number; message: string } | undefined {
  if (steps[0] !== 'deploy') return { index: 0, message: `the first step must be deploy (an arm deploys its pool before any day-2 operation); got "${steps[0]}"` };
  for (const [index, step] of steps.entries()) {
    if (index > 0 && step === 'deploy') return { index, message: 'deploy can only be the first step' };
    if (step !== 'deploy' && step !== 'patch' && step !== 'refresh' && OPERATION_METHOD[step] !== method) {
      const own = GENERIC_OPERATIONS.patch[method] === step ? 'patch' : GENERIC_OPERATIONS.patch[method];
      return { index, message: `${step} is ${OPERATION_METHOD[step] === 'instant-clone' ? 'an' : 'a'} ${OPERATION_METHOD[step]} operation; this arm's method is ${method} (its patch is ${own}, its refresh ${GENERIC_OPERATIONS.refresh[method]}; "patch" and "refresh" mean each method's own)` };
    }
  }
  return undefined;
}

function operationFor(step: Exclude<StepName, 'deploy'>, method: Method): OperationName {
  return step === 'patch' || step === 'refresh' ? GENERIC_OPERATIONS[step][method] : step;
}

/** The day-2 operations of checked steps, for an arm of `method`; users from the most specific setting. */
export function resolveOperations(steps: readonly StepName[] | undefined, method: Method, users: Partial<UserPolicy>[]): OperationSpec[] | undefined {
  const operations = (steps ?? []).flatMap((step) => (step === 'deploy' ? [] : [operationFor(step, method)]));
  if (operations.length === 0) return undefined;
  const policy: UserPolicy = Object.assign({}, DEFAULT_USER_POLICY, ...users) as UserPolicy;
  return operations.map((name) => ({ name, users: { ...policy } }));
}
