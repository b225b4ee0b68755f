/**
 * The TCP adapter of the transport port (node:net). Reads pause the socket above a high-water
 * mark of queued bytes, so a fast sender cannot grow our memory while we are busy.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { OverlayError } from './errors.ts';
import { ChunkQueue } from './stream-queue.ts';
import { parseAddress, type ByteStream, type Listener, type Transport } from './transport-port.ts';

function formatAddress(host: string | undefined, port: number | undefined): string {
  return `${host ?? '?'}:${port ?? 0}`;
}

class TcpStream implements ByteStream {
  readonly queue: ChunkQueue;
  readonly localAddress: string;
  readonly remoteAddress: string;
  #closed = false;

  constructor(private readonly socket: Socket) {
    this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.queue = new ChunkQueue(() => {
      if (socket.isPaused()) socket.resume();
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (this.queue.queuedBytes >= this.queue.highWater) socket.pause();
    });
    socket.on('end', () => this.queue.end());
    socket.on('close', () => {
      this.#closed = true;
      this.queue.end();
    });
    socket.on('error', () => {
      this.#closed = true;
      this.queue.end();
    });
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#closed || this.socket.destroyed || !this.socket.writable) {
      return Promise.reject(new OverlayError('CLOSED', 'stream is closed'));
    }
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        if (err) reject(new OverlayError('CLOSED', 'write failed', { cause: err }));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.queue.abort();
    this.socket.end();
    this.socket.destroySoon();
  }
}

export function createTcpTransport(): Transport {
  return {
    listen(address, onStream) {
      const parsed = parseAddress(address);
      if (parsed === undefined) return Promise.reject(new OverlayError('BAD_ADDRESS', `bad address ${address}`));
      const server = createServer((socket) => onStream(new TcpStream(socket)));
      return new Promise<Listener>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => {
          const code = err.code === 'EADDRINUSE' ? 'ADDRESS_IN_USE' : 'BAD_ADDRESS';
          reject(new OverlayError(code, `cannot listen on ${address}`, { cause: err }));
        });
        server.listen(parsed.port, parsed.host, () => {
          const a = server.address();
          const bound = typeof a === 'object' && a !== null ? formatAddress(a.address, a.port) : address;
          resolve({
            address: bound,
            close: () => {
              server.close();
              return Promise.resolve();
            },
          });
        });
      });
    },
    dial(address) {
      const parsed = parseAddress(address);
      if (parsed === undefined) return Promise.reject(new OverlayError('BAD_ADDRESS', `bad address ${address}`));
      return new Promise((resolve, reject) => {
        const socket = createConnection({ host: parsed.host, port: parsed.port });
        const onError = (err: Error): void => reject(new OverlayError('CONNECT_FAILED', `cannot connect to ${address}`, { cause: err }));
        socket.once('error', onError);
        socket.once('connect', () => {
          socket.off('error', onError);
          resolve(new TcpStream(socket));
        });
      });
    },
  };
}
