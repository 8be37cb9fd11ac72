/**
 * The scenario file format (scenarios.yml), as zod schemas.
 *
 * Two shapes: the *file* shape, where every value is optional because defaults fill it in,
 * and the *resolved* shape a runner receives, where every value is present and checked.
 */
import { z } from 'zod';
import { METHODS } from '../contract/method.js';
import { parameterSectionSchema } from '../contract/parameter-spec.js';
import type { ArmSpec, GateSettings, ScenarioRecord } from '../contract/run-record.js';
import { DRIVER_NAMES, driverSections, type DriverName, type DriverSettings } from '../drivers/index.js';
import { OPERATIONS } from '../contract/operation.js';
import { horizonParameters, type HorizonLimits } from './horizon.js';
import { stepsSchema, usersSchema } from './steps.js';

const MAX_DESKTOPS = 100_000;

const ARM_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

const horizonSchema = parameterSectionSchema(horizonParameters);

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

/** Settings a scenario or the file's `defaults:` may set. */
const commonSettings = {
  description: z.string().max(2000),
  desktops: desktopCount,
  driver: z.enum(DRIVER_NAMES),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  profile: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"'),
  namePrefix: z.string().regex(NAME_PREFIX, 'letters, digits, "_", "." or "-", at most 32 characters'),
  keep: z.boolean(),
  sampleIntervalS: z.number().int().min(1).max(3600),
  timeScale: z.number().min(0).max(1_000_000),
  cluster: driverSections.cluster.schema.partial(),
  image: driverSections.image.schema.partial(),
  horizon: horizonSchema.partial(),
  influx: influxSchema,
  vsphere: driverSections.vsphere.schema,
  retries: z.number().int().min(0).max(10),
  retryBackoffS: z.number().min(0).max(3600),
  maxFailedDesktops: z.number().int().min(0).max(MAX_DESKTOPS),
  repeat: z.number().int().min(1).max(100),
  /** For the report's first screen: who it is for and what it is. */
  report: z.strictObject({
    title: z.string().min(1).max(200),
    customer: z.string().min(1).max(200),
    author: z.string().min(1).max(200),
    notes: z.string().min(1).max(4000),
  }).partial(),
  warmup: z.number().int().min(0).max(10),
  faults: driverSections.faults.schema,
  /** Day-2 operations: what Horizon does with logged-in users. */
  users: usersSchema.partial(),
};

const percent = z.union([z.number().min(0).max(10_000), z.string().regex(/^\d+(\.\d+)?\s*%$/, 'a percentage such as "10%"')]);
const band = z.strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((value) => value.min !== undefined || value.max !== undefined, 'give min, max or both');

/** Regression gate: allowed regression against --baseline, and expected-value bands per arm. */
const gateSchema = z.strictObject({
  maxRegression: z.record(z.string(), percent).optional(),
  expect: z.record(z.string(), z.record(z.string(), band)).optional(),
});

const armFileSchema = z.strictObject({
  name: z.string().regex(ARM_NAME, 'lower-case letters, digits and "-", at most 40 characters'),
  method: z.enum(METHODS),
  desktops: desktopCount.optional(),
  steps: stepsSchema.optional(),
  users: usersSchema.partial().optional(),
});

const scenarioFileSchema = z.strictObject({
  ...commonSettings,
  desktopCounts: z.array(desktopCount).min(1).max(50).optional(),
  arms: z.array(armFileSchema).min(1).max(50),
  /** Every arm's steps unless the arm sets its own: deploy, then day-2 operations. */
  steps: stepsSchema.optional(),
  gate: gateSchema.optional(),
}).partial({ users: true,
  description: true, desktops: true, driver: true, seed: true, profile: true, namePrefix: true, keep: true,
  sampleIntervalS: true, timeScale: true, cluster: true, image: true, horizon: true, influx: true,
  retries: true, retryBackoffS: true, maxFailedDesktops: true, faults: true, vsphere: true, repeat: true, warmup: true, report: true,
});

export const scenarioFileFormat = z.strictObject({
  version: z.literal(1).optional(),
  defaults: z.strictObject(commonSettings).partial().optional(),
  scenarios: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"'), scenarioFileSchema),
});

export type ScenarioFile = z.infer<typeof scenarioFileFormat>;
export type ScenarioEntry = z.infer<typeof scenarioFileSchema>;

/** A scenario with every value filled in and checked: what a runner executes. */
export interface Scenario extends ScenarioRecord, DriverSettings {
  name: string;
  description: string;
  driver: DriverName;
  /** Desktops per arm unless the arm sets its own. */
  desktops: number;
  seed: number;
  /** The calibration profile whose parameters fill in what the scenario leaves out. */
  profile: string;
  /** The command-line overrides that changed this scenario (`--desktops 50`, `--set cluster.hosts=8`…), as given. */
  overrides: string[];
  namePrefix: string;
  keep: boolean;
  sampleIntervalS: number;
  /** 0 = as fast as possible; X = X simulated seconds per real second (sim only). */
  timeScale: number;
  arms: ArmSpec[];
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
  /** Each arm this many times (interleaved: ABAB…), for statistics; 1 = once. */
  repeat: number;
  /** Repetitions of each arm run first and left out of the statistics (a cold cache, a first-run effect). */
  warmup: number;
  /** Title, customer, author and notes for the report's first screen (all optional). */
  report: { title?: string; customer?: string; author?: string; notes?: string };
}

export const resolvedScenarioSchema = z.strictObject({
  name: z.string(),
  description: commonSettings.description,
  driver: commonSettings.driver,
  desktops: commonSettings.desktops,
  seed: commonSettings.seed,
  profile: commonSettings.profile,
  overrides: z.array(z.string()),
  namePrefix: commonSettings.namePrefix,
  keep: commonSettings.keep,
  sampleIntervalS: commonSettings.sampleIntervalS,
  timeScale: commonSettings.timeScale,
  arms: z.array(z.strictObject({
    name: armFileSchema.shape.name,
    method: armFileSchema.shape.method,
    desktops: desktopCount,
    operations: z.array(z.strictObject({ name: z.enum(OPERATIONS), users: usersSchema })).optional(),
  })).min(1),
  cluster: driverSections.cluster.schema,
  image: driverSections.image.schema,
  horizon: horizonSchema,
  influx: influxSchema,
  retries: commonSettings.retries,
  retryBackoffS: commonSettings.retryBackoffS,
  maxFailedDesktops: commonSettings.maxFailedDesktops,
  repeat: commonSettings.repeat,
  warmup: commonSettings.warmup,
  report: commonSettings.report,
  faults: driverSections.faults.schema,
  vsphere: driverSections.vsphere.schema,
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
  faults: driverSections.faults.keys,
  faultEntries: driverSections.faults.entryKeys,
  vsphere: driverSections.vsphere.keys,
  cluster: driverSections.cluster.keys,
  image: driverSections.image.keys,
  horizon: Object.keys(horizonParameters),
  report: Object.keys(commonSettings.report.shape),
  users: Object.keys(usersSchema.shape),
  band: ['min', 'max'],
};
