/**
 * vim25's XML layer without a vCenter: requests written in the schema's (WSDL) order,
 * responses read back into typed values by their declared type or `xsi:type`, and typed
 * values round-tripped through encode → parse → decode. The vcsim suite
 * (test/drivers/vsphere/) checks the same layer against govmomi's simulator.
 */
import { describe, expect, it } from 'vitest';
import { decodeReturn, decodeReturns, encodeRequest } from '../../../../src/drivers/vsphere/vim25/encoding.js';
import type { PropertyFilterSpec, VirtualMachineCloneSpec } from '../../../../src/drivers/vsphere/vim25/types.js';
import { childrenNamed, envelope, escapeXml, MoRef, parseXml, writeElement, xmlElement, xsiType, type XmlElement } from '../../../../src/drivers/vsphere/vim25/xml.js';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
/** A response element holding `body` (returnval elements), as the client gets it out of the envelope. */
const response = (body: string): XmlElement => parseXml(`<RetrievePropertiesExResponse xmlns="urn:vim25" ${XSI}>${body}</RetrievePropertiesExResponse>`)[0]!;

/** Encode `value` as the field `field` of `method`'s request, then read that element back as `type`. */
function roundTrip<T>(method: Parameters<typeof encodeRequest>[0], field: string, value: unknown, type: string): T {
  const request = parseXml(encodeRequest(method, { _this: new MoRef('PropertyCollector', 'propertyCollector'), [field]: value }))[0]!;
  const [element] = childrenNamed(request, field);
  return decodeReturn<T>(response(writeElement('returnval', element!)), type)!;
}

describe('encodeRequest', () => {
  it('writes fields in schema order whatever the object\'s order, a subtype with its xsi:type, repeated elements for arrays', () => {
    const spec: PropertyFilterSpec = {
      objectSet: [{
        selectSet: [
          { _type: 'TraversalSpec', selectSet: [{ name: 'folders' }], skip: false, path: 'childEntity', type: 'Folder', name: 'folders' },
          { name: 'dc' },
        ],
        skip: true,
        obj: new MoRef('Folder', 'group-d1'),
      }],
      propSet: [{ pathSet: ['name', 'runtime.powerState'], type: 'VirtualMachine' }, { all: true, type: 'HostSystem' }],
    };
    expect(encodeRequest('RetrievePropertiesEx', { options: { maxObjects: 100 }, specSet: [spec], _this: new MoRef('PropertyCollector', 'propertyCollector') })).toBe(
      '<RetrievePropertiesEx xmlns="urn:vim25">'
      + '<_this type="PropertyCollector">propertyCollector</_this>'
      + '<specSet>'
      + '<propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>runtime.powerState</pathSet></propSet>'
      + '<propSet><type>HostSystem</type><all>true</all></propSet>'
      + '<objectSet><obj type="Folder">group-d1</obj><skip>true</skip>'
      + '<selectSet xsi:type="TraversalSpec"><name>folders</name><type>Folder</type><path>childEntity</path><skip>false</skip><selectSet><name>folders</name></selectSet></selectSet>'
      + '<selectSet><name>dc</name></selectSet>'
      + '</objectSet>'
      + '</specSet>'
      + '<options><maxObjects>100</maxObjects></options>'
      + '</RetrievePropertiesEx>',
    );
  });

  it('leaves out undefined and null fields, escapes text and attributes, wraps a single value given for an array field', () => {
    expect(encodeRequest('CreateContainerView', { _this: new MoRef('ViewManager', 'a&b'), container: null, type: 'Virtual<Machine>', recursive: undefined })).toBe(
      '<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">a&amp;b</_this><type>Virtual&lt;Machine&gt;</type></CreateContainerView>',
    );
    expect(encodeRequest('Login', { _this: new MoRef('SessionManager', 'SessionManager'), userName: 'o\'neil "admin"', password: '<&>' })).toBe(
      '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>o&apos;neil &quot;admin&quot;</userName><password>&lt;&amp;&gt;</password></Login>',
    );
    expect(encodeRequest('CreateSnapshot_Task', { _this: new MoRef('VirtualMachine', 'vm-1'), name: 's', memory: false, quiesce: 0 })).toBe(
      '<CreateSnapshot_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this><name>s</name><memory>false</memory><quiesce>0</quiesce></CreateSnapshot_Task>',
    );
  });

  it('writes an anyType string with xsi:type xsd:string, refuses any other anyType, and a type without a schema', () => {
    const spec: VirtualMachineCloneSpec = {
      location: { datastore: new MoRef('Datastore', 'ds-1'), diskMoveType: 'createNewChildDiskBacking', host: new MoRef('HostSystem', 'host-9') },
      config: { extraConfig: [{ key: 'vdibench.run', value: 'r<1>' }] },
      powerOn: false, template: false,
    };
    expect(encodeRequest('CloneVM_Task', { _this: new MoRef('VirtualMachine', 'vm-1'), folder: new MoRef('Folder', 'f'), name: 'd1', spec })).toBe(
      '<CloneVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this><folder type="Folder">f</folder><name>d1</name>'
      + '<spec><location><datastore type="Datastore">ds-1</datastore><diskMoveType>createNewChildDiskBacking</diskMoveType><host type="HostSystem">host-9</host></location>'
      + '<template>false</template><config><extraConfig><key>vdibench.run</key><value xsi:type="xsd:string">r&lt;1&gt;</value></extraConfig></config>'
      + '<powerOn>false</powerOn></spec></CloneVM_Task>',
    );
    expect(() => encodeRequest('InstantClone_Task', { _this: new MoRef('VirtualMachine', 'vm-1'), spec: { name: 'x', config: [{ key: 'k', value: 42 }] } }))
      .toThrow('vim25: cannot write a number as anyType');
    expect(() => encodeRequest('InstantClone_Task', { _this: new MoRef('VirtualMachine', 'vm-1'), spec: { name: 'x', location: { _type: 'NoSuchSpec' } } }))
      .toThrow('vim25: no schema for NoSuchSpec');
  });

  it('a value whose _type is the declared type gets no xsi:type', () => {
    expect(encodeRequest('RetrievePropertiesEx', { _this: new MoRef('PropertyCollector', 'pc'), specSet: [{ propSet: [], objectSet: [{ obj: new MoRef('Folder', 'f'), selectSet: [{ _type: 'SelectionSpec', name: 's' }] }] }] }))
      .toBe('<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">pc</_this><specSet><objectSet><obj type="Folder">f</obj><selectSet><name>s</name></selectSet></objectSet></specSet></RetrievePropertiesEx>');
  });

  it('writes an xml field (a customization spec) back as it was parsed, under the field\'s name', () => {
    const [spec] = parseXml(`<spec ${XSI}><identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationVirtualMachineName"></hostName><domain>lab &amp; co</domain></identity></spec>`);
    expect(encodeRequest('CustomizeVM_Task', { _this: new MoRef('VirtualMachine', 'vm-1'), spec })).toBe(
      '<CustomizeVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this>'
      + '<spec><identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationVirtualMachineName"></hostName><domain>lab &amp; co</domain></identity></spec>'
      + '</CustomizeVM_Task>',
    );
  });
});

