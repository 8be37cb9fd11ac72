/**
 * A small typed vim25 SOAP client over fetch (undici, for TLS settings) and fast-xml-parser.
 *
 * Why not node-vsphere-soap: a 2015 alpha that fetches the WSDL from the server (many do not
 * serve it) and weakens TLS. This client needs no WSDL: it speaks the few methods the
 * driver uses, keeps the session cookie (`vmware_soap_session`) on a keep-alive agent,
 * logs in again when the session expires (NotAuthenticated), and maps SOAP faults to
 * VimFault with the fault's type.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { InputError, RunError } from '../../../errors.js';
import { envelope, moRef, MoRef, parseXml, text, xsiType, type XmlFields, type XmlNode } from './xml.js';

export interface VimConnection {
  /** https://host or https://host/sdk */
  url: string;
  user: string;
  password: string;
  /** Skip certificate verification (lab only). */
  insecure?: boolean;
  /** PEM file of the CA (or self-signed certificate) to trust. */
  caFile?: string;
}

/** A fault the server returned: `faultType` is its vim25 type, e.g. InvalidLogin. */
export class VimFault extends Error {
  override readonly name = 'VimFault';
  constructor(readonly faultType: string, message: string, readonly detail?: XmlNode) {
    super(message);
  }
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  perfManager?: MoRef;
  customizationSpecManager?: MoRef;
  apiVersion: string;
  fullName: string;
}

const SERVICE_INSTANCE = new MoRef('ServiceInstance', 'ServiceInstance');
const REQUEST_TIMEOUT_MS = 120_000;

export function sdkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new InputError(`vCenter URL "${raw}" is not a URL; expected https://vcenter.example.com`);
  }
  if (url.username || url.password) throw new InputError('put the vCenter credentials in VSPHERE_USER / VSPHERE_PASSWORD, not in the URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(`vCenter URL "${raw}": expected https://`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
  return url.toString();
}

export class VimClient {
  readonly endpoint: string;
  private readonly agent: Agent;
  private cookie: string | undefined;
  private content: ServiceContent | undefined;
  /** Requests sent, for the performance benchmark. */
  requests = 0;

  constructor(private readonly connection: VimConnection) {
    this.endpoint = sdkEndpoint(connection.url);
    let ca: string | undefined;
    if (connection.caFile) {
      try {
        ca = readFileSync(connection.caFile, 'utf8');
      } catch {
        throw new InputError(`--ca ${connection.caFile}: cannot read the file`);
      }
    }
    this.agent = new Agent({
      connect: { rejectUnauthorized: !connection.insecure, ...(ca ? { ca } : {}) },
      keepAliveTimeout: 30_000,
      connections: 32,
    });
  }

  get serviceContent(): ServiceContent {
    if (!this.content) throw new Error('vim25: connect() first');
    return this.content;
  }

  /** RetrieveServiceContent, then Login. */
  async connect(): Promise<ServiceContent> {
    const { response } = await this.post('RetrieveServiceContent', SERVICE_INSTANCE, {});
    const node = response.returnval as XmlNode;
    const about = node.about as XmlNode;
    this.content = {
      rootFolder: moRef(node.rootFolder),
      propertyCollector: moRef(node.propertyCollector),
      viewManager: moRef(node.viewManager),
      sessionManager: moRef(node.sessionManager),
      perfManager: node.perfManager ? moRef(node.perfManager) : undefined,
      customizationSpecManager: node.customizationSpecManager ? moRef(node.customizationSpecManager) : undefined,
      apiVersion: text(about.apiVersion),
      fullName: text(about.fullName),
    };
    await this.login();
    return this.content;
  }

  private async login(): Promise<void> {
    try {
      await this.post('Login', this.serviceContent.sessionManager, { userName: this.connection.user, password: this.connection.password });
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'InvalidLogin') {
        throw new RunError(`vCenter at ${this.endpoint} refused the login of "${this.connection.user}" (InvalidLogin)`, 'check VSPHERE_USER and VSPHERE_PASSWORD');
      }
      throw error;
    }
  }

  async logout(): Promise<void> {
    if (!this.content || !this.cookie) return;
    try {
      await this.post('Logout', this.content.sessionManager, {});
    } catch {
      // the session ends with the connection anyway
    }
    this.cookie = undefined;
    await this.agent.close();
  }

  /** Call a method; the response element's children (e.g. `returnval`). Logs in again once if the session expired. */
  async call(method: string, self: MoRef, params: XmlFields = {}): Promise<XmlNode> {
    return (await this.callWithText(method, self, params)).response;
  }

  /** As call(), with the response's XML text too (to pass part of it back verbatim). */
  async callWithText(method: string, self: MoRef, params: XmlFields = {}): Promise<{ response: XmlNode; text: string }> {
    try {
      return await this.post(method, self, params);
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'NotAuthenticated' && this.content) {
        this.cookie = undefined;
        await this.login();
        return this.post(method, self, params);
      }
      throw error;
    }
  }

  private async post(method: string, self: MoRef, params: XmlFields): Promise<{ response: XmlNode; text: string }> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `urn:vim25/${this.content?.apiVersion ?? '6.5'}`,
    };
    if (this.cookie) headers.cookie = this.cookie;
    this.requests++;
    let response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST', headers, body: envelope(method, self, params), dispatcher: this.agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw connectionError(this.endpoint, error);
    }
    const setCookie = response.headers.get('set-cookie');
    const session = setCookie ? /vmware_soap_session=("[^"]*"|[^;]*)/.exec(setCookie) : null;
    if (session) this.cookie = `vmware_soap_session=${session[1]}`;
    const body = await response.text();
    let parsed: XmlNode;
    try {
      parsed = parseXml(body);
    } catch {
      throw new RunError(`vCenter at ${this.endpoint} answered ${response.status} with something that is not SOAP`);
    }
    const soapBody = (parsed.Envelope as XmlNode | undefined)?.Body as XmlNode | undefined;
    if (!soapBody) throw new RunError(`vCenter at ${this.endpoint} answered ${response.status} without a SOAP body (is this a vCenter /sdk endpoint?)`);
    if (soapBody.Fault) throw toFault(soapBody.Fault as XmlNode);
    return { response: (soapBody[`${method}Response`] ?? {}) as XmlNode, text: body };
  }
}

function toFault(fault: XmlNode): VimFault {
  const detail = fault.detail as XmlNode | undefined;
  let faultType = 'SystemError';
  let detailNode: XmlNode | undefined;
  if (detail && typeof detail === 'object') {
    const [name, node] = Object.entries(detail).find(([key]) => !key.startsWith('@_') && key !== '#text') ?? [];
    if (name) {
      detailNode = node as XmlNode;
      faultType = xsiType(node) ?? name.replace(/Fault$/, '');
    }
  }
  return new VimFault(faultType, text(fault.faultstring) || faultType, detailNode);
}

function connectionError(endpoint: string, error: unknown): RunError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { name?: string })?.name ?? 'error';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new RunError(`vCenter at ${endpoint}: its TLS certificate is not trusted (${code})`, 'pass --ca FILE with the CA or certificate to trust, or --insecure for a lab');
  }
  if (code === 'TimeoutError') return new RunError(`vCenter at ${endpoint} did not answer in time`);
  return new RunError(`vCenter at ${endpoint} is unreachable (${code})`, 'check VSPHERE_URL and that the vCenter is up');
}

