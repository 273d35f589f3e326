// The door to the flow editor: /flows/ (editor and admin API) and its WebSocket for administrators only, /endpoint/
// for flows' own HTTP-in nodes. The butler authenticates; Node-RED learns who through a header only the gate can sign.
// While Node-RED is still starting, the editor's page says so and reloads itself instead of a bare 503.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AuthOptions, type Identity, identify, TOKEN_COOKIE } from '../server/auth';
import type { HttpHost } from '../server/http';

export const ADMIN_ROOT = '/flows';
export const NODE_ROOT = '/endpoint';
/** Header the gate sets (and strips from clients) to tell Node-RED who the butler authenticated. */
export const USER_HEADER = 'x-butler-editor-user';

export const STARTING_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">' +
  '<title>Smart Butler · flows</title><style>body{font:16px system-ui,sans-serif;margin:3em;color:#333}</style></head>' +
  '<body><h1>The flows are starting…</h1><p>This page reloads itself in a moment.</p></body></html>';

export interface EditorGate {
  /** Node-RED's adminAuth.tokens: the signed user header → the user. */
  tokens(token: string): Promise<{ username: string; permissions: string } | null>;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

function denied(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
  res.end(
    JSON.stringify({
      error: 'unauthorized: the flow editor is for administrators; open it from the Home Assistant sidebar or with ?token=<API token>',
    }),
  );
}

export interface NodeRedHttp {
  httpAdmin: (req: IncomingMessage, res: ServerResponse) => void;
  httpNode: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Mounts the editor and the flow endpoints on the butler's HTTP host. `red()` is null until Node-RED is initialised;
 * `starting()` is true until it has started.
 */
export function mountEditor(
  http: Pick<HttpHost, 'mount' | 'onUpgrade'>,
  auth: AuthOptions,
  relay: EventEmitter,
  red: () => NodeRedHttp | null,
  starting: () => boolean,
): EditorGate {
  const sessionSecret = randomBytes(24).toString('hex');
  const gate = (req: IncomingMessage): Identity | null => {
    delete req.headers[USER_HEADER];
    const who = identify(req, auth);
    if (!who?.admin) return null;
    req.headers[USER_HEADER] = `${sessionSecret}:${encodeURIComponent(who.user)}`;
    return who;
  };
  const unavailable = (res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'flows are off: Node-RED did not start (see /api/health)' }));
  };

  http.mount(ADMIN_ROOT, (req, res) => {
    const path = pathOf(req.url);
    const who = gate(req);
    if (!who) return denied(res);
    // ?token= once: keep it in the same cookie the panel uses, so the editor's own requests carry it.
    if (who.via === 'token' && /[?&]token=/.test(req.url ?? '') && !req.headers.authorization) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(auth.token)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (path === ADMIN_ROOT) {
      // Relative, so it works under the ingress prefix too.
      res.writeHead(302, { location: 'flows/' });
      return res.end();
    }
    if (starting() && path === `${ADMIN_ROOT}/` && req.method === 'GET') {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '1', 'cache-control': 'no-store' });
      return res.end(STARTING_PAGE);
    }
    const r = red();
    if (!r) return unavailable(res);
    req.url = (req.url ?? '/').slice(ADMIN_ROOT.length) || '/';
    r.httpAdmin(req, res);
  });
  http.mount(NODE_ROOT, (req, res) => {
    const r = red();
    if (!r) return unavailable(res);
    req.url = (req.url ?? '/').slice(NODE_ROOT.length) || '/';
    r.httpNode(req, res);
  });
  http.onUpgrade(`${ADMIN_ROOT}/comms`, (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!gate(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    relay.emit('upgrade', req, socket, head);
  });
  http.onUpgrade(NODE_ROOT, (req: IncomingMessage, socket: Duplex, head: Buffer) => relay.emit('upgrade', req, socket, head));

  return {
    async tokens(token: string) {
      const colon = token.indexOf(':');
      if (colon === -1) return null;
      const a = Buffer.from(token.slice(0, colon));
      const b = Buffer.from(sessionSecret);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
      return { username: decodeURIComponent(token.slice(colon + 1)), permissions: '*' };
    },
  };
}
