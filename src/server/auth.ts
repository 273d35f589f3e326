// Who is asking. Ingress requests are trusted only from the Supervisor's ingress proxy address, and then the
// user is who X-Remote-User-* says; everything else needs the API token (header, cookie, or ?token= once).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Origin } from '../types';

export const SUPERVISOR_INGRESS_ADDRESS = '172.30.32.2';
export const TOKEN_COOKIE = 'butler_token';

export interface Identity {
  user: string;
  display_name: string;
  via: 'token' | 'ingress';
  admin: boolean;
}

export interface AuthOptions {
  token: string;
  /** Addresses whose X-Remote-User-* headers are believed (the Supervisor's ingress proxy). */
  ingressProxies: string[];
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function normalizeAddress(addr: string | undefined): string {
  return (addr ?? '').replace(/^::ffff:/, '');
}

/** The token a request presents, wherever it carries it. */
export function presentedToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7).trim();
  const cookie = cookieValue(req.headers.cookie, TOKEN_COOKIE);
  if (cookie) return cookie;
  const q = (req.url ?? '').indexOf('?');
  if (q !== -1) {
    const t = new URLSearchParams((req.url ?? '').slice(q + 1)).get('token');
    if (t) return t;
  }
  return null;
}

export function identify(req: IncomingMessage, opts: AuthOptions): Identity | null {
  const remote = normalizeAddress(req.socket.remoteAddress);
  if (opts.ingressProxies.includes(remote) && typeof req.headers['x-remote-user-id'] === 'string') {
    const name = String(req.headers['x-remote-user-name'] ?? req.headers['x-remote-user-id']);
    return {
      user: name,
      display_name: String(req.headers['x-remote-user-display-name'] ?? name),
      via: 'ingress',
      // The add-on's panel is admin-only (panel_admin: true), so every ingress user is an admin.
      admin: true,
    };
  }
  const token = presentedToken(req);
  if (token && safeEqual(token, opts.token)) return { user: 'token', display_name: 'API token', via: 'token', admin: true };
  return null;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
}

/** Who asked, as the door sees it: the panel (ingress) or the API token; admins are trusted. */
export function originOf(req: FastifyRequest): Origin {
  const id = req.identity!;
  return { source: id.via === 'ingress' ? 'panel' : 'api', trusted: id.admin, user: id.user };
}
