/**
 * The vim25 SOAP transport and session, over undici's request() on one keep-alive Agent
 * (TLS settings, at most `MAX_CONNECTIONS` sockets).
 *
 * Why not node-vsphere-soap: a 2015 alpha that fetches the WSDL from the server (many do not
 * serve it) and weakens TLS. This client needs no WSDL (types.ts holds the schema of what
 * vdibench sends and reads): it posts a method's request, keeps the session cookie
 * (`vmware_soap_session`) on a keep-alive agent, and turns SOAP faults into VimFault with
 * the fault's type. The methods themselves, typed, are in methods.ts.
 *
 * A vCenter has bad moments (a restart of its services, a stall, a proxy answering 503, a
 * session that expired or was terminated): one call survives them. An expired session is
 * opened again (one Login for all the calls that found it expired) and the call repeated;
 * a transient failure is retried with backoff (0.5 s doubling, at most 8 s apart) for at
 * most `retryBudgetMs` (60 s by default) from the call's first try, then thrown. Retrying
 * must not do a thing twice: a failure where the request may have reached the server (a
 * reset or a timeout after sending) is retried only for methods that change nothing
 * (reads); a method that starts a task is retried only when the request surely was not
 * processed (no connection, 503).
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'undici';
import { encodeRequest } from './encoding.js';
import {
  VimCaFileError,
  VimConnectionError,
  VimFault,
  VimLoginError,
  VimProtocolError,
  VimSessionRenewed,
  VimTlsError,
  VimUrlError,
} from './errors.js';
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
  /** How long one call keeps retrying transient failures, from its first try (default 60 s). */
  retryBudgetMs?: number;
  /** Once aborted, a call waiting to retry gives up at once (Ctrl-C); calls still go out. */
  stopSignal?: AbortSignal;
}

const REQUEST_TIMEOUT_MS = 120_000;
/** Sockets to vCenter at most (one session over all of them); more calls than this wait for a free one. */
const MAX_CONNECTIONS = 32;
/** Logout at the end of a run must not hold the exit for long when vCenter is stalled. */
const LOGOUT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_BUDGET_MS = 60_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A call finding its session gone this many times in a row fails (the server keeps refusing it). */
const MAX_SESSION_RENEWALS = 3;

/** Failures where the request never reached the server: safe to repeat for any method. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Failures where it may have: repeated only for methods that change nothing. */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT', 'TimeoutError', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Statuses of a vCenter (or its reverse proxy) that did not process the request. */
const UNAVAILABLE_STATUSES = new Set([502, 503]);
/** Methods whose state lives in the session: after a new Login they are not repeated (VimSessionRenewed). */
const SESSION_BOUND_METHODS = new Set<MethodName>(['WaitForUpdatesEx']);

/** Whether repeating `method` could do something twice (every *_Task method starts work). */
function changesState(method: MethodName): boolean {
  return method.endsWith('_Task');
}

/** Whether a failure of `method` is worth another try. */
function transient(error: unknown, method: MethodName): boolean {
  if (error instanceof VimConnectionError) return NOT_SENT_CODES.has(error.code) || (MAYBE_SENT_CODES.has(error.code) && !changesState(method));
  if (error instanceof VimProtocolError) return UNAVAILABLE_STATUSES.has(error.status) || (error.status === 504 && !changesState(method));
  return false;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The SOAP endpoint of a vCenter URL (`/sdk` when no path is given). */
function sdkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new VimUrlError(raw, 'not-a-url');
  }
  if (url.username || url.password) throw new VimUrlError(raw, 'credentials-in-url');
  // The password goes in the Login request: never over plain http.
  if (url.protocol !== 'https:') throw new VimUrlError(raw, 'not-https');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
  return url.toString();
}

