/**
 * Day-2 operations: what an arm does to its pool after deploying it (docs/SCENARIOS.md,
 * "Day-2 operations"). Each operation belongs to one provisioning method; the generic names
 * a scenario may use (`patch`, `refresh`) mean each method's own operation.
 */
import type { Method } from './method.js';

export const OPERATIONS = ['recompose', 'refresh', 'rebalance', 'push-image', 'logoff-recreate'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** The method an operation works on. */
export const OPERATION_METHOD: Readonly<Record<OperationName, Method>> = {
  recompose: 'composer',
  refresh: 'composer',
  rebalance: 'composer',
  'push-image': 'instant-clone',
  'logoff-recreate': 'instant-clone',
};

/**
 * Names that mean "this method's way of doing it": `patch` moves the pool to a new image
 * (recompose, push image); `refresh` returns desktops to a clean state after users log off
 * (View Composer refresh; for instant clones, delete and re-fork on logoff).
 */
export const GENERIC_OPERATIONS: Readonly<Record<'patch' | 'refresh', Readonly<Record<Method, OperationName>>>> = {
  patch: { composer: 'recompose', 'instant-clone': 'push-image' },
  refresh: { composer: 'refresh', 'instant-clone': 'logoff-recreate' },
};

/** What Horizon does with logged-in users when an operation reaches their desktop. */
export const USER_POLICIES = ['force-logoff', 'wait-for-logoff'] as const;
export type UserPolicyName = (typeof USER_POLICIES)[number];

export interface UserPolicy {
  policy: UserPolicyName;
  /** Share of the pool's desktops with a user logged in when the operation starts. */
  loggedInPct: number;
  /** force-logoff: users are warned, then logged off this many seconds later (Horizon's default warning: 5 min). */
  logoffWarningS: number;
  /** wait-for-logoff: each user logs off at a time drawn uniformly over this window. */
  logoffWindowS: number;
}

export const DEFAULT_USER_POLICY: Readonly<UserPolicy> = { policy: 'force-logoff', loggedInPct: 100, logoffWarningS: 300, logoffWindowS: 3600 };

/** One day-2 operation as a scenario asks for it, resolved for its arm's method. */
export interface OperationSpec {
  name: OperationName;
  users: UserPolicy;
}

/** For people: report headings, the terminal, the verdict. */
export const OPERATION_LABELS: Readonly<Record<OperationName, string>> = {
  recompose: 'Recompose',
  refresh: 'Refresh',
  rebalance: 'Rebalance',
  'push-image': 'Push image',
  'logoff-recreate': 'Recreate on logoff',
};
