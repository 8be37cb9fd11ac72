import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const MEASUREMENTS = ['vsphere_host_cpu', 'vsphere_host_disk', 'vdibench_storage', 'vdibench_event', 'vdibench_phase', 'vdibench_summary'];

describe('dashboards/vdibench.json', () => {
  const text = readFileSync(path.join(repoRoot, 'dashboards', 'vdibench.json'), 'utf8');
  const docs = readFileSync(path.join(repoRoot, 'docs', 'METRICS.md'), 'utf8');

  it('is a Grafana dashboard whose queries name only measurements and fields the harness writes', () => {
    const dashboard = JSON.parse(text);
    expect(dashboard.panels.length).toBeGreaterThan(3);
    const queries: string[] = [...dashboard.panels.flatMap((panel: { targets: { query: string }[] }) => panel.targets.map((target) => target.query)), dashboard.annotations.list[0].query];
    for (const query of queries) {
      for (const [, measurement] of query.matchAll(/FROM "([^"]+)"/g)) expect(MEASUREMENTS).toContain(measurement);
      for (const [, field] of query.matchAll(/\(\s*"([^"]+)"\s*\)/g)) expect(docs, field).toContain(`\`${field}\``);
    }
    for (const measurement of MEASUREMENTS) expect(docs).toContain(`\`${measurement}\``);
  });
});
