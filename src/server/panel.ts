// The sidebar panel: the files Vite built (src/panel → dist/src/panel) served at "/" with relative URLs only
// (ingress prefixes every path). index.html is never cached; hashed assets under assets/ are immutable.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpHost } from './http';

export const PANEL_DIR = resolve(__dirname, '../panel');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Every built file by its URL path ("index.html", "assets/index-abc123.js"); read once at registration. */
function builtFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (TYPES[name.slice(name.lastIndexOf('.'))]) files.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

export function registerPanel(butler: { http: HttpHost }, dir = PANEL_DIR): void {
  const files = builtFiles(dir);
  const serve = async (req: FastifyRequest, reply: FastifyReply, name: string) => {
    if (!req.identity) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Smart Butler</title><p>Open the link with the token that the butler printed at start-up (or the add-on panel in Home Assistant).</p>',
        );
    }
    const body = files.get(name);
    if (!body)
      return reply
        .code(404)
        .send({ error: name === 'index.html' ? 'the panel is missing from the build (npm run build)' : `no file ${name}` });
    return reply
      .type(TYPES[name.slice(name.lastIndexOf('.'))])
      .header('cache-control', name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(body);
  };
  butler.http.app.get('/', (req, reply) => serve(req, reply, 'index.html'));
  butler.http.app.get('/index.html', (req, reply) => serve(req, reply, 'index.html'));
  // Only names from the build's own listing are served: nothing on the request reaches the file system.
  butler.http.app.get('/assets/*', (req, reply) => serve(req, reply, `assets/${(req.params as { '*': string })['*']}`));
}
