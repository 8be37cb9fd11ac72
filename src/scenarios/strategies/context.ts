import type { HypervisorDriver, Inventory, VmRef } from '../../drivers/types.js';
import type { ArmRecorder } from '../recorder.js';
import type { ArmSpec, Scenario } from '../schema.js';

export interface StrategyContext {
  driver: HypervisorDriver;
  inventory: Inventory;
  scenario: Scenario;
  arm: ArmSpec;
  recorder: ArmRecorder;
  /** `<prefix><arm>-<n>`, n from 1. */
  desktopNames: string[];
  /** Everything the strategy created, in creation order, for teardown. */
  created: VmRef[];
}

/** A provisioning method, written once against the driver interface. */
export type Strategy = (context: StrategyContext) => Promise<void>;

export function internalName(context: StrategyContext, suffix: string): string {
  return `${context.scenario.namePrefix}${context.arm.name}-${suffix}`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
