/**
 * The scenario file format (scenarios.yml), as zod schemas.
 *
 * Two shapes: the *file* shape, where every value is optional because defaults fill it in,
 * and the *resolved* shape a runner receives, where every value is present and checked.
 */
import { z } from 'zod';
import {
  clusterParameters,
  horizonParameters,
  imageParameters,
  type ClusterParameters,
  type HorizonLimits,
  type ImageParameters,
  type ParameterSpec,
} from './parameters.js';

export const METHODS = ['composer', 'instant-clone'] as const;
export type Method = (typeof METHODS)[number];

export const DRIVERS = ['sim', 'vsphere'] as const;
export type DriverName = (typeof DRIVERS)[number];

export const MAX_DESKTOPS = 100_000;

const ARM_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

function parameterSchema(spec: ParameterSpec): z.ZodType<number | boolean> {
  if (typeof spec.default === 'boolean') return z.boolean();
  let schema = z.number();
  if (spec.integer) schema = schema.int();
  if (spec.min !== undefined) schema = schema.min(spec.min);
  if (spec.max !== undefined) schema = schema.max(spec.max);
  return schema;
}

function sectionSchema(specs: Record<string, ParameterSpec>) {
  const shape: Record<string, z.ZodType<number | boolean>> = {};
  for (const [key, spec] of Object.entries(specs)) shape[key] = parameterSchema(spec);
  return z.strictObject(shape);
}

const clusterSchema = sectionSchema(clusterParameters);
const imageSchema = sectionSchema(imageParameters);
const horizonSchema = sectionSchema(horizonParameters);

const desktopCount = z.number().int().min(1).max(MAX_DESKTOPS);

/** Where to stream points; secrets (password, token) are never accepted here. */
const influxSchema = z.strictObject({
  url: z.string().min(1).max(2000),
  db: z.string().min(1).max(200),
  retentionPolicy: z.string().min(1).max(200),
  user: z.string().min(1).max(200),
  org: z.string().min(1).max(200),
  bucket: z.string().min(1).max(200),
}).partial();

/** Where and how the vsphere driver connects; never the password (VSPHERE_PASSWORD). */
const vsphereSchema = z.strictObject({
  url: z.string().min(1).max(2000),
  user: z.string().min(1).max(200),
  goldenImage: z.string().min(1).max(200),
  snapshot: z.string().min(1).max(200),
  datastore: z.string().min(1).max(200),
  cluster: z.string().min(1).max(200),
  insecure: z.boolean(),
  ca: z.string().min(1).max(2000),
  customizationSpec: z.string().min(1).max(200),
  readyWhen: z.enum(['tools', 'powered-on']),
  readyTimeoutS: z.number().min(1).max(86_400),
}).partial();

export type VsphereFileSettings = z.infer<typeof vsphereSchema>;

/** Faults the `sim` driver injects, so failure handling can be tested deterministically. */
const faultsSchema = z.strictObject({
  /** Probability that one clone attempt fails. */
  cloneFailureRate: z.number().min(0).max(1),
  /** Hosts that go down at a time (seconds since the run started); 1-based host number. */
  hostDown: z.array(z.strictObject({ host: z.number().int().min(1).max(64), atS: z.number().min(0) })).max(64),
  /** Storage capacity divided by `factor` between fromS and toS (seconds since the run started). */
  storageSlowdown: z.array(z.strictObject({ factor: z.number().min(1).max(1000), fromS: z.number().min(0), toS: z.number().min(0) })
    .refine((window) => window.toS > window.fromS, 'toS must be after fromS')).max(64),
}).partial();

export type FaultSettings = z.infer<typeof faultsSchema>;

/** Settings a scenario or the file's `defaults:` may set. */
const commonSettings = {
  description: z.string().max(2000),
  desktops: desktopCount,
  driver: z.enum(DRIVERS),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  namePrefix: z.string().regex(NAME_PREFIX, 'letters, digits, "_", "." or "-", at most 32 characters'),
  keep: z.boolean(),
  sampleIntervalS: z.number().int().min(1).max(3600),
  timeScale: z.number().min(0).max(1_000_000),
  cluster: clusterSchema.partial(),
  image: imageSchema.partial(),
  horizon: horizonSchema.partial(),
  influx: influxSchema,
  vsphere: vsphereSchema,
  retries: z.number().int().min(0).max(10),
  retryBackoffS: z.number().min(0).max(3600),
  maxFailedDesktops: z.number().int().min(0).max(MAX_DESKTOPS),
  faults: faultsSchema,
};

const percent = z.union([z.number().min(0).max(10_000), z.string().regex(/^\d+(\.\d+)?\s*%$/, 'a percentage such as "10%"')]);
const band = z.strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((value) => value.min !== undefined || value.max !== undefined, 'give min, max or both');

