// call_service over the live connection, with a deadline, and Home Assistant's errors turned into HaErrors whose
// message a person can act on.
import { haws, type HawsConnection } from './haws';
import { HaError, type CallServiceResult, type ServiceTarget } from './types';

interface HaErrorPayload {
  code?: unknown;
  message?: unknown;
}

export interface ServiceCall {
  domain: string;
  service: string;
  data?: Record<string, unknown>;
  target?: ServiceTarget;
  returnResponse?: boolean;
}

/** The error for a call made while there is no connection; `why` is the connection's state ("stopped", ...). */
export function notConnectedError(why: string): HaError {
  return new HaError('not_connected', `not connected to Home Assistant (${why})`);
}

/** Calls the service; fails with HaError 'timeout' when Home Assistant does not answer within `timeoutMs`. */
export async function callService(conn: HawsConnection, call: ServiceCall, timeoutMs: number): Promise<CallServiceResult> {
  const { domain, service } = call;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HaError('timeout', `Home Assistant did not answer ${domain}.${service} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([
      haws.callService(conn, domain, service, call.data, call.target, call.returnResponse || undefined) as Promise<CallServiceResult>,
      timeout,
    ]);
    return result;
  } catch (err) {
    throw serviceError(err, domain, service);
  } finally {
    clearTimeout(timer);
  }
}

/** Home Assistant's answer to a failed call, as an HaError naming the service and the reason. */
export function serviceError(err: unknown, domain: string, service: string): HaError {
  if (err instanceof HaError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { code: err }) as HaErrorPayload;
  const message = typeof e.message === 'string' ? e.message.replace(/\.$/, '') : '';
  if (e.code === haws.ERR_CONNECTION_LOST || message === 'Connection lost') {
    return new HaError('connection_lost', `lost the connection to Home Assistant during ${domain}.${service}; it may or may not have run`);
  }
  const code = typeof e.code === 'string' ? e.code : 'unknown_error';
  if (code === 'not_found' && /^Service /.test(message)) return new HaError(code, message);
  return new HaError(code, `Home Assistant rejected ${domain}.${service}: ${message || code}`);
}
