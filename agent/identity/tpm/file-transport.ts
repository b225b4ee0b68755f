/**
 * Transport over a character device: the kernel TPM resource manager `/dev/tpmrm0` (or the raw
 * `/dev/tpm0`). The driver takes one whole command per write(2) and returns the response to the
 * next read(2); we still loop on short reads and bound the size.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { TPM_MAX_RESPONSE_SIZE } from './constants.ts';
import { TpmError } from './errors.ts';
import { ResponseAssembler } from './framing.ts';
import type { TpmTransport } from './transport-port.ts';

export type OpenFile = (path: string, flags: string) => Promise<FileHandle>;

export async function openFileTransport(path: string, openFile: OpenFile = open): Promise<TpmTransport> {
  let fh: FileHandle;
  try {
    fh = await openFile(path, 'r+');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new TpmError('TPM_UNAVAILABLE', `cannot open ${path} (${code})`, { cause: err });
  }
  return new FileTransport(fh, path);
}

class FileTransport implements TpmTransport {
  private closed = false;
  private busy = false;

  constructor(
    private readonly fh: FileHandle,
    readonly address: string,
  ) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new TpmError('TPM_CLOSED', `${this.address}: transport closed`);
    if (this.busy) throw new TpmError('TPM_TRANSPORT', `${this.address}: command already in flight`);
    this.busy = true;
    try {
      await this.fh.write(command, 0, command.length);
      const assembler = new ResponseAssembler();
      for (;;) {
        const buf = new Uint8Array(TPM_MAX_RESPONSE_SIZE);
        const { bytesRead } = await this.fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) throw new TpmError('TPM_TRANSPORT', `${this.address}: end of stream mid-response`);
        const done = assembler.push(buf.subarray(0, bytesRead));
        if (done) return done;
      }
    } catch (err) {
      if (err instanceof TpmError) throw err;
      throw new TpmError('TPM_TRANSPORT', `${this.address}: ${(err as Error).message}`, { cause: err });
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}
