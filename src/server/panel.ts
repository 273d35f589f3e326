// The sidebar panel: static files served at "/" with relative URLs only (ingress prefixes every path).
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HttpHost } from './http';

export const PANEL_DIR = resolve(__dirname, '../panel');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const FILES = ['index.html', 'app.js', 'style.css'];

export function registerPanel(butler: { http: HttpHost }): void {
  const cache = new Map<string, Buffer>();
  const load = (name: string) => {
    if (!cache.has(name)) {
      const file = join(PANEL_DIR, name);
      if (!existsSync(file)) return null;
      cache.set(name, readFileSync(file));
    }
    return cache.get(name)!;
  };
  const serve = (name: string) => async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    if (!req.identity) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Smart Butler</title><p>Open the link with the token that the butler printed at start-up (or the add-on panel in Home Assistant).</p>',
        );
    }
    const body = load(name);
    if (!body) return reply.code(404).send({ error: `${name} missing from the build` });
    return reply
      .type(TYPES[name.slice(name.lastIndexOf('.'))])
      .header('cache-control', 'no-cache')
      .send(body);
  };
  butler.http.app.get('/', serve('index.html'));
  for (const f of FILES) butler.http.app.get(`/${f}`, serve(f));
}
