// One HTTP port for everything: Fastify serves the panel and /api/; other handlers (Node-RED's editor at /flows/ and
// its HTTP-in endpoints at /endpoint/) are mounted by path prefix. WebSocket upgrades are routed by path, so the
// editor's /flows/comms and the API's /api/stream never steal each other's connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import Ajv from 'ajv';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface HttpHost {
  readonly server: Server;
  readonly app: FastifyInstance;
  /** Sends every request whose path starts with `prefix` (e.g. "/flows") to `handler` instead of Fastify. */
  mount(prefix: string, handler: RequestHandler): void;
  /** Routes WebSocket upgrades whose path starts with `prefix` to `handler`. */
  onUpgrade(prefix: string, handler: UpgradeHandler): void;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

function matches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export function createHttpHost(log: Logger, opts: { bodyLimit?: number } = {}): HttpHost {
  const mounts: { prefix: string; handler: RequestHandler }[] = [];
  const upgrades: { prefix: string; handler: UpgradeHandler }[] = [];
  let fastifyHandler: RequestHandler | null = null;

  const server = createServer((req, res) => {
    const path = pathOf(req.url);
    const mount = mounts.find((m) => matches(path, m.prefix));
    if (mount) return mount.handler(req, res);
    fastifyHandler!(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req.url);
    const up = upgrades.find((u) => matches(path, u.prefix));
    if (up) return up.handler(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  server.keepAliveTimeout = 65_000;

  const app = Fastify({
    loggerInstance: log.child({ part: 'http' }) as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    serverFactory: (handler) => {
      fastifyHandler = handler as RequestHandler;
      return server;
    },
  });
  // Query strings and params arrive as text and need coercing; bodies are JSON and must not be coerced
  // ("turn it all on" is not an array of one action).
  const bodyAjv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
  const textAjv = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));

  return {
    server,
    app,
    mount(prefix, handler) {
      mounts.push({ prefix, handler });
      mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    onUpgrade(prefix, handler) {
      upgrades.push({ prefix, handler });
      upgrades.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    async listen(port, host = '0.0.0.0') {
      await app.ready();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as { port: number }).port;
    },
    async close() {
      server.closeAllConnections?.();
      await app.close();
      // Fastify does not close a server it was handed (serverFactory).
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
