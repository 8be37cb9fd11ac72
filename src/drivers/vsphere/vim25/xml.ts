/**
 * XML for vim25, at the lowest level: managed object references, an ordered element tree
 * parsed with fast-xml-parser (element prefixes removed; every namespaced `…:type`
 * attribute becomes `xsi:type`, whatever prefix the server bound the XMLSchema-instance
 * namespace to, so it never collides with a reference's own `type`), and writing elements
 * back. What a type's elements are, and in which order, is encoding.ts's business.
 */
import { XMLParser } from 'fast-xml-parser';

/** A ManagedObjectReference: `<obj type="VirtualMachine">vm-42</obj>`. */
export class MoRef {
  constructor(readonly type: string, readonly value: string) {}
  toString(): string {
    return `${this.type}:${this.value}`;
  }
}

/** One parsed element, children in document order (vim25 has no mixed content). */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text ('' when it has children). */
  readonly text: string;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<name attr="…">content</name>`; `content` is XML already. */
export function xmlElement(name: string, content: string, attributes: Record<string, string> = {}): string {
  const attrs = Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join('');
  return `<${name}${attrs}>${content}</${name}>`;
}

/** A parsed element written back as it came (its name replaced by `name`): children, text, `xsi:type` and other attributes. */
export function writeElement(name: string, element: XmlElement): string {
  const content = element.children.length > 0 ? element.children.map((child) => writeElement(child.name, child)).join('') : escapeXml(element.text);
  return xmlElement(name, content, element.attributes);
}

export function envelope(body: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  // Text is kept exactly (a value passed back verbatim must not lose its spaces).
  trimValues: false,
});

type OrderedNode = Record<string, unknown>;

/** The document's root elements. Throws on text that is not XML. */
export function parseXml(text: string): XmlElement[] {
  return elementsOf(parser.parse(text) as OrderedNode[]);
}

function elementsOf(nodes: OrderedNode[]): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    const tag = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
    if (!tag || tag.startsWith('?')) continue;
    const childNodes = node[tag] as OrderedNode[];
    const children = elementsOf(childNodes);
    const text = children.length > 0 ? '' : childNodes.map((child) => String(child['#text'] ?? '')).join('');
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries((node[':@'] ?? {}) as Record<string, string>)) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      attributes[/^[^:]+:type$/.test(key) ? 'xsi:type' : key] = String(value);
    }
    elements.push({ name: tag.replace(/^[^:]+:/, ''), attributes, children, text });
  }
  return elements;
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

export function xsiType(element: XmlElement): string | undefined {
  return element.attributes['xsi:type'];
}