describe('round trip: encode, parse, decode', () => {
  it('a property filter spec comes back equal, its TraversalSpec typed by _type', () => {
    const spec = {
      propSet: [{ type: 'VirtualMachine', all: false, pathSet: ['name', 'config.extraConfig["vdibench.run"]'] }],
      objectSet: [{ obj: new MoRef('ContainerView', 'session[1]view-7'), skip: true, selectSet: [{ _type: 'TraversalSpec', name: 't', type: 'ContainerView', path: 'view', skip: false, selectSet: [{ name: 't' }] }] }],
    };
    expect(roundTrip('CreateFilter', 'spec', spec, 'PropertyFilterSpec')).toEqual(spec);
  });

  it('a perf query spec: numbers, dates, arrays of data objects, text with spaces kept', () => {
    const querySpec = { entity: new MoRef('HostSystem', 'host-1'), startTime: '2026-11-26T10:00:00.000Z', maxSample: 3, metricId: [{ counterId: 2, instance: ' ' }, { counterId: 65, instance: '' }], intervalId: 20, format: 'normal' };
    expect(roundTrip('QueryPerf', 'querySpec', [querySpec], 'PerfQuerySpec')).toEqual(querySpec);
  });

  it('a clone spec with an OptionValue: an anyType string comes back a string', () => {
    const spec = { location: { diskMoveType: 'moveAllDiskBackingsAndDisallowSharing', pool: new MoRef('ResourcePool', 'resgroup-8') }, template: true, config: { annotation: 'a <note> & "more"', extraConfig: [{ key: 'k', value: '  v  ' }] }, powerOn: true, snapshot: new MoRef('VirtualMachineSnapshot', 'snapshot-3') };
    expect(roundTrip('CloneVM_Task', 'spec', spec, 'VirtualMachineCloneSpec')).toEqual(spec);
  });
});

