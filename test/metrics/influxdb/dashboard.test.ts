import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';
import { shippedScenario, simulate } from '../../helpers/sim.js';
import { schemaOf } from '../parse-line-protocol.js';

const MEASUREMENTS = ['vsphere_host_cpu', 'vsphere_host_disk', 'vdibench_storage', 'vdibench_event', 'vdibench_phase', 'vdibench_summary'];

interface DashboardQuery {
  measurement: string;
  fields: string[];
  tags: string[];
}

/** The measurement, fields (SELECT clause, aliases aside) and tags (WHERE, GROUP BY) an InfluxQL query names. */
function namesIn(query: string): DashboardQuery {
  const match = /^SELECT (.+?) FROM "([^"]+)"(.*)$/.exec(query);
  if (!match) throw new Error(`not a SELECT … FROM "…" query: ${query}`);
  const [, select, measurement, rest] = match;
  const quoted = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((found) => found[1]!);
  return { measurement: measurement!, fields: quoted(select!.replace(/\bAS "[^"]+"/g, '')), tags: quoted(rest!) };
}

describe('dashboards/vdibench.json', () => {
  const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'dashboards', 'vdibench.json'), 'utf8'));
  const docs = readFileSync(path.join(repoRoot, 'docs', 'METRICS.md'), 'utf8');
  const queries: string[] = [
    ...dashboard.panels.flatMap((panel: { targets?: { query: string }[] }) => (panel.targets ?? []).map((target) => target.query)),
    ...dashboard.annotations.list.map((annotation: { query: string }) => annotation.query),
  ];
  let written: ReturnType<typeof schemaOf>;

  beforeAll(async () => {
    // What the sinks really write: a run's metrics.lp, lines shared with InfluxDB.
    const run = await simulate(await shippedScenario('composer-vs-instant', { desktops: 6 }));
    written = schemaOf(readFileSync(path.join(run.runDir, 'metrics.lp'), 'utf8').split('\n').filter(Boolean));
  });

  it('a run writes every measurement the docs list', () => {
    expect([...written.keys()].sort()).toEqual([...MEASUREMENTS].sort());
    for (const measurement of MEASUREMENTS) expect(docs).toContain(`\`${measurement}\``);
  });

  it('every query names a measurement, fields and tags that a run actually writes', () => {
    expect(queries.length).toBeGreaterThan(4);
    for (const query of queries) {
      const { measurement, fields, tags } = namesIn(query);
      const schema = written.get(measurement);
      expect(schema, `${measurement} in ${query}`).toBeDefined();
      expect(fields.length, query).toBeGreaterThan(0);
      for (const field of fields) expect([...schema!.fields], `field ${field} of ${query}`).toContain(field);
      for (const tag of tags) expect([...schema!.tags], `tag ${tag} of ${query}`).toContain(tag);
      for (const field of fields) expect(docs, field).toContain(`\`${field}\``);
    }
  });

  it('reads the fields of a query as they are written, aliases aside', () => {
    expect(namesIn('SELECT last("peak_iops") AS "peak IOPS", "x" FROM "m" WHERE "run_id" =~ /a/ GROUP BY "arm"')).toEqual({ measurement: 'm', fields: ['peak_iops', 'x'], tags: ['run_id', 'arm'] });
  });
});