/** Regression gate: allowed regression against --baseline, and expected-value bands per arm. */
const gateSchema = z.strictObject({
  maxRegression: z.record(z.string(), percent).optional(),
  expect: z.record(z.string(), z.record(z.string(), band)).optional(),
});

export interface GateSettings {
  /** Metric -> allowed regression as a fraction (0.1 = 10 %). */
  maxRegression: Record<string, number>;
  /** Arm -> metric -> band. */
  expect: Record<string, Record<string, { min?: number; max?: number }>>;
}

const armFileSchema = z.strictObject({
  name: z.string().regex(ARM_NAME, 'lower-case letters, digits and "-", at most 40 characters'),
  method: z.enum(METHODS),
  desktops: desktopCount.optional(),
});

const scenarioFileSchema = z.strictObject({
  ...commonSettings,
  desktopCounts: z.array(desktopCount).min(1).max(50).optional(),
  arms: z.array(armFileSchema).min(1).max(50),
  gate: gateSchema.optional(),
}).partial({
  description: true, desktops: true, driver: true, seed: true, namePrefix: true, keep: true,
  sampleIntervalS: true, timeScale: true, cluster: true, image: true, horizon: true, influx: true,
  retries: true, retryBackoffS: true, maxFailedDesktops: true, faults: true, vsphere: true,
});

export const scenarioFileFormat = z.strictObject({
  version: z.literal(1).optional(),
  defaults: z.strictObject(commonSettings).partial().optional(),
  scenarios: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"'), scenarioFileSchema),
});

export type ScenarioFile = z.infer<typeof scenarioFileFormat>;
export type ScenarioEntry = z.infer<typeof scenarioFileSchema>;

export interface ArmSpec {
  name: string;
  method: Method;
  desktops: number;
}

/** A scenario with every value filled in and checked: what a runner executes. */
export interface Scenario {
  name: string;
  description: string;
  driver: DriverName;
  /** Desktops per arm unless the arm sets its own. */
  desktops: number;
  seed: number;
  namePrefix: string;
  keep: boolean;
  sampleIntervalS: number;
  /** 0 = as fast as possible; X = X simulated seconds per real second (sim only). */
  timeScale: number;
  arms: ArmSpec[];
  cluster: ClusterParameters;
  image: ImageParameters;
  horizon: HorizonLimits;
  gate: GateSettings;
  /** InfluxDB target without secrets (flags and env may add to it). */
  influx: z.infer<typeof influxSchema>;
  /** Attempts after the first for a desktop whose provisioning failed. */
  retries: number;
  /** Wait before the first retry; doubles for each further one. */
  retryBackoffS: number;
  /** More failed desktops than this in an arm stop the run (status failed). */
  maxFailedDesktops: number;
  faults: FaultSettings;
  /** vsphere driver settings without the password (flags and env may add to them). */
  vsphere: VsphereFileSettings;
}

export const resolvedScenarioSchema = z.strictObject({
  name: z.string(),
  description: commonSettings.description,
  driver: commonSettings.driver,
  desktops: commonSettings.desktops,
  seed: commonSettings.seed,
  namePrefix: commonSettings.namePrefix,
  keep: commonSettings.keep,
  sampleIntervalS: commonSettings.sampleIntervalS,
  timeScale: commonSettings.timeScale,
  arms: z.array(z.strictObject({ name: armFileSchema.shape.name, method: armFileSchema.shape.method, desktops: desktopCount })).min(1),
  cluster: clusterSchema,
  image: imageSchema,
  horizon: horizonSchema,
  influx: influxSchema,
  retries: commonSettings.retries,
  retryBackoffS: commonSettings.retryBackoffS,
  maxFailedDesktops: commonSettings.maxFailedDesktops,
  faults: faultsSchema,
  vsphere: vsphereSchema,
  gate: z.strictObject({
    maxRegression: z.record(z.string(), z.number().min(0)),
    expect: z.record(z.string(), z.record(z.string(), band)),
  }),
});

/** The keys each object level accepts, for "did you mean" hints. */
export const knownKeys = {
  file: Object.keys(scenarioFileFormat.shape),
  settings: Object.keys(commonSettings),
  scenario: Object.keys(scenarioFileSchema.shape),
  arm: Object.keys(armFileSchema.shape),
  gate: Object.keys(gateSchema.shape),
  influx: Object.keys(influxSchema.shape),
  faults: Object.keys(faultsSchema.shape),
  vsphere: Object.keys(vsphereSchema.shape),
  cluster: Object.keys(clusterParameters),
  image: Object.keys(imageParameters),
  horizon: Object.keys(horizonParameters),
};
