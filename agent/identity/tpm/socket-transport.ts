/**
 * Transport over a TCP byte stream: swtpm's `--server type=tcp` port, which carries raw TPM
 * commands and responses with no extra framing (the same bytes as /dev/tpmrm0).
 */
import { connect, type Socket } from 'node:net';
import { TpmError } from './errors.ts';
import { ResponseAssembler } from './framing.ts';
import type { TpmTransport } from './transport-port.ts';

export interface SocketTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Give up on one command after this long (a hung TPM); default 120 s. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly assembler: ResponseAssembler;
  resolve(bytes: Uint8Array): void;
  reject(err: Error): void;
}

export async function openSocketTransport(opts: SocketTransportOptions): Promise<TpmTransport> {
  const address = `tcp://${opts.host}:${opts.port}`;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: opts.host, port: opts.port });
    s.once('connect', () => resolve(s));
    s.once('error', (err) => reject(new TpmError('TPM_UNAVAILABLE', `no TPM at ${address}: ${err.message}`, { cause: err })));
  });
  socket.setNoDelay(true);
  return new SocketTransport(socket, address, opts.timeoutMs ?? 120_000);
}

class SocketTransport implements TpmTransport {
  private pending: Pending | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new TpmError('TPM_TRANSPORT', `${address}: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(new TpmError('TPM_TRANSPORT', `${address}: connection closed`)));
  }

  private onData(chunk: Buffer): void {
    const p = this.pending;
    if (!p) {
      this.fail(new TpmError('TPM_RESPONSE_MALFORMED', `${this.address}: unsolicited bytes`));
      return;
    }
    try {
      const done = p.assembler.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      if (done) {
        this.pending = undefined;
        p.resolve(done);
      }
    } catch (err) {
      this.pending = undefined;
      p.reject(err as Error);
      this.socket.destroy();
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TpmError('TPM_CLOSED', `${this.address}: transport closed`));
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new TpmError('TPM_TRANSPORT', `${this.address}: command already in flight`));
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new TpmError('TPM_TRANSPORT', `${this.address}: no response within ${this.timeoutMs} ms`));
        this.socket.destroy();
      }, this.timeoutMs);
      const done = (): void => clearTimeout(timer);
      this.pending = {
        assembler: new ResponseAssembler(),
        resolve: (b) => { done(); resolve(b); },
        reject: (e) => { done(); reject(e); },
      };
      this.socket.write(command);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new TpmError('TPM_CLOSED', `${this.address}: transport closed`));
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.destroySoon(); // half-close after pending writes; swtpm then closes its side
    });
  }
}
