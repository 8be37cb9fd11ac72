/**
 * A reader of InfluxDB 1.x line protocol, written from the protocol's rules independently of
 * src/metrics/line-protocol.ts, so tests can check what the encoder wrote means what it should.
 * Unescaping follows influxd 1.x: in names and tags only `\,`, `\ ` and `\=` are escapes (any
 * other backslash is literal); in string fields `\"` and `\\`.
 */
export interface ParsedPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  timeNs: bigint;
}

/** Split at `separator` where it is neither escaped nor inside a quoted string field. */
function splitUnescaped(text: string, separator: string, quotes: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) {
      current += char + text[index + 1];
      index++;
      continue;
    }
    if (quotes && char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

const unescapeName = (text: string) => text.replace(/\\([,= ])/g, '$1');

function fieldValue(text: string): number | string | boolean {
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new Error(`unterminated string field: ${text}`);
    return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  if (text === 'true' || text === 'false') return text === 'true';
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`not a field value: ${text}`);
  return value;
}

export function parseLine(line: string): ParsedPoint {
  const [key, fieldText, time, ...rest] = splitUnescaped(line, ' ', true);
  if (key === undefined || fieldText === undefined || time === undefined || rest.length > 0) throw new Error(`not a point: ${line}`);
  const [measurement, ...tagParts] = splitUnescaped(key, ',', false);
  const tags: Record<string, string> = {};
  for (const part of tagParts) {
    const [tagKey, tagValue, ...extra] = splitUnescaped(part, '=', false);
    if (tagValue === undefined || extra.length > 0 || tagValue === '' || tagValue.endsWith('\\')) throw new Error(`bad tag ${part} in ${line}`);
    tags[unescapeName(tagKey!)] = unescapeName(tagValue);
  }
  const fields: Record<string, number | string | boolean> = {};
  for (const part of splitUnescaped(fieldText, ',', true)) {
    const [fieldKey, ...value] = splitUnescaped(part, '=', true);
    fields[unescapeName(fieldKey!)] = fieldValue(value.join('='));
  }
  if (!/^\d+$/.test(time)) throw new Error(`bad timestamp in ${line}`);
  return { measurement: unescapeName(measurement!), tags, fields, timeNs: BigInt(time) };
}

/** Measurement -> the field and tag names its points carry. */
export function schemaOf(lines: string[]): Map<string, { fields: Set<string>; tags: Set<string> }> {
  const schema = new Map<string, { fields: Set<string>; tags: Set<string> }>();
  for (const line of lines) {
    const point = parseLine(line);
    const entry = schema.get(point.measurement) ?? { fields: new Set<string>(), tags: new Set<string>() };
    for (const name of Object.keys(point.fields)) entry.fields.add(name);
    for (const name of Object.keys(point.tags)) entry.tags.add(name);
    schema.set(point.measurement, entry);
  }
  return schema;
}