describe('decoding responses', () => {
  it('reads property values by their xsi:type, whatever prefix the server bound XMLSchema-instance to', () => {
    const props = (vals: string) => `<returnval><obj type="VirtualMachine">vm-42</obj>${vals}</returnval>`;
    const result = decodeReturn<{ objects: { obj: MoRef; propSet: { name: string; val: unknown }[] }[]; token?: string }>(response(props([
      '<propSet><name>a</name><val xsi:type="xsd:int">-7</val></propSet>',
      '<propSet><name>b</name><val xsi:type="xsd:long">12345678901</val></propSet>',
      '<propSet><name>c</name><val xsi:type="xsd:boolean">true</val></propSet>',
      '<propSet><name>d</name><val xsi:type="xsd:boolean">1</val></propSet>',
      '<propSet><name>e</name><val xsi:type="xsd:boolean">false</val></propSet>',
      '<propSet><name>f</name><val xsi:type="xsd:dateTime">2026-11-26T10:00:00Z</val></propSet>',
      '<propSet><name>g</name><val xsi:type="xsd:string"> padded </val></propSet>',
      '<propSet><name>h</name><val> untyped </val></propSet>',
      '<propSet><name>i</name><val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:short">3</val></propSet>',
      '<propSet><name>j</name><val xsi:type="ManagedObjectReference" type="HostSystem">host-9</val></propSet>',
      '<propSet><name>k</name><val xsi:type="VirtualMachinePowerState">poweredOn</val></propSet>',
      '<propSet><name>l</name><val xsi:type="xsd:double">2.5</val></propSet>',
      '<propSet><name>m</name><val xsi:type="xsd:float">0.25</val></propSet>',
      '<propSet><name>n</name><val xsi:type="xsd:byte">8</val></propSet>',
    ].join('')).replace('<returnval>', '<returnval><objects>').replace('</returnval>', '</objects><token>t-1</token></returnval>')), 'RetrieveResult')!;
    expect(result.token).toBe('t-1');
    expect(result.objects[0]!.obj).toEqual(new MoRef('VirtualMachine', 'vm-42'));
    expect(Object.fromEntries(result.objects[0]!.propSet.map((prop) => [prop.name, prop.val]))).toEqual({
      a: -7, b: 12345678901, c: true, d: true, e: false, f: '2026-11-26T10:00:00Z', g: ' padded ', h: ' untyped ', i: 3,
      j: new MoRef('HostSystem', 'host-9'), k: 'poweredOn', l: 2.5, m: 0.25, n: 8,
    });
  });

  it('reads arrays (ArrayOfString, Int, Long, Boolean, ManagedObjectReference, a data type) and data objects by xsi:type', () => {
    const val = (type: string, inner: string) => `<returnval><name>x</name><val xsi:type="${type}">${inner}</val></returnval>`;
    const read = (type: string, inner: string) => decodeReturn<{ name: string; val: unknown }>(response(val(type, inner)), 'DynamicProperty')!.val;
    expect(read('ArrayOfString', '<string>a</string><string> b </string>')).toEqual(['a', ' b ']);
    expect(read('ArrayOfInt', '<int>1</int><int>-2</int>')).toEqual([1, -2]);
    expect(read('ArrayOfLong', '<long>9007199254740</long>')).toEqual([9007199254740]);
    expect(read('ArrayOfBoolean', '<boolean>true</boolean><boolean>0</boolean>')).toEqual([true, false]);
    expect(read('ArrayOfManagedObjectReference', '<ManagedObjectReference type="Datastore">ds-1</ManagedObjectReference><ManagedObjectReference type="Datastore">ds-2</ManagedObjectReference>'))
      .toEqual([new MoRef('Datastore', 'ds-1'), new MoRef('Datastore', 'ds-2')]);
    expect(read('ArrayOfOptionValue', '<OptionValue><key>k</key><value xsi:type="xsd:string">v</value></OptionValue>')).toEqual([{ key: 'k', value: 'v' }]);
    expect(read('AboutInfo', '<fullName>VMware vCenter Server 7.0</fullName><apiVersion>7.0</apiVersion>')).toEqual({ fullName: 'VMware vCenter Server 7.0', apiVersion: '7.0' });
    // A data object the schema lacks stays as parsed.
    const unknown = read('GuestInfo', '<guestState>running</guestState>') as XmlElement;
    expect(unknown.name).toBe('val');
    expect(childrenNamed(unknown, 'guestState')[0]!.text).toBe('running');
  });

  it('an untyped value is a string: its text, even when it has children', () => {
    expect(decodeReturn<{ val: unknown }>(response('<returnval><name>x</name><val><a>1</a></val></returnval>'), 'DynamicProperty')!.val).toBe('');
  });

  it('a polymorphic field is read by its xsi:type; the declared type gets no _type', () => {
    const fault = decodeReturn<{ fault: unknown; localizedMessage: string }>(response(
      '<returnval><fault xsi:type="MethodFault"></fault><localizedMessage>no</localizedMessage></returnval>'), 'LocalizedMethodFault')!;
    expect(fault).toEqual({ fault: {}, localizedMessage: 'no' });
    const selection = decodeReturn<unknown>(response('<returnval xsi:type="TraversalSpec"><name>n</name><path>p</path><skip>1</skip></returnval>'), 'SelectionSpec');
    expect(selection).toEqual({ _type: 'TraversalSpec', name: 'n', path: 'p', skip: true });
    // An xsi:type the schema does not know: read as the declared type, marked with its real one.
    expect(decodeReturn<unknown>(response('<returnval xsi:type="VmFaultX"><localizedMessage>m</localizedMessage></returnval>'), 'LocalizedMethodFault'))
      .toEqual({ _type: 'VmFaultX', localizedMessage: 'm' });
    // A declared type without a schema: the element itself.
    const raw = decodeReturn<XmlElement>(response('<returnval><a>1</a></returnval>'), 'NoSuchType')!;
    expect(raw.name).toBe('returnval');
    expect(raw.children.map((child) => child.name)).toEqual(['a']);
  });

  it('a single returnval, every returnval, or none', () => {
    const refs = response('<returnval type="Task">task-1</returnval><returnval type="Task">task-2</returnval>');
    expect(decodeReturn(refs, 'ManagedObjectReference')).toEqual(new MoRef('Task', 'task-1'));
    expect(decodeReturns(refs, 'ManagedObjectReference')).toEqual([new MoRef('Task', 'task-1'), new MoRef('Task', 'task-2')]);
    expect(decodeReturn(response(''), 'string')).toBeUndefined();
    expect(decodeReturns(response(''), 'string')).toEqual([]);
    expect(decodeReturns(response('<returnval>3</returnval><returnval>x</returnval>'), 'int')).toEqual([3, NaN]);
    expect(decodeReturn(response('<returnval>vm-1</returnval>'), 'ManagedObjectReference')).toEqual(new MoRef('', 'vm-1'));
    expect(decodeReturn(response('<returnval>yes</returnval>'), 'boolean')).toBe(false);
    const xml = decodeReturn<XmlElement>(response('<returnval><info><name>n</name></info></returnval>'), 'xml')!;
    expect(xml.children[0]!.name).toBe('info');
  });
});

