/**
 * InfluxDB settings, from flags, then the environment, then the scenario file (later ones
 * only fill what earlier ones left out). Secrets — the 1.x password and the 2.x/3.x token —
 * come only from the environment (INFLUX_PASSWORD, INFLUX_TOKEN) or a file named by
 * INFLUX_PASSWORD_FILE / INFLUX_TOKEN_FILE; never from a flag, the scenario file or the URL.
 */
import { InputError } from '../../contract/errors.js';
import { secret } from '../../contract/secrets.js';

export interface InfluxFileSettings {
  url?: string;
  db?: string;
  retentionPolicy?: string;
  user?: string;
  org?: string;
  bucket?: string;
}

export type InfluxFlags = InfluxFileSettings;

/** Where points went, without any secret: kept in run.json so `bench push <run-dir>` needs no flags. */
export function publicTarget(settings: InfluxSettings): InfluxFileSettings {
  return settings.version === 1
    ? { url: settings.url, db: settings.db, ...(settings.retentionPolicy ? { retentionPolicy: settings.retentionPolicy } : {}), ...(settings.user ? { user: settings.user } : {}) }
    : { url: settings.url, org: settings.org, bucket: settings.bucket };
}

export type InfluxSettings =
  | { version: 1; url: string; db: string; retentionPolicy?: string; user?: string; password?: string }
  | { version: 2; url: string; org: string; bucket: string; token: string };

type Env = Record<string, string | undefined>;

/** The URL without credentials, path kept; refuses user:password@ in it. */
function checkUrl(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${where}: "${raw.replace(/\/\/[^@/]*@/, '//***@')}" is not a URL; expected e.g. http://localhost:8086`);
  }
  if (url.username || url.password) {
    throw new InputError(`${where}: put credentials in INFLUX_USER / INFLUX_PASSWORD (or INFLUX_TOKEN), not in the URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`${where}: expected an http:// or https:// URL`);
  return url.toString().replace(/\/$/, '');
}

/** Resolve the settings; undefined when InfluxDB is not configured at all. */
export function resolveInfluxSettings(flags: InfluxFlags, env: Env, file: InfluxFileSettings = {}): InfluxSettings | undefined {
  const pick = <K extends keyof InfluxFileSettings>(key: K, envName: string) => flags[key] ?? env[envName] ?? file[key];
  const rawUrl = pick('url', 'INFLUX_URL');
  const db = pick('db', 'INFLUX_DB');
  const org = pick('org', 'INFLUX_ORG');
  const bucket = pick('bucket', 'INFLUX_BUCKET');
  if (!rawUrl) {
    if (db || org || bucket) throw new InputError('--influx-url (or INFLUX_URL) is missing: where is InfluxDB?');
    return undefined;
  }
  const url = checkUrl(rawUrl, flags.url ? '--influx-url' : env.INFLUX_URL ? 'INFLUX_URL' : 'influx.url');
  if (db && (org || bucket)) throw new InputError('InfluxDB: give either --influx-db (1.x) or --influx-org and --influx-bucket (2.x/3.x), not both');
  if (db) {
    const user = pick('user', 'INFLUX_USER');
    const password = secret(env, 'INFLUX_PASSWORD');
    if (password && !user) throw new InputError('INFLUX_PASSWORD is set but no user: set INFLUX_USER or --influx-user');
    const retentionPolicy = pick('retentionPolicy', 'INFLUX_RETENTION_POLICY');
    return { version: 1, url, db, ...(retentionPolicy ? { retentionPolicy } : {}), ...(user ? { user } : {}), ...(password ? { password } : {}) };
  }
  if (org || bucket) {
    if (!org || !bucket) throw new InputError('InfluxDB 2.x/3.x needs both --influx-org and --influx-bucket');
    const token = secret(env, 'INFLUX_TOKEN');
    if (!token) throw new InputError('InfluxDB 2.x/3.x needs a token: set INFLUX_TOKEN (or INFLUX_TOKEN_FILE naming a 0600 file)');
    return { version: 2, url, org, bucket, token };
  }
  throw new InputError(`InfluxDB at ${url}: name the target: --influx-db NAME (1.x) or --influx-org and --influx-bucket (2.x/3.x)`);
}

/** Where the points go, for messages and run.json: never a secret. */
export function describeTarget(settings: InfluxSettings): string {
  return settings.version === 1
    ? `${settings.url} db=${settings.db}${settings.retentionPolicy ? ` rp=${settings.retentionPolicy}` : ''}${settings.user ? ` user=${settings.user}` : ''}`
    : `${settings.url} org=${settings.org} bucket=${settings.bucket}`;
}