export class VimClient {
  readonly endpoint: string;
  private readonly agent: Agent;
  private cookie: string | undefined;
  private content: ServiceContent | undefined;
  private epoch = 0;
  private renewing: Promise<void> | undefined;
  private readonly calls = new Map<MethodName, number>();

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
      connections: MAX_CONNECTIONS,
    });
  }

  /** SOAP requests sent so far, per method (every try counts): how many calls a run costs (docs/VSPHERE.md). */
  get callCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  private count(method: MethodName): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  /** Counts the logins: it changes whenever a new session replaces the last (session-bound state must be rebuilt). */
  get sessionEpoch(): number {
    return this.epoch;
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
      this.epoch++;
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

  /**
   * Logout, and close the connections. Never throws: the session ends with the connection
   * anyway. The connections are destroyed, not drained: a stalled vCenter must not hold
   * the end of a run.
   */
  async logout(): Promise<void> {
    if (this.content && this.cookie) {
      try {
        await logout(this, this.sessionManager());
      } catch {
        // the session ends with the connection anyway
      }
    }
    this.cookie = undefined;
    await this.agent.destroy().catch(() => undefined);
  }

  /**
   * Send a method's request (see methods.ts); the response element (`<Method>Response`).
   * Opens a new session when the last one expired, and retries transient failures within
   * the retry budget (see the file comment).
   */
  async invoke(method: MethodName, request: object): Promise<XmlElement> {
    if (method === 'Logout') return this.post(method, request, LOGOUT_TIMEOUT_MS);
    const startedMs = Date.now();
    const budgetMs = this.connection.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS;
    let renewals = 0;
    for (let attempt = 1; ; attempt++) {
      const epoch = this.epoch;
      try {
        return await this.post(method, request, REQUEST_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof VimFault && error.faultType === 'NotAuthenticated' && this.content && method !== 'Login' && renewals < MAX_SESSION_RENEWALS) {
          renewals++;
          await this.renewSession(epoch);
          if (SESSION_BOUND_METHODS.has(method)) throw new VimSessionRenewed(method);
          continue;
        }
        if (!transient(error, method)) throw error;
        const elapsedMs = Date.now() - startedMs;
        const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
        const stop = this.connection.stopSignal;
        if (elapsedMs + backoffMs > budgetMs || stop?.aborted) throw withAttempts(error, attempt, elapsedMs);
        await pause(backoffMs, stop);
        if (stop?.aborted) throw withAttempts(error, attempt, Date.now() - startedMs);
      }
    }
  }

  /**
   * A new Login, once for every call that found the session of `epochSeen` gone: calls
   * failing together wait for the same Login; one that failed after it just retries.
   */
  private async renewSession(epochSeen: number): Promise<void> {
    if (this.epoch !== epochSeen) return;
    this.renewing ??= (async () => {
      try {
        this.cookie = undefined;
        await this.login();
      } finally {
        this.renewing = undefined;
      }
    })();
    await this.renewing;
  }

  private async post(method: MethodName, request: object, timeoutMs: number): Promise<XmlElement> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `urn:vim25/${this.content?.about.apiVersion ?? '6.5'}`,
    };
    if (this.cookie) headers.cookie = this.cookie;
    this.count(method);
    let status: number;
    let text: string;
    try {
      // undici's request(), not fetch(): no web streams or abort signal per call (fetch cost
      // more CPU than the XML on both ends, see docs/VSPHERE.md "Performance").
      const response = await httpRequest(this.endpoint, {
        method: 'POST', headers, body: envelope(encodeRequest(method, request)), dispatcher: this.agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      const setCookie = response.headers['set-cookie'];
      const session = setCookie ? /vmware_soap_session=("[^"]*"|[^;]*)/.exec(Array.isArray(setCookie) ? setCookie.join('; ') : setCookie) : null;
      if (session) this.cookie = `vmware_soap_session=${session[1]}`;
      // An error while the answer comes in is the connection breaking (or timing out).
      text = await response.body.text();
    } catch (error) {
      throw connectionError(this.endpoint, error, this.connection.caFile);
    }
    let roots: XmlElement[];
    try {
      roots = parseXml(text);
    } catch {
      throw new VimProtocolError(this.endpoint, status, 'not-soap');
    }
    const soapBody = childrenNamed(roots.find((root) => root.name === 'Envelope'), 'Body')[0];
    if (!soapBody) throw new VimProtocolError(this.endpoint, status, 'no-soap-body');
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

/** undici's timeouts of a request that got no (complete) answer in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function connectionError(endpoint: string, error: unknown, caFile: string | undefined): VimConnectionError | VimTlsError {
  const failure = error as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  const raw = failure?.code ?? failure?.cause?.code ?? failure?.name ?? 'error';
  const code = TIMEOUT_CODES.has(raw) ? 'TimeoutError' : raw;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return new VimTlsError(endpoint, code, caFile);
  return new VimConnectionError(endpoint, code);
}

/** The last failure of a call that gave up, saying how long it tried. */
function withAttempts(error: unknown, attempts: number, elapsedMs: number): unknown {
  return error instanceof VimConnectionError ? new VimConnectionError(error.endpoint, error.code, attempts, elapsedMs) : error;
}
