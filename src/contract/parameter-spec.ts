/**
 * A tunable number of a scenario, with its unit, default and where the default comes from.
 * The room that owns a section of parameters (the sim driver its cluster model, the
 * scenarios room Horizon's limits) declares them as a table of these; the scenario schema,
 * the defaults and docs/SIMULATOR.md are all built from that one table.
 */
import { z } from 'zod';

export interface ParameterSpec {
  readonly default: number | boolean;
  readonly unit: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly meaning: string;
  readonly source: string;
}

export type ParameterTable = Record<string, ParameterSpec>;

export type ParameterValues<T extends ParameterTable> = {
  -readonly [K in keyof T]: T[K]['default'] extends boolean ? boolean : number;
};

export function parameterDefaults<T extends ParameterTable>(specs: T): ParameterValues<T> {
  const out: Record<string, number | boolean> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = spec.default;
  return out as ParameterValues<T>;
}

function parameterSchema(spec: ParameterSpec): z.ZodType<number | boolean> {
  if (typeof spec.default === 'boolean') return z.boolean();
  let schema = z.number();
  if (spec.integer) schema = schema.int();
  if (spec.min !== undefined) schema = schema.min(spec.min);
  if (spec.max !== undefined) schema = schema.max(spec.max);
  return schema;
}

/** The zod schema of a whole section: every key required, none unknown. */
export function parameterSectionSchema(specs: ParameterTable) {
  const shape: Record<string, z.ZodType<number | boolean>> = {};
  for (const [key, spec] of Object.entries(specs)) shape[key] = parameterSchema(spec);
  return z.strictObject(shape);
}
