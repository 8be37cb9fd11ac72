/**
 * Loading scenarios.yml: parse, schema-check, fill defaults, apply command-line overrides.
 *
 * Every problem becomes one InputError that names the place (file:line:column, or the flag)
 * and what was expected.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../contract/errors.js';
import { unknownMetricProblem } from '../contract/metric-catalog.js';
import type { ArmSpec } from '../contract/run-record.js';
import { closest } from '../contract/suggest.js';
import { checkDriverSettings, DEFAULT_PROFILE, DRIVER_SECTION_NAMES, driverSections, profiles } from '../drivers/index.js';
import { defaultHorizon } from './horizon.js';
import { knownKeys, resolvedScenarioSchema, scenarioFileFormat, type Scenario, type ScenarioFile } from './schema.js';
import { resolveOperations, stepProblem } from './steps.js';

/** Aliases allowed in one document; far below what an alias bomb needs. */
const MAX_ALIAS_COUNT = 50;
const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadedScenarioFile {
  /** As the user named it, for messages. */
  displayPath: string;
  absolutePath: string;
  content: ScenarioFile;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export interface ScenarioOverrides {
  desktops?: number;
  /** --title, --customer, --author, --notes. */
  report?: { title?: string; customer?: string; author?: string; notes?: string };
  repeat?: number;
  warmup?: number;
  profile?: string;
  seed?: number;
  driver?: string;
  namePrefix?: string;
  keep?: boolean;
  timeScale?: number;
  /** `path=value` pairs, e.g. `cluster.hosts=8`. */
  set?: string[];
  /** Driver sections' settings from flags and the environment (they win over the file), e.g. vsphere. */
  sections?: Partial<Record<(typeof DRIVER_SECTION_NAMES)[number], Record<string, unknown>>>;
}

type PathKey = string | number;

export async function loadScenarioFile(filePath: string): Promise<LoadedScenarioFile> {
  const relative = path.relative(process.cwd(), filePath);
  const displayPath = !relative || relative.startsWith('..') ? path.resolve(filePath) : relative;
  // Checked with stat before anything is read: /dev/zero, a named pipe or a huge file is
  // refused at once instead of being read without limit (or blocking on open).
  const refuse = (why: string) => new InputError(`${displayPath}: ${why}`, 'point --file at a scenarios.yml');
  let bytes: Buffer;
  try {
    const info = await stat(filePath);
    if (info.isDirectory()) throw refuse('is a folder, expected a file');
    if (!info.isFile()) throw refuse(`is not a regular file (${fileKind(info)}); expected a scenarios.yml`);
    if (info.size > MAX_FILE_BYTES) throw refuse(`file is ${info.size} bytes; a scenario file is at most ${MAX_FILE_BYTES}`);
    bytes = await readAtMost(filePath, MAX_FILE_BYTES + 1);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, expected a file' : `cannot read (${code ?? 'unknown error'})`;
    throw refuse(why);
  }
  return parseScenarioText(bytes, displayPath, path.resolve(filePath));
}

function fileKind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

/** Reads at most `limitBytes` (a file that grows between stat and read stays bounded). */
async function readAtMost(filePath: string, limitBytes: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(limitBytes);
    let filled = 0;
    while (filled < limitBytes) {
      const { bytesRead } = await handle.read(buffer, filled, limitBytes - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export function parseScenarioText(bytes: Buffer | string, displayPath: string, absolutePath = displayPath): LoadedScenarioFile {
  const at = (line: number, col: number, message: string) => new InputError(`${displayPath}:${line}:${col}: ${message}`);
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  if (buffer.length > MAX_FILE_BYTES) throw at(1, 1, `file is ${buffer.length} bytes; a scenario file is at most ${MAX_FILE_BYTES}`);
  if (buffer.includes(0)) throw at(1, 1, 'not a text file (it contains NUL bytes); expected YAML');
  const text = buffer.toString('utf8');
  if (text.includes('\uFFFD')) throw at(1, 1, 'not valid UTF-8 text; expected YAML');
  if (text.trim() === '') throw at(1, 1, 'the file is empty; expected a mapping with a "scenarios:" key');

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const firstError = document.errors[0];
  if (firstError) {
    const offset = firstError.pos[0];
    const { line, col } = lineCounter.linePos(offset);
    throw at(line, col, `invalid YAML: ${yamlReason(firstError.message)}`);
  }
  if (document.contents === null) throw at(1, 1, 'the file holds no data; expected a mapping with a "scenarios:" key');
  if (!isMap(document.contents)) {
    const { line, col } = position(document, lineCounter, []);
    throw at(line, col, 'expected a mapping with a "scenarios:" key at the top level');
  }

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw at(1, 1, `invalid YAML: ${yamlReason((error as Error).message)}`);
  }
  const protoPath = pathToOwnProtoKey(data);
  if (protoPath) {
    const { line, col } = keyPosition(document, lineCounter, protoPath, '__proto__');
    const where = protoPath.length ? ` in ${protoPath.join('.')}` : ' at the top level';
    throw at(line, col, `unknown key "__proto__"${where}`);
  }
  const parsed = scenarioFileFormat.safeParse(data);
  if (!parsed.success) {
    // A misspelt key explains the "missing" one that goes with it, so report it first.
    const issues = parsed.error.issues;
    const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0]!;
    const { line, col, message } = describeIssue(issue, document, lineCounter);
    throw at(line, col, message);
  }
  const loaded: LoadedScenarioFile = { displayPath, absolutePath, content: parsed.data, document, lineCounter };
  checkArmNames(loaded);
  checkSteps(loaded);
  checkProfiles(loaded);
  checkGates(loaded);
  return loaded;
}

/** Gate metric names must exist, and bands must name arms of their scenario. */
function checkGates(loaded: LoadedScenarioFile): void {
  const fail = (keyPath: PathKey[], key: string, message: string): never => {
    const { line, col } = keyPosition(loaded.document, loaded.lineCounter, keyPath, key);
    throw new InputError(`${loaded.displayPath}:${line}:${col}: ${message}`);
  };
  const metricError = (name: string) => unknownMetricProblem(name, 'gate');
  for (const [scenarioName, scenario] of Object.entries(loaded.content.scenarios)) {
    const gate = scenario.gate;
    if (!gate) continue;
    const gatePath = ['scenarios', scenarioName, 'gate'];
    for (const metric of Object.keys(gate.maxRegression ?? {})) {
      const problem = metricError(metric);
      if (problem) fail([...gatePath, 'maxRegression'], metric, problem);
    }
    const armNames = scenario.desktopCounts
      ? scenario.desktopCounts.flatMap((count) => scenario.arms.map((arm) => `${arm.name}-${count}`))
      : scenario.arms.map((arm) => arm.name);
    for (const [armName, metrics] of Object.entries(gate.expect ?? {})) {
      if (!armNames.includes(armName)) {
        const guess = closest(armName, armNames);
        fail([...gatePath, 'expect'], armName, `gate.expect: no arm "${armName}" in scenario "${scenarioName}"${guess ? ` (did you mean "${guess}"?)` : ''}; arms: ${armNames.join(', ')}`);
      }
      for (const metric of Object.keys(metrics)) {
        const problem = metricError(metric);
        if (problem) fail([...gatePath, 'expect', armName], metric, problem);
      }
    }
  }
}

/**
 * The path of the first mapping holding a `__proto__` key. Strict objects report it as
 * unknown, but a record (scenario names, gate metrics) would drop it silently when copied,
 * so it is refused everywhere. Iterative: nesting depth is the file's to choose.
 */
function pathToOwnProtoKey(data: unknown): PathKey[] | undefined {
  const pending: { value: unknown; at: PathKey[] }[] = [{ value: data, at: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, at } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return at;
    for (const [key, child] of Object.entries(value)) pending.push({ value: child, at: [...at, Array.isArray(value) ? Number(key) : key] });
  }
  return undefined;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>;
}

function toFraction(value: number | string): number {
  return (typeof value === 'number' ? value : Number(value.replace('%', '').trim())) / 100;
}

function yamlReason(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** A profile named in the file must exist; the error points at it (file:line:column). */
function checkProfiles(loaded: LoadedScenarioFile): void {
  const known = Object.keys(profiles);
  const places: [PathKey[], string | undefined][] = [
    [['defaults', 'profile'], loaded.content.defaults?.profile],
    ...Object.entries(loaded.content.scenarios).map(([name, entry]): [PathKey[], string | undefined] => [['scenarios', name, 'profile'], entry.profile]),
  ];
  for (const [where, name] of places) {
    if (name === undefined || Object.hasOwn(profiles, name)) continue;
    const { line, col } = position(loaded.document, loaded.lineCounter, where);
    const guess = closest(name, known);
    throw new InputError(`${loaded.displayPath}:${line}:${col}: unknown profile "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${known.join(', ')}`);
  }
}

function checkArmNames(loaded: LoadedScenarioFile): void {
  for (const [scenarioName, scenario] of Object.entries(loaded.content.scenarios)) {
    const seen = new Set<string>();
    scenario.arms.forEach((arm, index) => {
      if (seen.has(arm.name)) {
        const { line, col } = position(loaded.document, loaded.lineCounter, ['scenarios', scenarioName, 'arms', index, 'name']);
        throw new InputError(`${loaded.displayPath}:${line}:${col}: duplicate arm name "${arm.name}" in scenario "${scenarioName}"; arm names must be unique`);
      }
      seen.add(arm.name);
    });
    // A sweep names its arms <arm>-<count>: those names must be valid too.
    const longest = Math.max(0, ...(scenario.desktopCounts ?? []));
    scenario.arms.forEach((arm, index) => {
      const swept = `${arm.name}-${longest}`;
      if (scenario.desktopCounts && swept.length > 40) {
        const { line, col } = position(loaded.document, loaded.lineCounter, ['scenarios', scenarioName, 'arms', index, 'name']);
        throw new InputError(`${loaded.displayPath}:${line}:${col}: arm "${arm.name}" of a sweep becomes "${swept}" (${swept.length} characters); arm names with their desktop count are at most 40 characters`);
      }
    });
    if (scenario.desktopCounts && scenario.arms.some((arm) => arm.desktops !== undefined)) {
      const { line, col } = position(loaded.document, loaded.lineCounter, ['scenarios', scenarioName, 'desktopCounts']);
      throw new InputError(`${loaded.displayPath}:${line}:${col}: scenario "${scenarioName}" sets desktopCounts, so its arms must not set desktops`);
    }
  }
}

/** Each arm's steps (its own, or its scenario's) must start with deploy and fit its method. */
function checkSteps(loaded: LoadedScenarioFile): void {
  for (const [scenarioName, scenario] of Object.entries(loaded.content.scenarios)) {
    scenario.arms.forEach((arm, index) => {
      const steps = arm.steps ?? scenario.steps;
      const problem = steps && stepProblem(steps, arm.method);
      if (!problem) return;
      const where: PathKey[] = arm.steps ? ['scenarios', scenarioName, 'arms', index, 'steps', problem.index] : ['scenarios', scenarioName, 'steps', problem.index];
      const { line, col } = position(loaded.document, loaded.lineCounter, where);
      throw new InputError(`${loaded.displayPath}:${line}:${col}: arm "${arm.name}": ${problem.message}`);
    });
  }
}

export function scenarioNames(loaded: LoadedScenarioFile): string[] {
  return Object.keys(loaded.content.scenarios);
}

/** Fill defaults (built-in, then the file's `defaults:`), expand sweeps, apply overrides. */
export function resolveScenario(loaded: LoadedScenarioFile, name: string, overrides: ScenarioOverrides = {}): Scenario {
  // Own keys only: `bench run toString` is an unknown scenario, not Object.prototype's.
  const entry = Object.hasOwn(loaded.content.scenarios, name) ? loaded.content.scenarios[name] : undefined;
  if (!entry) {
    const names = scenarioNames(loaded);
    const guess = closest(name, names);
    throw new InputError(
      `unknown scenario "${name}" in ${loaded.displayPath}${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${names.join(', ')}`,
      'run `bench list` to see them',
    );
  }
  const fileDefaults = loaded.content.defaults ?? {};
  const desktops = overrides.desktops ?? entry.desktops ?? fileDefaults.desktops ?? 100;
  if (entry.desktopCounts && overrides.desktops !== undefined) {
    throw new InputError(`--desktops: scenario "${name}" sweeps desktopCounts [${entry.desktopCounts.join(', ')}]; change the counts in the scenario file instead`);
  }
  const withOperations = (arm: (typeof entry.arms)[number], spec: ArmSpec): ArmSpec => {
    const operations = resolveOperations(arm.steps ?? entry.steps, arm.method, [fileDefaults.users ?? {}, entry.users ?? {}, arm.users ?? {}]);
    return operations ? { ...spec, operations } : spec;
  };
  let arms: ArmSpec[];
  if (entry.desktopCounts) {
    arms = entry.desktopCounts.flatMap((count) => entry.arms.map((arm) => withOperations(arm, { name: `${arm.name}-${count}`, method: arm.method, desktops: count })));
  } else {
    arms = entry.arms.map((arm) => withOperations(arm, { name: arm.name, method: arm.method, desktops: overrides.desktops ?? arm.desktops ?? desktops }));
  }

  const profileName = overrides.profile ?? entry.profile ?? fileDefaults.profile ?? DEFAULT_PROFILE;
  const profile = Object.hasOwn(profiles, profileName) ? profiles[profileName]! : undefined;
  if (!profile) {
    const known = Object.keys(profiles);
    const guess = closest(profileName, known);
    throw new InputError(`${overrides.profile !== undefined ? '--profile' : `profile in scenario "${name}"`}: unknown profile "${profileName}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${known.join(', ')}`);
  }
  const scenario: Record<string, unknown> = {
    name,
    description: entry.description ?? fileDefaults.description ?? '',
    driver: entry.driver ?? fileDefaults.driver ?? 'sim',
    desktops,
    seed: entry.seed ?? fileDefaults.seed ?? 1,
    profile: profileName,
    overrides: describeOverrides(overrides),
    namePrefix: entry.namePrefix ?? fileDefaults.namePrefix ?? 'vdibench-',
    keep: entry.keep ?? fileDefaults.keep ?? false,
    sampleIntervalS: entry.sampleIntervalS ?? fileDefaults.sampleIntervalS ?? 20,
    timeScale: entry.timeScale ?? fileDefaults.timeScale ?? 0,
    arms,
    horizon: { ...defaultHorizon(), ...profile.horizon, ...fileDefaults.horizon, ...entry.horizon },
    influx: { ...fileDefaults.influx, ...entry.influx },
    retries: entry.retries ?? fileDefaults.retries ?? 2,
    retryBackoffS: entry.retryBackoffS ?? fileDefaults.retryBackoffS ?? 5,
    maxFailedDesktops: entry.maxFailedDesktops ?? fileDefaults.maxFailedDesktops ?? 0,
    repeat: overrides.repeat ?? entry.repeat ?? fileDefaults.repeat ?? 1,
    report: { ...fileDefaults.report, ...entry.report, ...definedOnly(overrides.report ?? {}) },
    warmup: overrides.warmup ?? entry.warmup ?? fileDefaults.warmup ?? 0,
    gate: {
      maxRegression: Object.fromEntries(Object.entries(entry.gate?.maxRegression ?? {}).map(([metric, value]) => [metric, toFraction(value)])),
      expect: entry.gate?.expect ?? {},
    },
  };

  for (const section of DRIVER_SECTION_NAMES) {
    const fromProfile = section === 'cluster' || section === 'image' ? profile[section] : undefined;
    scenario[section] = { ...driverSections[section].defaults(), ...fromProfile, ...fileDefaults[section], ...entry[section], ...definedOnly(overrides.sections?.[section] ?? {}) };
  }

  const flagValues: [string, unknown][] = [
    ['seed', overrides.seed],
    ['driver', overrides.driver],
    ['namePrefix', overrides.namePrefix],
    ['keep', overrides.keep],
    ['timeScale', overrides.timeScale],
  ];
  for (const [key, value] of flagValues) {
    if (value !== undefined) scenario[key] = value;
  }
  // `--set users.<key>=…` reaches every day-2 operation's users policy (most specific of all).
  scenario.users = {};
  for (const assignment of overrides.set ?? []) applySet(scenario, assignment);
  const setUsers = scenario.users as Record<string, unknown>;
  delete scenario.users;
  if (Object.keys(setUsers).length > 0 && !arms.some((arm) => arm.operations)) {
    const given = (overrides.set ?? []).filter((assignment) => assignment.startsWith('users.')).join(' ');
    throw new InputError(`--set ${given}: scenario "${name}" has no day-2 step for a users policy to apply to`, 'add steps: [deploy, patch] (or refresh) to the scenario, or run patch-composer-vs-instant');
  }
  for (const arm of arms) for (const operation of arm.operations ?? []) Object.assign(operation.users, setUsers);

  const checked = resolvedScenarioSchema.safeParse(scenario);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    // A users policy is checked on each arm's operations; the user set it as users.<key>.
    const where = issue.path.join('.').replace(/^arms\.\d+\.operations\.\d+\.users\./, 'users.');
    // The assignment in effect is the last one of that key (spaces around it are allowed).
    const fromSet = (overrides.set ?? []).findLast((assignment) => assignment.split('=')[0]!.trim() === where);
    const flag = fromSet ? `--set ${fromSet}` : flagFor(where);
    throw new InputError(`${flag}: ${issueMessage(issue)}`);
  }
  const resolved = checked.data as Scenario;
  checkDriverSettings(resolved.driver, resolved, `scenario "${name}"`);
  return resolved;
}

/** The command-line overrides as a user would read them back: `--desktops 50`, `--set cluster.hosts=8`. */
function describeOverrides(overrides: ScenarioOverrides): string[] {
  const flags: [string, unknown][] = [
    ['--desktops', overrides.desktops], ['--repeat', overrides.repeat], ['--warmup', overrides.warmup], ['--profile', overrides.profile], ['--driver', overrides.driver], ['--seed', overrides.seed],
    ['--name-prefix', overrides.namePrefix], ['--keep', overrides.keep], ['--time-scale', overrides.timeScale],
  ];
  return [
    ...flags.filter(([, value]) => value !== undefined).map(([flag, value]) => `${flag} ${String(value)}`),
    ...(overrides.set ?? []).map((assignment) => `--set ${assignment}`),
  ];
}

function flagFor(where: string): string {
  const flags: Record<string, string> = {
    driver: '--driver', seed: '--seed', namePrefix: '--name-prefix', timeScale: '--time-scale', desktops: '--desktops', repeat: '--repeat', warmup: '--warmup',
  };
  const top = where.split('.')[0] ?? '';
  if (top === 'arms') return '--desktops';
  return Object.hasOwn(flags, top) ? flags[top]! : where;
}

const SETTABLE_ROOTS: Record<string, readonly string[] | null> = {
  cluster: knownKeys.cluster,
  image: knownKeys.image,
  horizon: knownKeys.horizon,
  vsphere: knownKeys.vsphere,
  users: knownKeys.users,
  seed: null,
  retries: null,
  retryBackoffS: null,
  maxFailedDesktops: null,
  repeat: null,
  warmup: null,
  namePrefix: null,
  keep: null,
  sampleIntervalS: null,
  timeScale: null,
  description: null,
};

/** `--set cluster.hosts=8`: the value is read as a YAML scalar, so numbers and booleans work. */
function applySet(scenario: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new InputError(`--set ${assignment}: expected path=value, e.g. --set cluster.hosts=8`);
  const keyPath = assignment.slice(0, eq).trim();
  const rawValue = assignment.slice(eq + 1).trim();
  const parts = keyPath.split('.');
  const root = parts[0]!;
  // Own keys only: `--set __proto__.x=1` or `--set toString.x=1` is an unknown setting.
  if (!Object.hasOwn(SETTABLE_ROOTS, root)) {
    const guess = closest(root, Object.keys(SETTABLE_ROOTS));
    throw new InputError(`--set ${assignment}: unknown setting "${root}"${guess ? ` (did you mean "${guess}"?)` : ''}; settable: ${Object.keys(SETTABLE_ROOTS).join(', ')}`);
  }
  const sectionKeys = SETTABLE_ROOTS[root];
  if (sectionKeys) {
    if (parts.length !== 2) throw new InputError(`--set ${assignment}: expected ${root}.<name>=value`);
    const key = parts[1]!;
    if (!sectionKeys.includes(key)) {
      const guess = closest(key, sectionKeys);
      throw new InputError(`--set ${assignment}: unknown ${root} parameter "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
    (scenario[root] as Record<string, unknown>)[key] = scalar(rawValue);
  } else {
    if (parts.length !== 1) throw new InputError(`--set ${assignment}: "${root}" has no sub-keys`);
    scenario[root] = root === 'description' || root === 'namePrefix' ? rawValue : scalar(rawValue);
  }
}

function scalar(raw: string): unknown {
  if (/^(true|false)$/.test(raw)) return raw === 'true';
  if (raw !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function describeIssue(issue: z.core.$ZodIssue, document: Document.Parsed, lineCounter: LineCounter): { line: number; col: number; message: string } {
  const issuePath = issue.path.filter((key): key is PathKey => typeof key === 'string' || typeof key === 'number');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const { line, col } = keyPosition(document, lineCounter, issuePath, key);
    const section = issuePath[issuePath.length - 1];
    if ((section === 'influx' || section === 'vsphere') && /^(password|token|pass|secret)$/i.test(key)) {
      const variable = section === 'vsphere' ? 'VSPHERE_PASSWORD' : /token/i.test(key) ? 'INFLUX_TOKEN' : 'INFLUX_PASSWORD';
      return { line, col, message: `"${key}" does not belong in a scenario file: secrets come from the environment (${variable}, or ${variable}_FILE naming a 0600 file)` };
    }
    const known = keysAllowedAt(issuePath);
    const guess = closest(key, known);
    const where = issuePath.length ? ` in ${issuePath.join('.')}` : ' at the top level';
    return { line, col, message: `unknown key "${key}"${where}${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of: ${known.join(', ')}` };
  }
  const { line, col } = position(document, lineCounter, issuePath);
  const where = issuePath.length ? `${issuePath.join('.')}: ` : '';
  return { line, col, message: `${where}${issueMessage(issue)}` };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return `missing; expected ${issue.expected}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function keysAllowedAt(issuePath: PathKey[]): string[] {
  const [first, , third, fourth] = issuePath;
  if (issuePath.length === 0) return knownKeys.file;
  if (first === 'defaults' && issuePath.length === 1) return knownKeys.settings;
  if (first === 'defaults' && issuePath.length === 2) return sectionKeys(issuePath[1]);
  if (first === 'scenarios' && issuePath.length === 2) return knownKeys.scenario;
  if (first === 'scenarios' && third === 'arms' && typeof fourth === 'number' && issuePath[4] === 'users') return knownKeys.users;
  // An entry of a fault list: scenarios.<s>.faults.<list>.<n> or defaults.faults.<list>.<n>.
  const faultList = first === 'scenarios' && third === 'faults' ? fourth : first === 'defaults' && issuePath[1] === 'faults' ? third : undefined;
  if (faultList === 'hostDown' || faultList === 'storageSlowdown') return knownKeys.faultEntries[faultList];
  if (first === 'scenarios' && third === 'arms' && typeof fourth === 'number') return knownKeys.arm;
  if (first === 'scenarios' && third === 'gate' && issuePath.length === 3) return knownKeys.gate;
  if ((first === 'scenarios' && third === 'influx' && issuePath.length === 3) || (first === 'defaults' && issuePath[1] === 'influx')) return knownKeys.influx;
  if ((first === 'scenarios' && third === 'faults' && issuePath.length === 3) || (first === 'defaults' && issuePath[1] === 'faults' && issuePath.length === 2)) return knownKeys.faults;
  if ((first === 'scenarios' && third === 'vsphere' && issuePath.length === 3) || (first === 'defaults' && issuePath[1] === 'vsphere' && issuePath.length === 2)) return knownKeys.vsphere;
  if ((first === 'scenarios' && third === 'report' && issuePath.length === 3) || (first === 'defaults' && issuePath[1] === 'report' && issuePath.length === 2)) return knownKeys.report;
  if (first === 'scenarios' && third === 'gate' && fourth === 'expect' && issuePath.length === 6) return knownKeys.band;
  if (first === 'scenarios' && issuePath.length === 3) return sectionKeys(third);
  return [];
}

/** The keys a named section accepts; none for a name that is no section (never Object.prototype's). */
function sectionKeys(section: PathKey | undefined): string[] {
  const sections = ['cluster', 'image', 'horizon', 'influx', 'faults', 'vsphere', 'report', 'users'] as const;
  const known = sections.find((name) => name === section);
  return known ? [...knownKeys[known]] : [];
}

/** Where the node at `issuePath` starts; the nearest existing ancestor when it is missing. */
function position(document: Document.Parsed, lineCounter: LineCounter, issuePath: PathKey[]): { line: number; col: number } {
  for (let depth = issuePath.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(issuePath.slice(0, depth), true);
    const range = (node as Node | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

function keyPosition(document: Document.Parsed, lineCounter: LineCounter, mapPath: PathKey[], key: string): { line: number; col: number } {
  const mapNode = mapPath.length === 0 ? document.contents : document.getIn(mapPath, true);
  if (isMap(mapNode)) {
    for (const pair of mapNode.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
        return lineCounter.linePos(pair.key.range[0]);
      }
    }
  }
  return position(document, lineCounter, mapPath);
}
