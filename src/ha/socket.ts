// One attempt at opening an authenticated Home Assistant WebSocket with the `ws` package (Node 20 has no global
// WebSocket). "Open" is not "ready": through the Supervisor proxy a socket may open while Home Assistant is still
// down, so only auth_ok counts, and an attempt that does not reach it in time is abandoned.
import WebSocket from 'ws';
import type { HawsSocket } from './haws';

export type SocketFailureKind = 'auth_invalid' | 'timeout' | 'closed' | 'error' | 'aborted';

export class SocketFailure extends Error {
  constructor(
    public readonly kind: SocketFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SocketFailure';
  }
}

export interface OpenSocketOptions {
  url: string;
  token: string;
  /** Give up when auth_ok has not arrived this long after starting (covers connect + auth). */
  timeoutMs: number;
  /** Aborting closes the attempt at once (used by stop()). */
  signal?: AbortSignal;
}

/** Resolve with a socket that has received auth_ok (and has sent supported_features), ready for the library's Connection. */
export function openHaSocket(opts: OpenSocketOptions): Promise<HawsSocket> {
  return new Promise<HawsSocket>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new SocketFailure('aborted', 'stopped'));
      return;
    }
    let settled = false;
    let authRequiredSeen = false;
    let opened = false;
    const ws = new WebSocket(opts.url, { handshakeTimeout: opts.timeoutMs, maxPayload: 64 * 1024 * 1024 });
    const fail = (kind: SocketFailureKind, message: string): void => {
      if (settled) return;
      settled = true;
      cleanup();
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(new SocketFailure(kind, message));
    };
    const timer = setTimeout(() => {
      fail(
        'timeout',
        !opened
          ? `no WebSocket connection within ${opts.timeoutMs} ms`
          : authRequiredSeen
            ? `no answer to auth within ${opts.timeoutMs} ms`
            : `the socket opened but Home Assistant did not answer within ${opts.timeoutMs} ms (still starting?)`,
      );
    }, opts.timeoutMs);
    const onAbort = (): void => fail('aborted', 'stopped');
    opts.signal?.addEventListener('abort', onAbort);
    const cleanup = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    ws.on('open', () => {
      opened = true;
      // Auth is mandatory, so send it at once, as the JS client does.
      ws.send(JSON.stringify({ type: 'auth', access_token: opts.token }));
    });
    ws.on('message', (data, isBinary) => {
      if (settled) return;
      let msg: { type?: unknown; ha_version?: unknown; message?: unknown };
      try {
        msg = JSON.parse(isBinary ? '' : data.toString()) as typeof msg;
      } catch {
        fail('error', 'Home Assistant sent something that is not JSON during authentication');
        return;
      }
      if (msg.type === 'auth_required') authRequiredSeen = true;
      else if (msg.type === 'auth_invalid') {
        fail('auth_invalid', `Home Assistant rejected the access token: ${typeof msg.message === 'string' ? msg.message : 'auth_invalid'}`);
      } else if (msg.type === 'auth_ok') {
        settled = true;
        cleanup();
        ws.removeAllListeners();
        const sock = ws as unknown as HawsSocket & { haVersion: string };
        sock.haVersion = typeof msg.ha_version === 'string' ? msg.ha_version : '0.0.0';
        // Id 1 is reserved for this by the library; coalescing lets HA batch messages into arrays.
        ws.send(JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }));
        // The library attaches its own listeners; until then an error must not crash the process.
        ws.on('error', () => undefined);
        resolve(sock);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      fail('error', `Home Assistant answered HTTP ${res.statusCode} instead of a WebSocket`);
    });
    ws.on('error', (err: Error & { code?: string }) => fail('error', err.code ? `${err.code} ${err.message}` : err.message));
    ws.on('close', (code) => fail('closed', `the socket closed during authentication (code ${code})`));
  });
}
