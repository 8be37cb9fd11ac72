import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/contract/errors.js';
import { describeTarget, resolveInfluxSettings } from '../../../src/metrics/influxdb/config.js';
import { parseScenarioText } from '../../../src/scenarios/load.js';
import { tempDir } from '../../helpers/cli.js';

describe('InfluxDB settings', () => {
  it('is off when nothing names a URL', () => {
    expect(resolveInfluxSettings({}, {}, {})).toBeUndefined();
  });

  it('takes flags over the environment over the scenario file', () => {
    const settings = resolveInfluxSettings({ db: 'from-flag' }, { INFLUX_URL: 'http://env:8086', INFLUX_DB: 'from-env', INFLUX_USER: 'u', INFLUX_PASSWORD: 'p' }, { url: 'http://file:8086', db: 'from-file' });
    expect(settings).toEqual({ version: 1, url: 'http://env:8086', db: 'from-flag', user: 'u', password: 'p' });
    expect(describeTarget(settings!)).toBe('http://env:8086 db=from-flag user=u');
  });

  it('2.x needs org, bucket and a token from the environment or a 0600 file', () => {
    expect(resolveInfluxSettings({ url: 'http://h:8086', org: 'o', bucket: 'b' }, { INFLUX_TOKEN: 't' })).toEqual({ version: 2, url: 'http://h:8086', org: 'o', bucket: 'b', token: 't' });
    const file = path.join(tempDir(), 'token');
    writeFileSync(file, 'from-file\n');
    chmodSync(file, 0o644);
    expect(() => resolveInfluxSettings({ url: 'http://h', org: 'o', bucket: 'b' }, { INFLUX_TOKEN_FILE: file })).toThrow(/readable by others; chmod 600/);
    chmodSync(file, 0o600);
    expect(resolveInfluxSettings({ url: 'http://h', org: 'o', bucket: 'b' }, { INFLUX_TOKEN_FILE: file })).toMatchObject({ token: 'from-file' });
  });

  it.each([
    [{ url: 'http://admin:hunter2@h:8086', db: 'x' }, /not in the URL/],
    [{ url: 'not a url', db: 'x' }, /is not a URL/],
    [{ url: 'http://h', db: 'x', org: 'o', bucket: 'b' }, /not both/],
    [{ url: 'http://h' }, /name the target/],
    [{ db: 'x' }, /--influx-url \(or INFLUX_URL\) is missing/],
    [{ url: 'http://h', org: 'o' }, /needs both --influx-org and --influx-bucket/],
  ])('refuses %j', (flags, message) => {
    expect(() => resolveInfluxSettings(flags, { INFLUX_TOKEN: 't' })).toThrow(InputError);
    expect(() => resolveInfluxSettings(flags, { INFLUX_TOKEN: 't' })).toThrow(message);
  });

  it('never echoes a password given in the URL', () => {
    const resolve = () => resolveInfluxSettings({ url: 'http://admin:hunter2@h:8086', db: 'x' }, {});
    expect(resolve).toThrow(InputError);
    expect(resolve).toThrow(/not in the URL/);
    expect(resolve).not.toThrow(/hunter2/);
  });

  it('the scenario file may name the target but never carry a secret', () => {
    const ok = parseScenarioText('defaults:\n  influx: { url: "http://h:8086", db: vdi }\nscenarios:\n  a: { arms: [{ name: a, method: composer }] }\n', 's.yml');
    expect(ok.content.defaults?.influx).toEqual({ url: 'http://h:8086', db: 'vdi' });
    expect(() => parseScenarioText('defaults:\n  influx: { url: "http://h:8086", db: vdi, password: x }\nscenarios:\n  a: { arms: [{ name: a, method: composer }] }\n', 's.yml'))
      .toThrow(/^s\.yml:2:44: "password" does not belong in a scenario file: secrets come from the environment \(INFLUX_PASSWORD/);
    expect(() => parseScenarioText('scenarios:\n  a:\n    influx: { token: x }\n    arms: [{ name: a, method: composer }]\n', 's.yml'))
      .toThrow(/"token" does not belong in a scenario file: .*INFLUX_TOKEN/);
  });
});
