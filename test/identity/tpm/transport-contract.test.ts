/**
 * One contract suite for the TpmTransport port (transport-port.ts), run against the fake always,
 * against the file transport over a stand-in device, and against the socket transport on swtpm.
 */
import type { FileHandle } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeTransport, type TpmTransport } from '../../../agent/identity/tpm/index.ts';
import { openFileTransport } from '../../../agent/identity/tpm/file-transport.ts';
import { Writer } from '../../../agent/identity/tpm/marshal.ts';
import { openSocketTransport } from '../../../agent/identity/tpm/socket-transport.ts';
import { requireSwtpm, startSwtpm, type Swtpm } from './swtpm.ts';

/** TPM2_GetRandom(8): Part 3 §16.1. Any TPM answers it with 10 + 2 + 8 bytes. */
const GET_RANDOM_8 = Uint8Array.from(Buffer.from('80010000000c0000017b0008', 'hex'));

function canned(cmd: Uint8Array): Uint8Array {
  const code = new DataView(cmd.buffer, cmd.byteOffset).getUint32(6);
  if (code !== 0x17b) return new Writer().u16(0x8001).u32(10).u32(0x143).finish(); // TPM_RC_COMMAND_CODE
  return new Writer().u16(0x8001).u32(20).u32(0).tpm2b(new Uint8Array(8).fill(7)).finish();
}

/** A stand-in for /dev/tpmrm0: each write queues a response, reads return it in 3-byte pieces. */
function fakeDevice(): FileHandle {
  let pending: Uint8Array = new Uint8Array(0);
  return {
    write: (b: Uint8Array, off: number, len: number) => {
      pending = canned(b.slice(off, off + len));
      return Promise.resolve({ bytesWritten: len, buffer: b });
    },
    read: (buf: Uint8Array) => {
      const n = Math.min(3, pending.length);
      buf.set(pending.subarray(0, n));
      pending = pending.subarray(n);
      return Promise.resolve({ bytesRead: n, buffer: buf });
    },
    close: () => Promise.resolve(),
  } as unknown as FileHandle;
}

function contract(name: string, open: () => Promise<TpmTransport>): void {
  describe(`TpmTransport contract: ${name}`, () => {
    it('returns exactly one whole response per command', async () => {
      const t = await open();
      for (let i = 0; i < 3; i++) {
        const res = await t.transmit(GET_RANDOM_8);
        expect(res.length).toBe(20);
        expect(new DataView(res.buffer, res.byteOffset).getUint32(2)).toBe(20);
        expect(new DataView(res.buffer, res.byteOffset).getUint32(6)).toBe(0);
      }
      await t.close();
    });

    it('refuses an overlapping call or serialises it, never mixes responses', async () => {
      const t = await open();
      const results = await Promise.allSettled([t.transmit(GET_RANDOM_8), t.transmit(GET_RANDOM_8)]);
      expect(results[0]).toMatchObject({ status: 'fulfilled' });
      if (results[1].status === 'rejected') expect(results[1].reason).toMatchObject({ code: 'TPM_TRANSPORT' });
      await t.close();
    });

    it('close is idempotent and later calls reject with TPM_CLOSED', async () => {
      const t = await open();
      await t.close();
      await t.close();
      await expect(t.transmit(GET_RANDOM_8)).rejects.toMatchObject({ code: 'TPM_CLOSED' });
    });
  });
}

contract('fake', () => Promise.resolve(createFakeTransport({ respond: canned, chunkSize: 5 })));
contract('file (stand-in device)', () => openFileTransport('/dev/tpmrm0', () => Promise.resolve(fakeDevice())));

describe.runIf(requireSwtpm())('socket on swtpm', () => {
  let sw: Swtpm;
  beforeAll(async () => {
    sw = await startSwtpm();
  });
  afterAll(async () => {
    await sw?.stop();
  });
  contract('socket (swtpm)', () => openSocketTransport({ host: sw.host, port: sw.port }));
});
