import type { Argv } from 'yargs';
import { resolveInfluxSettings, type InfluxFileSettings, type InfluxSettings } from '../metrics/influxdb/config.js';

export interface InfluxArgs {
  'influx-url'?: string;
  'influx-db'?: string;
  'influx-rp'?: string;
  'influx-user'?: string;
  'influx-org'?: string;
  'influx-bucket'?: string;
}

export function influxOptions<T>(yargs: Argv<T>): Argv<T & InfluxArgs> {
  return yargs
    .option('influx-url', { type: 'string', describe: 'InfluxDB to stream into, e.g. http://localhost:8086 (env INFLUX_URL)' })
    .option('influx-db', { type: 'string', describe: 'InfluxDB 1.x database, created if missing (env INFLUX_DB); user from --influx-user, password from env INFLUX_PASSWORD' })
    .option('influx-rp', { type: 'string', describe: 'InfluxDB 1.x retention policy (env INFLUX_RETENTION_POLICY)' })
    .option('influx-user', { type: 'string', describe: 'InfluxDB 1.x user (env INFLUX_USER)' })
    .option('influx-org', { type: 'string', describe: 'InfluxDB 2.x/3.x organization (env INFLUX_ORG); token from env INFLUX_TOKEN' })
    .option('influx-bucket', { type: 'string', describe: 'InfluxDB 2.x/3.x bucket (env INFLUX_BUCKET)' })
    .group(['influx-url', 'influx-db', 'influx-rp', 'influx-user', 'influx-org', 'influx-bucket'], 'InfluxDB (optional):') as Argv<T & InfluxArgs>;
}

export function influxSettingsFrom(args: InfluxArgs, file: InfluxFileSettings = {}): InfluxSettings | undefined {
  return resolveInfluxSettings({
    url: args['influx-url'], db: args['influx-db'], retentionPolicy: args['influx-rp'], user: args['influx-user'], org: args['influx-org'], bucket: args['influx-bucket'],
  }, process.env, file);
}
