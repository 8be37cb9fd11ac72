/**
 * InfluxDB line protocol for a run's samples, events and phases. Host counters use the
 * measurement and field names of Telegraf's vsphere input, so existing Grafana vSphere
 * dashboards chart them at once; the harness's own measurements start with `vdibench_`.
 * docs/METRICS.md lists every measurement, field and tag.
 */
import type { ArmPhases, RunIdentity } from './sink.js';
import type { ArmSample, LifecycleEvent } from './types.js';
import type { Method } from '../scenarios/schema.js';

type Tags = Record<string, string>;
type Fields = Record<string, number | string | boolean>;

// Line protocol escapes commas and spaces (and, in tag keys and values, equals signs);
// a newline would end the line, so it becomes a space.
const escapeMeasurement = (value: string) => value.replace(/[\r\n]/g, ' ').replace(/([, ])/g, '\\$1');
const escapeTag = (value: string) => value.replace(/[\r\n]/g, ' ').replace(/([,= ])/g, '\\$1');
const escapeFieldString = (value: string) => `"${value.replace(/([\\"])/g, '\\$1').replace(/[\r\n]/g, ' ')}"`;

function formatField(value: number | string | boolean): string {
  if (typeof value === 'string') return escapeFieldString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new Error(`line protocol: field value ${value} is not finite`);
  return Number.isInteger(value) ? `${value}i` : String(Number(value.toFixed(6)));
}

/** Nanoseconds since the epoch as a decimal string (exact, without floating point). */
export function nanoseconds(timeMs: number): string {
  return `${Math.round(timeMs)}000000`;
}

export function line(measurement: string, tags: Tags, fields: Fields, timeMs: number): string {
  const tagText = Object.keys(tags).sort().filter((key) => tags[key] !== '').map((key) => `,${escapeTag(key)}=${escapeTag(tags[key]!)}`).join('');
  const fieldText = Object.entries(fields).map(([key, value]) => `${escapeTag(key)}=${formatField(value)}`).join(',');
  return `${escapeMeasurement(measurement)}${tagText} ${fieldText} ${nanoseconds(timeMs)}`;
}

function armTags(run: RunIdentity, arm: string, method: Method): Tags {
  return { run_id: run.runId, scenario: run.scenario, arm, method };
}

export function sampleLines(run: RunIdentity, sample: ArmSample): string[] {
  const tags: Tags = {
    ...armTags(run, sample.arm, sample.method),
    esxhostname: sample.host,
    clustername: run.cluster,
    source: sample.host,
    vcenter: run.endpoint,
  };
  const round = (value: number) => Number(value.toFixed(3));
  return [
    line('vsphere_host_cpu', { ...tags, cpu: 'instance-total' }, { usage_average: round(sample.cpuPct), usagemhz_average: round(sample.cpuMhz) }, sample.timeMs),
    line('vsphere_host_disk', { ...tags, disk: 'instance-total' }, {
      numberReadAveraged_average: round(sample.readIops),
      numberWriteAveraged_average: round(sample.writeIops),
    }, sample.timeMs),
    line('vdibench_storage', tags, {
      disk_read_iops: round(sample.diskReadIops),
      disk_write_iops: round(sample.diskWriteIops),
      host_read_iops: round(sample.readIops),
      host_write_iops: round(sample.writeIops),
    }, sample.timeMs),
  ];
}

export function eventLine(run: RunIdentity, event: LifecycleEvent): string {
  const fields: Fields = { desktop: event.desktop, t_s: Number(event.tS.toFixed(3)), host: event.host };
  if (event.error !== undefined) fields.error = event.error;
  return line('vdibench_event', { ...armTags(run, event.arm, event.method), kind: event.kind }, fields, event.timeMs);
}

export function phaseLines(run: RunIdentity, armPhases: ArmPhases): string[] {
  return armPhases.phases.map((phase) => line(
    'vdibench_phase',
    { ...armTags(run, armPhases.arm, armPhases.method), phase: phase.name },
    { start_s: Number(phase.startS.toFixed(3)), duration_s: Number(phase.durationS.toFixed(3)), performed: phase.performed },
    armPhases.startMs + phase.startS * 1000,
  ));
}
