// A stand-in for the Supervisor's ingress proxy: serves the butler under a prefix, strips it, and adds the
// X-Remote-User-* headers (HTTP and the WebSocket upgrade), so the panel's relative URLs are proven, not assumed.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';

export const INGRESS_PREFIX = '/api/hassio_ingress/Zm9vYmFy';

export function startIngressProxy(target: number, prefix = INGRESS_PREFIX): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target,
        path: req.url.slice(prefix.length) || '/',
        method: req.method,
        headers: {
          ...req.headers,
          'x-remote-user-id': 'u1',
          'x-remote-user-name': 'paulus',
          'x-remote-user-display-name': 'Paulus',
          'x-ingress-path': prefix,
        },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    // The browser and the butler both drop connections at will (page closes, shutdown): a proxy shrugs that off.
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => up.destroy());
    const up = connect(target, '127.0.0.1', () => {
      const path = (req.url ?? '').slice(prefix.length);
      const headers = { ...req.headers, 'x-remote-user-id': 'u1', 'x-remote-user-name': 'paulus' };
      up.write(
        `GET ${path} HTTP/1.1\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n`,
      );
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on('error', () => socket.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })),
  );
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
