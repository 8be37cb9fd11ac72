/**
 * InfluxDB line protocol for a run's samples, events and phases. Host counters use the
 * measurement and field names of Telegraf's vsphere input, so existing Grafana vSphere
 * dashboards chart them at once; the harness's own measurements start with `vdibench_`.
 * docs/METRICS.md lists every measurement, field and tag.
 */
import type { Method } from '../contract/method.js';
import type { ArmSample, LifecycleEvent } from '../contract/observations.js';
import type { ArmPhases, MetricBatch, RunIdentity } from '../contract/sink.js';
import type { ArmSummary } from '../contract/summary.js';

type Tags = Record<string, string>;
type Fields = Record<string, number | string | boolean>;

// Line protocol escapes commas and spaces (and, in tag keys and values, equals signs);
// a newline would end the line, so it becomes a space. A backslash cannot itself be escaped
// outside string fields: InfluxDB 1.x reads `\\` as two backslashes, and a backslash right
// before a comma, equals sign, space or the end of the value breaks the point (HTTP 400 for
// the whole batch). That one can never be stored as is, so it becomes a `/` (`C:\dir\` is
// stored as `C:\dir/`); every other backslash is stored verbatim.
const unencodableBackslash = /\\(?=[,= ]|$)/g;
const needsEscaping = /[\r\n\\, =]/;
const escapeName = (value: string, special: RegExp) => (needsEscaping.test(value)
  ? value.replace(/[\r\n]/g, ' ').replace(unencodableBackslash, '/').replace(special, '\\$1')
  : value);
const escapeMeasurement = (value: string) => escapeName(value, /([, ])/g);
// Tag values repeat on every point (run id, arm, host): each is escaped once.
const escapedTags = new Map<string, string>();
const MAX_CACHED_TAGS = 10_000;
const escapeTag = (value: string) => {
  let escaped = escapedTags.get(value);
  if (escaped === undefined) {
    escaped = escapeName(value, /([,= ])/g);
    if (escapedTags.size < MAX_CACHED_TAGS) escapedTags.set(value, escaped);
  }
  return escaped;
};
const escapeFieldString = (value: string) => `"${value.replace(/([\\"])/g, '\\$1').replace(/[\r\n]/g, ' ')}"`;

function formatField(value: number | string | boolean): string {
  if (typeof value === 'string') return escapeFieldString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new Error(`line protocol: field value ${value} is not finite`);
  // Always a float: a field that is 12 in one point and 12.5 in the next must keep one type.
  return String(Number(value.toFixed(6)));
}

/**
 * Nanoseconds since the epoch as a decimal string (exact, without floating point). Times are
 * kept to the millisecond, cut as the run folder's CSV files cut them (toISOString drops the
 * fraction), so InfluxDB and events.csv give an event the same millisecond; `sequence`
 * (< 1,000,000) fills the sub-millisecond digits so that points of one series at the same
 * millisecond stay distinct instead of overwriting each other.
 */
function nanoseconds(timeMs: number, sequence = 0): string {
  return `${Math.floor(timeMs)}${String(sequence % 1_000_000).padStart(6, '0')}`;
}

function line(measurement: string, tags: Tags, fields: Fields, timeMs: number, sequence = 0): string {
  const tagText = Object.keys(tags).sort().filter((key) => tags[key] !== '').map((key) => `,${escapeTag(key)}=${escapeTag(tags[key]!)}`).join('');
  const fieldText = Object.entries(fields).map(([key, value]) => `${escapeTag(key)}=${formatField(value)}`).join(',');
  return `${escapeMeasurement(measurement)}${tagText} ${fieldText} ${nanoseconds(timeMs, sequence)}`;
}

function armTags(run: RunIdentity, arm: string, method: Method): Tags {
  return { run_id: run.runId, scenario: run.scenario, arm, method };
}

function sampleLines(run: RunIdentity, sample: ArmSample): string[] {
  const tags: Tags = {
    ...armTags(run, sample.arm, sample.method),
    esxhostname: sample.host,
    clustername: run.cluster,
    source: sample.host,
    vcenter: run.endpoint,
  };
  // A value the source did not give is left out (a gap), never written as zero.
  const fields = (values: Record<string, number | null>): Fields => {
    const present: Fields = {};
    for (const [key, value] of Object.entries(values)) if (value !== null) present[key] = Number(value.toFixed(3));
    return present;
  };
  const lines: string[] = [];
  const add = (measurement: string, extraTags: Tags, values: Record<string, number | null>) => {
    const present = fields(values);
    if (Object.keys(present).length > 0) lines.push(line(measurement, { ...tags, ...extraTags }, present, sample.timeMs));
  };
  add('vsphere_host_cpu', { cpu: 'instance-total' }, { usage_average: sample.cpuPct, usagemhz_average: sample.cpuMhz });
  add('vsphere_host_disk', { disk: 'instance-total' }, { numberReadAveraged_average: sample.readIops, numberWriteAveraged_average: sample.writeIops });
  add('vdibench_storage', {}, { disk_read_iops: sample.diskReadIops, disk_write_iops: sample.diskWriteIops, host_read_iops: sample.readIops, host_write_iops: sample.writeIops });
  return lines;
}

