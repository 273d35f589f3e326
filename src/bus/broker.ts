// The embedded MQTT broker (aedes) for `npm start` when no broker is configured or offered by the Supervisor.
import { createServer, type Server } from 'node:net';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export class BrokerPortError extends Error {}

export async function startEmbeddedBroker(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  // aedes 1.x is ESM-only.
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      aedes.close();
      if (err.code === 'EADDRINUSE') {
        reject(
          new BrokerPortError(
            `port ${port} for the embedded MQTT broker is already taken (another broker is probably running). ` +
              `Set BUTLER_MQTT_URL=mqtt://127.0.0.1:${port} to use that broker, or BUTLER_MQTT_PORT to another port (0 picks a free one).`,
          ),
        );
      } else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
        // Clients that never disconnect would keep server.close() waiting.
        setTimeout(resolve, 1000).unref();
      }),
  };
}
