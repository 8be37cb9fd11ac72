/**
 * vim25's own errors. This layer knows nothing of the application using it (no flag, no
 * environment variable, no exit code): each error carries what happened and the facts a
 * caller needs to word its own message (the driver translates them: ../errors.ts).
 */

/** Base of every error this layer throws on purpose. */
export class VimError extends Error {
  override readonly name: string = 'VimError';
}

/** A fault the server returned (a SOAP fault, or a task's error): `faultType` is its vim25 type, e.g. InvalidPowerState. */
export class VimFault extends VimError {
  override readonly name = 'VimFault';
  constructor(readonly faultType: string, message: string) {
    super(message);
  }
}

/**
 * The endpoint URL cannot be used: not a URL, credentials in it, or not https (a password
 * must never travel in clear). `url` is the URL with anything before an `@` in its
 * authority replaced by `***`: a URL carrying credentials is never repeated as given.
 */
export class VimUrlError extends VimError {
  override readonly name = 'VimUrlError';
  readonly url: string;
  constructor(url: string, readonly problem: 'not-a-url' | 'credentials-in-url' | 'not-https') {
    const shown = redactUrl(url);
    super(`vCenter URL "${shown}": ${problem}`);
    this.url = shown;
  }
}

/** `scheme://user:pass@host/…` → `scheme://***@host/…`, also when the rest does not parse. */
function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  const authorityStart = schemeEnd >= 0 ? schemeEnd + 3 : 0;
  const rest = url.slice(authorityStart);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd >= 0 ? rest.slice(0, authorityEnd) : rest;
  const at = authority.lastIndexOf('@');
  if (at < 0) return url;
  return `${url.slice(0, authorityStart)}***@${rest.slice(at + 1)}`;
}

/** The CA file to trust cannot be read. */
export class VimCaFileError extends VimError {
  override readonly name = 'VimCaFileError';
  constructor(readonly file: string) {
    super(`${file}: cannot read the file`);
  }
}

/**
 * The server's TLS certificate is not trusted (`code` is Node's, e.g.
 * SELF_SIGNED_CERT_IN_CHAIN); `caFile` is the CA file the client was given, if any.
 */
export class VimTlsError extends VimError {
  override readonly name = 'VimTlsError';
  constructor(readonly endpoint: string, readonly code: string, readonly caFile?: string) {
    super(`vCenter at ${endpoint}: its TLS certificate is not trusted (${code})`);
  }
}

/**
 * No answer: the connection failed (`code`, e.g. ECONNREFUSED) or the request timed out.
 * `attempts` calls were made over `elapsedMs` before giving up (the client retries).
 */
export class VimConnectionError extends VimError {
  override readonly name = 'VimConnectionError';
  constructor(readonly endpoint: string, readonly code: string, readonly attempts = 1, readonly elapsedMs = 0) {
    super((code === 'TimeoutError' ? `vCenter at ${endpoint} did not answer in time` : `vCenter at ${endpoint} is unreachable (${code})`)
      + (attempts > 1 ? `, ${attempts} tries over ${Math.round(elapsedMs / 1000)} s` : ''));
  }

  get timedOut(): boolean {
    return this.code === 'TimeoutError';
  }
}

/**
 * The session was lost (NotAuthenticated) and a new one opened for a method whose state
 * lives in the session (WaitForUpdatesEx: its version belongs to the session's
 * PropertyCollector), so the call is not repeated: the caller starts that state afresh.
 */
export class VimSessionRenewed extends VimError {
  override readonly name = 'VimSessionRenewed';
  constructor(readonly method: string) {
    super(`vim25: the session was renewed during ${method}`);
  }
}

/** An answer that is not a SOAP response (wrong endpoint, a proxy's page). */
export class VimProtocolError extends VimError {
  override readonly name = 'VimProtocolError';
  constructor(readonly endpoint: string, readonly status: number, readonly problem: 'not-soap' | 'no-soap-body') {
    super(problem === 'not-soap'
      ? `vCenter at ${endpoint} answered ${status} with something that is not SOAP`
      : `vCenter at ${endpoint} answered ${status} without a SOAP body (is this a vCenter /sdk endpoint?)`);
  }
}

/** Login refused (the server's InvalidLogin fault). */
export class VimLoginError extends VimError {
  override readonly name = 'VimLoginError';
  constructor(readonly endpoint: string, readonly user: string) {
    super(`vCenter at ${endpoint} refused the login of "${user}" (InvalidLogin)`);
  }
}
