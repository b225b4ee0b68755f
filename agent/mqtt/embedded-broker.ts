/**
 * An MQTT broker inside the process (aedes) for the demo only: `npm start` and `ip2 demo` use it
 * when no broker URL is configured, so they need nothing installed. Loopback only, no
 * persistence, no authentication; production talks to the homeowner's broker, and the tests to
 * real mosquitto. aedes is loaded on demand and stays out of the device bundle.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { MqttError } from './errors.ts';

export interface EmbeddedBroker {
  /** mqtt://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: { port?: number } = {}): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes').catch((cause: unknown) => {
    throw new MqttError('BAD_CONFIG', 'the embedded demo broker (aedes) is not installed here: configure a broker URL', { cause });
  });
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    // Clients still connected (the daemon, a watcher) are cut off: close must not wait for them.
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
