import { existsSync } from 'node:fs';
import { EXIT_OK, InputError } from '../../contract/errors.js';
import type { InfluxFileSettings } from '../../metrics/influxdb/config.js';
import { pushLineProtocol } from '../../metrics/influxdb/push.js';
import { createTransport } from '../../metrics/influxdb/transport.js';
import { RUN_FILES, runFilePath } from '../../run-store/layout.js';
import { readRun } from '../../run-store/read.js';
import { influxSettingsFrom, type InfluxArgs } from '../influx-options.js';

/** Send a stored run to InfluxDB; idempotent, so it can be repeated. */
export async function pushCommand(args: InfluxArgs & { 'run-dir': string; quiet: boolean }): Promise<number> {
  const run = await readRun(args['run-dir']);
  const file = runFilePath(args['run-dir'], 'lineProtocol');
  if (!existsSync(file)) throw new InputError(`${args['run-dir']}: no ${RUN_FILES.lineProtocol} to push`);
  // Flags and the environment win; else where the run itself streamed to (run.json), else the scenario's influx:.
  const settings = influxSettingsFrom(args, { ...(run.record.scenario.influx ?? {}) as InfluxFileSettings, ...(run.record.influx ?? {}) });
  if (!settings) throw new InputError('bench push: where to? give --influx-url with --influx-db (1.x) or --influx-org and --influx-bucket (2.x/3.x), or the INFLUX_* environment');
  const transport = createTransport(settings);
  if (!args.quiet) process.stderr.write(`pushing ${file} to ${transport.target}\n`);
  const result = await pushLineProtocol(file, transport, {
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    onProgress: args.quiet || !process.stderr.isTTY ? undefined : (sent) => process.stderr.write(`\r\x1b[2K  ${sent} points sent`),
  });
  if (!args.quiet && process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(`pushed ${result.points} points of ${run.record.runId} to ${transport.target} in ${result.seconds.toFixed(2)} s (${Math.round(result.points / Math.max(result.seconds, 1e-9))} points/s)\n`);
  return EXIT_OK;
}
