/**
 * Host samples from vCenter's PerformanceManager: the refresh rate from
 * QueryPerfProviderSummary (20 s on hosts), counter ids from the perfCounter list, then one
 * QueryPerf per interval for all hosts. Timestamps are vCenter's. A counter the server
 * does not return is a gap (null), never a zero; a failed round is a gap with a warning.
 */
import type { HostSample } from '../../contract/observations.js';
import type { SampleListener, SamplerHandle } from '../types.js';
import type { VimClient } from './vim25/client.js';
import { queryPerf, queryPerfProviderSummary } from './vim25/methods.js';
import { retrieveProperties } from './vim25/properties.js';
import type { PerfQuerySpec } from './vim25/types.js';
import type { MoRef } from './vim25/xml.js';

/** Counters read, with the instance asked for ('' = the host aggregate, '*' = every instance). */
const HOST_COUNTERS = {
  cpuUsage: { name: 'cpu.usage.average', instance: '' },
  cpuUsageMhz: { name: 'cpu.usagemhz.average', instance: '' },
  diskRead: { name: 'disk.numberReadAveraged.average', instance: '*' },
  diskWrite: { name: 'disk.numberWriteAveraged.average', instance: '*' },
  datastoreRead: { name: 'datastore.numberReadAveraged.average', instance: '*' },
  datastoreWrite: { name: 'datastore.numberWriteAveraged.average', instance: '*' },
} as const;

type CounterKey = keyof typeof HOST_COUNTERS;

export class PerfSampler {
  private counterIds = new Map<CounterKey, number>();
  private lastTimestamp = new Map<string, number>();
  private refreshRateS = 20;

  constructor(
    private readonly client: VimClient,
    private readonly hosts: { name: string; ref: MoRef }[],
    private readonly capacityMhz: Map<string, number>,
  ) {}

  /** Counter ids and the hosts' refresh rate; returns the refresh rate in seconds. */
  async prepare(): Promise<number> {
    const perfManager = this.client.serviceContent.perfManager;
    if (!perfManager) throw new Error('this vCenter has no PerformanceManager');
    const [manager] = await retrieveProperties(this.client, 'PerformanceManager', [perfManager], ['perfCounter']);
    const wanted = new Map<string, CounterKey>(Object.entries(HOST_COUNTERS).map(([key, counter]) => [counter.name, key as CounterKey]));
    for (const info of manager?.props.perfCounter ?? []) {
      const key = wanted.get(`${info.groupInfo.key}.${info.nameInfo.key}.${info.rollupType}`);
      if (key && !this.counterIds.has(key)) this.counterIds.set(key, info.key);
    }
    if (this.hosts[0]) {
      const rate = (await queryPerfProviderSummary(this.client, perfManager, this.hosts[0].ref))?.refreshRate ?? 0;
      if (rate > 0) this.refreshRateS = rate;
    }
    return this.refreshRateS;
  }

  /** One QueryPerf for every host: the samples newer than the last ones seen. */
  async collect(): Promise<HostSample[]> {
    const perfManager = this.client.serviceContent.perfManager!;
    const metricId = [...this.counterIds.entries()].map(([key, counterId]) => ({ counterId, instance: HOST_COUNTERS[key].instance }));
    if (metricId.length === 0) return [];
    const querySpec = this.hosts.map((host): PerfQuerySpec => {
      const last = this.lastTimestamp.get(host.name);
      return {
        entity: host.ref,
        startTime: last ? new Date(last + 1000).toISOString() : undefined,
        maxSample: last ? 15 : 1,
        metricId,
        intervalId: this.refreshRateS,
        format: 'normal',
      };
    });
    const metrics = await queryPerf(this.client, perfManager, querySpec);
    const byCounter = new Map([...this.counterIds.entries()].map(([key, id]) => [id, key]));
    const samples: HostSample[] = [];
    for (const entity of metrics) {
      const host = this.hosts.find((candidate) => candidate.ref.value === entity.entity.value);
      if (!host) continue;
      const times = (entity.sampleInfo ?? []).map((info) => Date.parse(info.timestamp));
      const values = new Map<CounterKey, (number | null)[]>();
      for (const series of entity.value ?? []) {
        const key = byCounter.get(series.id.counterId);
        if (!key) continue;
        const instance = series.id.instance ?? '';
        // Per-instance counters are summed over devices; the '' aggregate counts once.
        if (HOST_COUNTERS[key].instance === '*' && instance === '' && values.has(key)) continue;
        const points = series.value ?? [];
        const sum = values.get(key) ?? times.map(() => null);
        values.set(key, sum.map((current, index) => {
          const point = points[index];
          if (point === undefined || !Number.isFinite(point) || point < 0) return current;
          return (current ?? 0) + point;
        }));
      }
      const last = this.lastTimestamp.get(host.name) ?? 0;
      const capacity = this.capacityMhz.get(host.name) ?? 0;
      times.forEach((timeMs, index) => {
        if (!Number.isFinite(timeMs) || timeMs <= last) return;
        const value = (key: CounterKey) => values.get(key)?.[index] ?? null;
        const usage = value('cpuUsage');
        const mhz = value('cpuUsageMhz');
        samples.push({
          timeMs,
          host: host.name,
          // cpu.usage is in 1/100 %.
          cpuPct: usage !== null ? usage / 100 : mhz !== null && capacity > 0 ? (100 * mhz) / capacity : null,
          cpuMhz: mhz,
          readIops: value('diskRead'),
          writeIops: value('diskWrite'),
          diskReadIops: value('datastoreRead'),
          diskWriteIops: value('datastoreWrite'),
        });
      });
      const newest = Math.max(last, ...times.filter(Number.isFinite));
      if (newest > 0) this.lastTimestamp.set(host.name, newest);
    }
    return samples.sort((a, b) => a.timeMs - b.timeMs || a.host.localeCompare(b.host));
  }
}


/**
 * Sample every refresh interval until stopped; `stop()` collects what is due and waits for
 * the last round. A missed round is a gap in the series and a warning, never a failed run.
 */
export function startSampling(sampler: PerfSampler, listener: SampleListener): SamplerHandle {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const collect = () => {
    round = round.then(async () => {
      try {
        const samples = await sampler.collect();
        if (samples.length) listener(samples);
      } catch (error) {
        process.stderr.write(`warning: vSphere performance data: ${messageOf(error)}\n`);
      }
    });
  };
  const start = sampler.prepare().then((refreshRateS) => {
    if (stopped) return;
    timer = setInterval(collect, refreshRateS * 1000);
    timer.unref();
  }).catch((error: unknown) => process.stderr.write(`warning: vSphere performance data unavailable: ${messageOf(error)}\n`));
  return {
    stop: async () => {
      stopped = true;
      await start;
      clearInterval(timer);
      collect();
      await round;
    },
  };
}

/** vim25's messages are the application's for these (errors.ts adds only hints), and a fault's message is the server's. */
function messageOf(error: unknown): string {
  return (error as Error).message;
}
