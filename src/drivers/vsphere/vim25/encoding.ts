/**
 * Typed values to XML and back, driven by the schema in types.ts: a request is written
 * field by field in the schema's (WSDL) order, a subtype value (`_type`) with its
 * `xsi:type`; a response element is read into the declared type, a polymorphic value by
 * its `xsi:type`.
 */
import { dataType, requestType, type FieldSchema, type MethodName } from './types.js';
import { childrenNamed, escapeXml, MoRef, writeElement, xmlElement, xsiType, type XmlElement } from './xml.js';

/** The body element of a request: `<Method xmlns="urn:vim25">…</Method>`. */
export function encodeRequest(method: MethodName, request: object): string {
  return xmlElement(method, encodeFields(requestType(method), request), { xmlns: 'urn:vim25' });
}

function encodeFields(fields: FieldSchema[], value: object): string {
  const values = value as Record<string, unknown>;
  return fields.map((field) => {
    const fieldValue = values[field.name];
    if (fieldValue === undefined || fieldValue === null) return '';
    const items = field.array ? asList(fieldValue) : [fieldValue];
    return items.map((item) => encodeValue(field.name, field.type, item)).join('');
  }).join('');
}

function encodeValue(name: string, type: string, value: unknown): string {
  switch (type) {
    case 'ManagedObjectReference': {
      const ref = value as MoRef;
      return xmlElement(name, escapeXml(ref.value), { type: ref.type });
    }
    case 'xml':
      return writeElement(name, value as XmlElement);
    case 'string': case 'dateTime': case 'int': case 'long': case 'boolean':
      return xmlElement(name, escapeXml(String(value)));
    case 'anyType':
      // The only values vdibench sends as anyType are strings (an OptionValue's value).
      if (typeof value !== 'string') throw new Error(`vim25: cannot write a ${typeof value} as anyType`);
      return xmlElement(name, escapeXml(value), { 'xsi:type': 'xsd:string' });
    default: {
      const subtype = (value as { _type?: string })._type;
      const fields = dataType(subtype ?? type);
      if (!fields) throw new Error(`vim25: no schema for ${subtype ?? type}`);
      return xmlElement(name, encodeFields(fields, value as object), subtype && subtype !== type ? { 'xsi:type': subtype } : {});
    }
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The `returnval` of a response read as `type` (undefined when there is none). */
export function decodeReturn<T>(response: XmlElement, type: string): T | undefined {
  const [returnval] = childrenNamed(response, 'returnval');
  return returnval ? decodeValue(returnval, type) as T : undefined;
}

/** Every `returnval` of a response read as `type` (methods that return an array). */
export function decodeReturns<T>(response: XmlElement, type: string): T[] {
  return childrenNamed(response, 'returnval').map((element) => decodeValue(element, type) as T);
}

const XSD_SCALARS: Record<string, string> = {
  'xsd:string': 'string', 'xsd:int': 'int', 'xsd:long': 'long', 'xsd:short': 'int', 'xsd:byte': 'int',
  'xsd:double': 'int', 'xsd:float': 'int', 'xsd:boolean': 'boolean', 'xsd:dateTime': 'dateTime',
};

function decodeValue(element: XmlElement, type: string): unknown {
  switch (type) {
    case 'ManagedObjectReference':
      return new MoRef(element.attributes.type ?? '', element.text);
    case 'xml':
      return element;
    case 'string': case 'dateTime':
      return element.text;
    case 'int': case 'long':
      return Number(element.text);
    case 'boolean':
      return element.text === 'true' || element.text === '1';
    case 'anyType':
      return decodeAny(element);
    default: {
      const actual = xsiType(element);
      const fields = (actual && dataType(actual)) || dataType(type);
      if (!fields) return element;
      const result: Record<string, unknown> = actual && actual !== type ? { _type: actual } : {};
      for (const field of fields) {
        const children = childrenNamed(element, field.name);
        if (children.length === 0) continue;
        const values = children.map((child) => decodeValue(child, field.type));
        result[field.name] = field.array ? values : values[0];
      }
      return result;
    }
  }
}

/** An `anyType` value (a property's `val`, a task's result) by its `xsi:type`. */
function decodeAny(element: XmlElement): unknown {
  const type = xsiType(element) ?? 'xsd:string';
  const scalar = XSD_SCALARS[type];
  if (scalar) return decodeValue(element, scalar);
  if (type === 'ManagedObjectReference') return decodeValue(element, type);
  const arrayOf = /^ArrayOf(.+)$/.exec(type)?.[1];
  if (arrayOf) {
    const itemType = arrayOf === 'String' ? 'string' : arrayOf === 'Int' ? 'int' : arrayOf === 'Long' ? 'long' : arrayOf === 'Boolean' ? 'boolean' : arrayOf;
    return element.children.map((child) => decodeValue(child, itemType));
  }
  if (dataType(type)) return decodeValue(element, type);
  // A type the schema lacks: an enum (TaskInfoState, VirtualMachinePowerState…) is its text; a data object stays as parsed.
  return element.children.length === 0 ? element.text : element;
}