describe('xml.ts', () => {
  it('parses elements in order, drops prefixes, the declaration and xmlns attributes, keeps text exactly', () => {
    const [root] = parseXml('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="s" xmlns="urn:vim25"><soapenv:Body a="1"><x> a &amp; b </x><y/><x>2</x></soapenv:Body></soapenv:Envelope>');
    expect(root!.name).toBe('Envelope');
    expect(root!.attributes).toEqual({});
    expect(root!.text).toBe('');
    const body = root!.children[0]!;
    expect(body).toMatchObject({ name: 'Body', attributes: { a: '1' } });
    expect(body.children.map((child) => [child.name, child.text])).toEqual([['x', ' a & b '], ['y', ''], ['x', '2']]);
    expect(childrenNamed(body, 'x').map((child) => child.text)).toEqual([' a & b ', '2']);
    expect(childrenNamed(undefined, 'x')).toEqual([]);
    expect(xsiType(body)).toBeUndefined();
    expect(parseXml('<a p:type="T" xmlns:p="i" type="VirtualMachine"/>')[0]!.attributes).toEqual({ 'xsi:type': 'T', type: 'VirtualMachine' });
    // Attribute values stay text; an element with children has no text, whatever whitespace lies between them.
    expect(parseXml('<a type="007"/>')[0]!.attributes).toEqual({ type: '007' });
    expect(parseXml('<a>\n  <b>1</b>\n</a>')[0]!.text).toBe('');
  });

  it('escapes the five XML characters; elements and attributes are written escaped; a parsed element is written back as it came', () => {
    expect(escapeXml('a&b<c>d"e\'f&&')).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f&amp;&amp;');
    expect(xmlElement('n', '<raw/>', { k: 'a"b', 'xsi:type': 'T' })).toBe('<n k="a&quot;b" xsi:type="T"><raw/></n>');
    expect(xmlElement('n', '')).toBe('<n></n>');
    const source = `<val ${XSI} xsi:type="ArrayOfString"><string>x &lt; y</string><string> </string></val>`;
    const [element] = parseXml(source);
    expect(writeElement('returnval', element!)).toBe('<returnval xsi:type="ArrayOfString"><string>x &lt; y</string><string> </string></returnval>');
    expect(new MoRef('VirtualMachine', 'vm-1').toString()).toBe('VirtualMachine:vm-1');
  });

  it('wraps a body in a SOAP 1.1 envelope that parses back to it', () => {
    const text = envelope('<Logout xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></Logout>');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>')).toBe(true);
    const [root] = parseXml(text);
    const logout = root!.children[0]!.children[0]!;
    expect(logout.name).toBe('Logout');
    expect(childrenNamed(logout, '_this')[0]).toEqual({ name: '_this', attributes: { type: 'SessionManager' }, children: [], text: 'SessionManager' });
  });
});
