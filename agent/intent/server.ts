/**
 * Length-prefixed frames over a stream socket (loopback TCP or a Unix socket): each request and
 * response is `length u32 BE ‖ CBOR`, at most MAX_FRAME_BYTES; a longer declared length closes
 * the connection before anything is buffered. One request at a time per connection, answered
 * in order. The endpoint (endpoint.ts) sees only bytes.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { MAX_FRAME_BYTES } from './constants.ts';
import type { Endpoint, Peer } from './endpoint.ts';
import { IntentClientError } from './errors.ts';

/** Where a server listens or a client connects: a Unix socket path, or a loopback TCP port. */
export type Address = { readonly path: string } | { readonly host: string; readonly port: number };

const IDLE_MS = 30_000;
const MAX_CONNECTIONS = 64;
/** Requests a connection may have queued (pipelined) before it is dropped: bounded memory. */
const MAX_QUEUED = 16;

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** Reassembles frames from chunks split anywhere; throws RangeError on an oversize length. */
export class FrameReader {
  #buf: Uint8Array = new Uint8Array(0);
  constructor(readonly maxBytes = MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.#buf.length + chunk.length);
    joined.set(this.#buf);
    joined.set(chunk, this.#buf.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const len = new DataView(joined.buffer, joined.byteOffset + at, 4).getUint32(0);
      if (len > this.maxBytes) throw new RangeError(`frame of ${len} bytes exceeds ${this.maxBytes}`);
      if (joined.length - at - 4 < len) break;
      frames.push(joined.slice(at + 4, at + 4 + len));
      at += 4 + len;
    }
    this.#buf = joined.slice(at);
    return frames;
  }
}

function serve(socket: Socket, endpoint: Endpoint, peer: Peer): void {
  const reader = new FrameReader();
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    let frames: Uint8Array[];
    try {
      frames = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const f of frames) {
      if (++queued > MAX_QUEUED) {
        socket.destroy();
        return;
      }
      chain = chain.then(async () => {
        const res = await endpoint.handle(f, peer);
        queued--;
        if (!socket.destroyed) socket.write(frame(res));
      });
    }
  });
}

export interface FrameServer {
  readonly address: Address;
  close(): Promise<void>;
}

export async function listenFrames(endpoint: Endpoint, address: Address, peer: Peer): Promise<FrameServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    serve(s, endpoint, peer);
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in address) server.listen(address.path, resolve);
    else server.listen(address.port, address.host, resolve);
  });
  const bound = server.address();
  const actual: Address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : address;
  return {
    address: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends one request frame and resolves with the response frame. */
export function requestFrame(address: Address, payload: Uint8Array, timeoutMs = 10_000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in address ? createConnection(address.path) : createConnection(address.port, address.host);
    const reader = new FrameReader();
    const fail = (err: IntentClientError): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new IntentClientError('CONNECTION_FAILED', 'the device did not answer in time')));
    socket.on('error', (cause) => fail(new IntentClientError('CONNECTION_FAILED', `cannot reach the device: ${cause.message}`, { cause })));
    socket.on('connect', () => socket.write(frame(payload)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const frames = reader.push(chunk);
        if (frames[0] !== undefined) {
          socket.end();
          resolve(frames[0]);
        }
      } catch (cause) {
        fail(new IntentClientError('FRAME_TOO_LARGE', 'the response frame is too large', { cause }));
      }
    });
  });
}
