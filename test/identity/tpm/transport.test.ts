/** The real transports against local stand-ins: a TCP server that misbehaves, a fake file handle. */
import type { FileHandle } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileTransport } from '../../../agent/identity/tpm/file-transport.ts';
import { Writer } from '../../../agent/identity/tpm/marshal.ts';
import { openTpm } from '../../../agent/identity/tpm/index.ts';

const randomResponse = (bytes: number[]): Uint8Array =>
  new Writer().u16(0x8001).u32(12 + bytes.length).u32(0).tpm2b(Uint8Array.from(bytes)).finish();

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

function listen(onCommand: (sock: Socket, cmd: Buffer) => void): Promise<number> {
  server = createServer((sock) => sock.on('data', (cmd) => onCommand(sock, cmd)));
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
}

describe('socket transport', () => {
  it('reassembles a response written one byte at a time', async () => {
    const port = await listen((sock) => {
      for (const b of randomResponse([1, 2, 3])) sock.write(Uint8Array.of(b));
    });
    const tpm = await openTpm({ tcp: { host: '127.0.0.1', port }, startup: false });
    expect([...(await tpm.getRandom(3))]).toEqual([1, 2, 3]);
    await tpm.close();
  });

  it('a connection closed mid-response is TPM_TRANSPORT', async () => {
    const port = await listen((sock) => sock.end(randomResponse([1, 2, 3]).subarray(0, 8)));
    const tpm = await openTpm({ tcp: { host: '127.0.0.1', port }, startup: false });
    await expect(tpm.getRandom(3)).rejects.toMatchObject({ code: 'TPM_TRANSPORT' });
    await tpm.close();
  });

  it('a lying size field is TPM_RESPONSE_MALFORMED, before reading the lie', async () => {
    const port = await listen((sock) => sock.write(new Writer().u16(0x8001).u32(0x7fffffff).u32(0).finish()));
    const tpm = await openTpm({ tcp: { host: '127.0.0.1', port }, startup: false });
    await expect(tpm.getRandom(3)).rejects.toMatchObject({ code: 'TPM_RESPONSE_MALFORMED' });
    await tpm.close();
  });

  it('nobody listening is TPM_UNAVAILABLE', async () => {
    const port = await listen(() => undefined);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(openTpm({ tcp: { host: '127.0.0.1', port } })).rejects.toMatchObject({ code: 'TPM_UNAVAILABLE' });
  });
});

describe('file transport (/dev/tpmrm0 path)', () => {
  /** A stand-in for the kernel device: records writes, answers reads in short pieces. */
  function fakeDevice(response: Uint8Array, piece: number): { fh: FileHandle; written: Uint8Array[] } {
    const written: Uint8Array[] = [];
    let at = 0;
    const fh = {
      write: (b: Uint8Array, off: number, len: number) => {
        written.push(b.slice(off, off + len));
        return Promise.resolve({ bytesWritten: len, buffer: b });
      },
      read: (buf: Uint8Array) => {
        const n = Math.min(piece, response.length - at);
        buf.set(response.subarray(at, at + n));
        at += n;
        return Promise.resolve({ bytesRead: n, buffer: buf });
      },
      close: () => Promise.resolve(),
    };
    return { fh: fh as unknown as FileHandle, written };
  }

  it('writes one command and loops over short reads', async () => {
    const dev = fakeDevice(randomResponse([9, 8]), 5);
    const transport = await openFileTransport('/dev/tpmrm0', () => Promise.resolve(dev.fh));
    const tpm = await openTpm({ transport });
    expect([...(await tpm.getRandom(2))]).toEqual([9, 8]);
    expect(Buffer.from(dev.written[0]!).toString('hex')).toBe('80010000000c0000017b0002');
    await tpm.close();
    await expect(transport.transmit(new Uint8Array(10))).rejects.toMatchObject({ code: 'TPM_CLOSED' });
  });

  it('end of file mid-response is TPM_TRANSPORT', async () => {
    const dev = fakeDevice(randomResponse([9, 8]).subarray(0, 11), 4);
    const tpm = await openTpm({ transport: await openFileTransport('/dev/tpmrm0', () => Promise.resolve(dev.fh)) });
    await expect(tpm.getRandom(2)).rejects.toMatchObject({ code: 'TPM_TRANSPORT' });
    await tpm.close();
  });
});