function eventLine(run: RunIdentity, event: LifecycleEvent, sequence: number): string {
  const fields: Fields = { desktop: event.desktop, t_s: Number(event.tS.toFixed(3)), host: event.host };
  if (event.error !== undefined) fields.error = event.error;
  const tags = { ...armTags(run, event.arm, event.method), kind: event.kind, ...(event.operation ? { operation: event.operation } : {}) };
  return line('vdibench_event', tags, fields, event.timeMs, sequence);
}

function phaseLines(run: RunIdentity, armPhases: ArmPhases): string[] {
  return armPhases.phases.map((phase) => line(
    'vdibench_phase',
    { ...armTags(run, armPhases.arm, armPhases.method), phase: phase.name, ...(armPhases.operation ? { operation: armPhases.operation } : {}) },
    { start_s: Number(phase.startS.toFixed(3)), duration_s: Number(phase.durationS.toFixed(3)), performed: phase.performed },
    armPhases.startMs + phase.startS * 1000,
  ));
}

/** One point per arm with its summary figures, stamped at the arm's end. */
function summaryLine(run: RunIdentity, arm: ArmSummary, timeMs: number): string {
  const fields: Fields = {
    desktops_requested: arm.desktops.requested,
    desktops_ready: arm.desktops.ready,
    desktops_failed: arm.desktops.failed,
    peak_iops: arm.peakIops,
    avg_iops: arm.avgIops,
    total_ios: arm.totalIos,
    peak_cpu_pct: arm.peakCpuPct,
    avg_cpu_pct: arm.avgCpuPct,
    retries: arm.retries,
  };
  if (arm.deployTimeS !== null) fields.deploy_time_s = arm.deployTimeS;
  if (arm.desktopReadyS.p50 !== null) fields.ready_p50_s = arm.desktopReadyS.p50;
  if (arm.desktopReadyS.p95 !== null) fields.ready_p95_s = arm.desktopReadyS.p95;
  for (const phase of arm.phases) if (phase.performed) fields[`phase_${phase.name.replace('-', '_')}_s`] = phase.durationS;
  return line('vdibench_summary', armTags(run, arm.name, arm.method), fields, timeMs);
}

/** One point per day-2 operation of an arm, stamped with the arm's summary (the `operation` tag tells them apart). */
function operationLines(run: RunIdentity, arm: ArmSummary, timeMs: number): string[] {
  return (arm.operations ?? []).map((operation) => {
    const fields: Fields = {
      start_s: operation.startS,
      duration_s: operation.durationS,
      desktops_total: operation.desktops.total,
      desktops_done: operation.desktops.done,
      desktops_failed: operation.desktops.failed,
      unavailable_desktop_s: operation.unavailableDesktopS,
      peak_unavailable: operation.peakUnavailable,
      peak_iops: operation.peakIops,
      avg_iops: operation.avgIops,
      total_ios: operation.totalIos,
      peak_cpu_pct: operation.peakCpuPct,
      avg_cpu_pct: operation.avgCpuPct,
      users_policy: operation.users.policy,
      users_logged_in_pct: operation.users.loggedInPct,
    };
    if (operation.windowS !== null) fields.window_s = operation.windowS;
    if (operation.downtimeS.p50 !== null) fields.downtime_p50_s = operation.downtimeS.p50;
    if (operation.downtimeS.p95 !== null) fields.downtime_p95_s = operation.downtimeS.p95;
    if (operation.downtimeS.max !== null) fields.downtime_max_s = operation.downtimeS.max;
    for (const phase of operation.phases) if (phase.performed) fields[`phase_${phase.name.replace('-', '_')}_s`] = phase.durationS;
    return line('vdibench_operation', { ...armTags(run, arm.name, arm.method), operation: operation.name }, fields, timeMs);
  });
}

/**
 * Turns batches into line protocol once, for every sink: the run folder's metrics.lp and
 * InfluxDB receive the very same lines.
 */
export class LineProtocolEncoder {
  private eventSequence = 0;

  constructor(private readonly run: RunIdentity) {}

  encode(batch: MetricBatch): string[] {
    const lines: string[] = [];
    for (const sample of batch.samples ?? []) lines.push(...sampleLines(this.run, sample));
    for (const event of batch.events ?? []) lines.push(eventLine(this.run, event, this.eventSequence++));
    for (const arm of batch.phases ?? []) lines.push(...phaseLines(this.run, arm));
    for (const { arm, timeMs } of batch.summaries ?? []) lines.push(summaryLine(this.run, arm, timeMs), ...operationLines(this.run, arm, timeMs));
    return lines;
  }
}
