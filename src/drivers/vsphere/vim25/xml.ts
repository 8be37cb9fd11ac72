/**
 * SOAP envelopes and XML for vim25, in one place. Requests are built from plain values in
 * WSDL element order (the server insists on it); polymorphic values carry `xsi:type`;
 * managed object references are `MoRef`s. Responses are parsed with fast-xml-parser,
 * namespace prefixes kept so `xsi:type` and a reference's `type` never collide.
 */
import { XMLParser } from 'fast-xml-parser';

export class MoRef {
  constructor(readonly type: string, readonly value: string) {}
  toString(): string {
    return `${this.type}:${this.value}`;
  }
}

/** A value with an explicit `xsi:type` (a subtype where the WSDL names a base type). */
export class Typed {
  constructor(readonly xsiType: string, readonly fields: XmlFields) {}
}

/** XML the server gave us, passed back verbatim as an element's content (e.g. a customization spec). */
export class RawXml {
  constructor(readonly inner: string) {}
}

export type XmlValue = string | number | boolean | MoRef | Typed | RawXml | XmlFields | XmlValue[] | undefined | null;
export interface XmlFields {
  [element: string]: XmlValue;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
  if (value instanceof MoRef) return `<${name} type="${escapeXml(value.type)}">${escapeXml(value.value)}</${name}>`;
  if (value instanceof Typed) return `<${name} xsi:type="${escapeXml(value.xsiType)}">${fields(value.fields)}</${name}>`;
  if (value instanceof RawXml) return `<${name}>${value.inner}</${name}>`;
  if (typeof value === 'object') return `<${name}>${fields(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function fields(values: XmlFields): string {
  return Object.entries(values).map(([name, value]) => element(name, value)).join('');
}

export function envelope(method: string, self: MoRef, params: XmlFields = {}): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + `<soapenv:Body><${method} xmlns="urn:vim25">${element('_this', self)}${fields(params)}</${method}></soapenv:Body></soapenv:Envelope>`;
}

/** A parsed XML node: text, attributes (`@_name`) and children by element name (prefix removed). */
export type XmlNode = { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  // Strip element prefixes ourselves (keeping attribute prefixes): see the file comment.
  transformTagName: (name) => name.replace(/^[^:]+:/, ''),
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as XmlNode)['#text'] ?? '');
  return String(value);
}

export function moRef(value: unknown): MoRef {
  const node = value as XmlNode;
  return new MoRef(String(node['@_type'] ?? ''), text(node));
}

/** The `xsi:type` of a node, whatever prefix the server bound the XMLSchema-instance namespace to. */
export function xsiType(value: unknown): string | undefined {
  const node = value as XmlNode | undefined;
  if (!node || typeof node !== 'object') return undefined;
  const key = Object.keys(node).find((name) => /^@_[^:]+:type$/.test(name));
  return key ? String(node[key]) : undefined;
}
