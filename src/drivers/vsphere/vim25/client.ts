/**
 * The vim25 SOAP transport and session, over fetch (undici, for TLS settings).
 *
 * Why not node-vsphere-soap: a 2015 alpha that fetches the WSDL from the server (many do not
 * serve it) and weakens TLS. This client needs no WSDL (types.ts holds the schema of what
 * vdibench sends and reads): it posts a method's request, keeps the session cookie
 * (`vmware_soap_session`) on a keep-alive agent, logs in again when the session expires
 * (NotAuthenticated), and turns SOAP faults into VimFault with the fault's type. The
 * methods themselves, typed, are in methods.ts.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { encodeRequest } from './encoding.js';
import { VimCaFileError, VimConnectionError, VimFault, VimLoginError, VimProtocolError, VimTlsError, VimUrlError } from './errors.js';
import { login, logout, retrieveServiceContent } from './methods.js';
import type { MethodName, ServiceContent } from './types.js';
import { childrenNamed, envelope, parseXml, xsiType, type XmlElement } from './xml.js';

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

const REQUEST_TIMEOUT_MS = 120_000;

/** The SOAP endpoint of a vCenter URL (`/sdk` when no path is given). */
function sdkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new VimUrlError(raw, 'not-a-url');
  }
  if (url.username || url.password) throw new VimUrlError(raw, 'credentials-in-url');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new VimUrlError(raw, 'not-https');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
  return url.toString();
}

export class VimClient {
  readonly endpoint: string;
  private readonly agent: Agent;
  private cookie: string | undefined;
  private content: ServiceContent | undefined;

  constructor(private readonly connection: VimConnection) {
    this.endpoint = sdkEndpoint(connection.url);
    let ca: string | undefined;
    if (connection.caFile) {
      try {
        ca = readFileSync(connection.caFile, 'utf8');
      } catch {
        throw new VimCaFileError(connection.caFile);
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
    this.content = await retrieveServiceContent(this);
    await this.login();
    return this.content;
  }

  private async login(): Promise<void> {
    try {
      await login(this, this.sessionManager(), { userName: this.connection.user, password: this.connection.password });
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'InvalidLogin') throw new VimLoginError(this.endpoint, this.connection.user);
      throw error;
    }
  }

  private sessionManager() {
    const manager = this.serviceContent.sessionManager;
    if (!manager) throw new Error('vim25: this endpoint has no SessionManager');
    return manager;
  }

  /** Logout, and close the connections. Never throws: the session ends with the connection anyway. */
  async logout(): Promise<void> {
    if (!this.content || !this.cookie) return;
    try {
      await logout(this, this.sessionManager());
    } catch {
      // the session ends with the connection anyway
    }
    this.cookie = undefined;
    await this.agent.close();
  }

  /**
   * Send a method's request (see methods.ts); the response element (`<Method>Response`).
   * Logs in again once if the session expired.
   */
  async invoke(method: MethodName, request: object): Promise<XmlElement> {
    try {
      return await this.post(method, request);
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'NotAuthenticated' && this.content && method !== 'Login' && method !== 'Logout') {
        this.cookie = undefined;
        await this.login();
        return this.post(method, request);
      }
      throw error;
    }
  }

  private async post(method: MethodName, request: object): Promise<XmlElement> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `urn:vim25/${this.content?.about.apiVersion ?? '6.5'}`,
    };
    if (this.cookie) headers.cookie = this.cookie;
    let response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST', headers, body: envelope(encodeRequest(method, request)), dispatcher: this.agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw connectionError(this.endpoint, error);
    }
    const setCookie = response.headers.get('set-cookie');
    const session = setCookie ? /vmware_soap_session=("[^"]*"|[^;]*)/.exec(setCookie) : null;
    if (session) this.cookie = `vmware_soap_session=${session[1]}`;
    const text = await response.text();
    let roots: XmlElement[];
    try {
      roots = parseXml(text);
    } catch {
      throw new VimProtocolError(this.endpoint, response.status, 'not-soap');
    }
    const soapBody = childrenNamed(roots.find((root) => root.name === 'Envelope'), 'Body')[0];
    if (!soapBody) throw new VimProtocolError(this.endpoint, response.status, 'no-soap-body');
    const [fault] = childrenNamed(soapBody, 'Fault');
    if (fault) throw toFault(fault);
    return childrenNamed(soapBody, `${method}Response`)[0] ?? { name: `${method}Response`, attributes: {}, children: [], text: '' };
  }
}

function toFault(fault: XmlElement): VimFault {
  const [detail] = childrenNamed(fault, 'detail');
  const [node] = detail?.children ?? [];
  const faultType = node ? xsiType(node) ?? node.name.replace(/Fault$/, '') : 'SystemError';
  const message = childrenNamed(fault, 'faultstring')[0]?.text ?? '';
  return new VimFault(faultType, message || faultType);
}

function connectionError(endpoint: string, error: unknown): VimConnectionError | VimTlsError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { name?: string })?.name ?? 'error';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return new VimTlsError(endpoint, code);
  return new VimConnectionError(endpoint, code);
}
