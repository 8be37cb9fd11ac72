/**
 * vim25's errors in the application's terms: bad settings are InputError (exit 2), a
 * vCenter that stands in the way is RunError (exit 1), each worded with the flag or
 * variable that fixes it; a vCenter fault on one VM's operation is that VM's
 * OperationError (the run may go on).
 */
import { InputError, RunError } from '../../contract/errors.js';
import { OperationError } from '../types.js';
import { VimClient, type VimConnection } from './vim25/client.js';
import {
  VimCaFileError,
  VimConnectionError,
  VimError,
  VimFault,
  VimLoginError,
  VimProtocolError,
  VimTlsError,
  VimUrlError,
} from './vim25/errors.js';

/** The application's error for a vim25 error; any other error as it is. */
function toAppError(error: unknown): unknown {
  if (!(error instanceof VimError)) return error;
  if (error instanceof VimUrlError) {
    switch (error.problem) {
      // error.url hides any credentials; the message for credentials repeats nothing of the URL.
      case 'not-a-url': return new InputError(`vCenter URL "${error.url}" is not a URL; expected https://vcenter.example.com`);
      case 'credentials-in-url': return new InputError('the vCenter URL carries credentials: put them in VSPHERE_USER / VSPHERE_PASSWORD, never in the URL');
      case 'not-https': return new InputError(`vCenter URL "${error.url}": TLS is required (the password would travel in clear over http); use https://`);
    }
  }
  if (error instanceof VimCaFileError) return new InputError(`--ca ${error.file}: cannot read the file`);
  if (error instanceof VimTlsError) {
    return new RunError(error.message, error.caFile
      ? `the CA in --ca ${error.caFile} does not sign this certificate: pass the CA (or certificate) vCenter's certificate chains to`
      : 'pass --ca FILE with the CA or certificate to trust, or --insecure for a lab');
  }
  if (error instanceof VimConnectionError) return error.timedOut ? new RunError(error.message) : new RunError(error.message, 'check VSPHERE_URL and that the vCenter is up');
  if (error instanceof VimLoginError) return new RunError(error.message, 'check VSPHERE_USER and VSPHERE_PASSWORD');
  if (error instanceof VimProtocolError) return new RunError(error.message);
  if (error instanceof VimFault) return new RunError(`vCenter: ${error.faultType}: ${error.message}`);
  return new RunError(error.message);
}

/** A client for the settings (not connected yet); bad settings (URL, CA file) are InputErrors. */
export function vimClient(settings: VimConnection): VimClient {
  try {
    return new VimClient(settings);
  } catch (error) {
    throw toAppError(error);
  }
}

/** Run `action`, throwing the application's error for a vim25 error. */
export async function translated<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toAppError(error);
  }
}

/** Faults about the session, not the VM: the run cannot go on (the client already opened a new session and retried). */
const SESSION_FAULTS = new Set(['NotAuthenticated', 'InvalidLogin', 'NoPermission']);

/** As translated(), a vCenter fault being the failure of the VM `vmName` only. */
export async function onVm<T>(vmName: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof VimFault && !SESSION_FAULTS.has(error.faultType)) throw new OperationError(`${vmName}: ${error.faultType}: ${error.message}`, vmName);
    throw toAppError(error);
  }
}
