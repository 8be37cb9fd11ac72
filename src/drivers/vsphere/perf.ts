/**
 * Host samples from vCenter's PerformanceManager: the refresh rate from
 * QueryPerfProviderSummary (20 s on hosts), counter ids from the perfCounter list, then one
 * QueryPerf per interval for all hosts. Timestamps are vCenter's. A counter the server
 * does not return is a gap (null), never a zero.
 */
import type { HostSample } from '../../metrics/types.js';
import type { VimClient } from './vim25/client.js';
import { retrieveProperties } from './vim25/properties.js';
import { asArray, type MoRef, text, type XmlNode } from './vim25/xml.js';

/** Counters read, with the instance asked for ('' = the host aggregate, '*' = every instance). */
export const HOST_COUNTERS = {
  cpuUsage: { name: 'cpu.usage.average', instance: '' },
  cpuUsageMhz: { name: 'cpu.usagemhz.average', instance: '' },
  diskRead: { name: 'disk.numberReadAveraged.average', instance: '*' },
  diskWrite: { name: 'disk.numberWriteAveraged.average', instance: '*' },
  datastoreRead: { name: 'datastore.numberReadAveraged.average', instance: '*' },
  datastoreWrite: { name: 'datastore.numberWriteAveraged.average', instance: '*' },
} as const;

type CounterKey = keyof typeof HOST_COUNTERS;

export class PerfCollector {
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
    const [manager] = await retrieveProperties(this.client, [perfManager], 'PerformanceManager', ['perfCounter']);
    const wanted = new Map<string, CounterKey>(Object.entries(HOST_COUNTERS).map(([key, counter]) => [counter.name, key as CounterKey]));
    for (const info of asArray((manager?.props.perfCounter as XmlNode | undefined)?.PerfCounterInfo as XmlNode | XmlNode[])) {
      const name = `${text((info.groupInfo as XmlNode).key)}.${text((info.nameInfo as XmlNode).key)}.${text(info.rollupType)}`;
      const key = wanted.get(name);
      if (key && !this.counterIds.has(key)) this.counterIds.set(key, Number(text(info.key)));
    }
    if (this.hosts[0]) {
      const summary = await this.client.call('QueryPerfProviderSummary', perfManager, { entity: this.hosts[0].ref });
      const rate = Number(text((summary.returnval as XmlNode | undefined)?.refreshRate));
      if (rate > 0) this.refreshRateS = rate;
    }
    return this.refreshRateS;
  }

  /** One QueryPerf for every host: the samples newer than the last ones seen. */
  async collect(): Promise<HostSample[]> {
    const perfManager = this.client.serviceContent.perfManager!;
    const metricId = [...this.counterIds.entries()].map(([key, counterId]) => ({ counterId, instance: HOST_COUNTERS[key].instance }));
    if (metricId.length === 0) return [];
    const querySpec = this.hosts.map((host) => {
      const last = this.lastTimestamp.get(host.name);
      // PerfQuerySpec, in WSDL order: entity, startTime, endTime, maxSample, metricId, intervalId, format.
      return {
        entity: host.ref,
        startTime: last ? new Date(last + 1000).toISOString() : undefined,
        maxSample: last ? 15 : 1,
        metricId,
        intervalId: this.refreshRateS,
        format: 'normal',
      };
    });
    const response = await this.client.call('QueryPerf', perfManager, { querySpec: querySpec as never });
    const byCounter = new Map([...this.counterIds.entries()].map(([key, id]) => [id, key]));
    const samples: HostSample[] = [];
    for (const entity of asArray(response.returnval as XmlNode | XmlNode[])) {
      const hostRef = text(entity.entity);
      const host = this.hosts.find((candidate) => candidate.ref.value === hostRef);
      if (!host) continue;
      const times = asArray(entity.sampleInfo as XmlNode | XmlNode[]).map((info) => Date.parse(text(info.timestamp)));
      const values = new Map<CounterKey, (number | null)[]>();
      for (const series of asArray(entity.value as XmlNode | XmlNode[])) {
        const id = series.id as XmlNode;
        const key = byCounter.get(Number(text(id.counterId)));
        if (!key) continue;
        const instance = text(id.instance);
        // Per-instance counters are summed over devices; the '' aggregate counts once.
        if (HOST_COUNTERS[key].instance === '*' && instance === '' && values.has(key)) continue;
        const points = asArray(series.value as unknown as unknown[]).map((value) => Number(text(value)));
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

