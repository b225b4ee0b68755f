/**
 * Download resume over HTTP on loopback: the server dies mid-transfer; the next attempt sends
 * `Range: bytes=N-` and fetches only the unfinished part (RFC 9110 §14.2). Bandwidth cap with
 * an injected clock (no timed assertions).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpSource, isUpdateError } from '../../../firmware-update/client/index.ts';
import { crypto, makeManufacturer, makeSlotImage, withTmp } from './helpers.ts';
import { startServer } from './http-server.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('HTTP download with Range resume', () => {
  it('re-fetches only the unfinished part after the server is killed mid-download', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const img = await makeSlotImage(dir, '1.0.0');
      await m.publish(img, '1.0.0');
      const bytes = new Uint8Array(await readFile(img));
      const spec = { length: bytes.length, sha256: hex(crypto.sha256(bytes)) };
      const dest = join(dir, 'dl.img');

      const first = await startServer(m.repo);
      first.cutAfter = 50_000;
      const err = await httpSource(first.url).fetchTarget('ip2-1.0.0.tar', dest, spec).catch((e: unknown) => e);
      await first.close(); // the server is gone
      expect(isUpdateError(err, 'TRANSFER')).toBe(true);
      const have = (await stat(`${dest}.part`)).size;
      expect(have).toBeGreaterThan(0);
      expect(have).toBeLessThanOrEqual(50_000);

      const second = await startServer(m.repo);
      try {
        const r = await httpSource(second.url).fetchTarget('ip2-1.0.0.tar', dest, spec);
        expect(r).toEqual({ resumedFrom: have, fetched: bytes.length - have });
        expect(second.ranges).toEqual([`bytes=${have}-`]);
        expect(second.targetBytesSent).toBe(bytes.length - have);
        expect(new Uint8Array(await readFile(dest))).toEqual(bytes);
      } finally {
        await second.close();
      }
    });
  });

  it('a partial file with the wrong bytes is discarded after the full hash check', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const img = await makeSlotImage(dir, '1.0.0');
      await m.publish(img, '1.0.0');
      const bytes = new Uint8Array(await readFile(img));
      const dest = join(dir, 'dl.img');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${dest}.part`, Buffer.alloc(1000, 0x55));
      const server = await startServer(m.repo);
      try {
        const src = httpSource(server.url);
        const spec = { length: bytes.length, sha256: hex(crypto.sha256(bytes)) };
        await expect(src.fetchTarget('ip2-1.0.0.tar', dest, spec)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
        expect(await stat(`${dest}.part`).then(() => true, () => false)).toBe(false);
        expect((await src.fetchTarget('ip2-1.0.0.tar', dest, spec)).resumedFrom).toBe(0);
      } finally {
        await server.close();
      }
    });
  });

  it('the bandwidth cap paces by the injected clock', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const img = await makeSlotImage(dir, '1.0.0');
      await m.publish(img, '1.0.0');
      const bytes = new Uint8Array(await readFile(img));
      let now = 0;
      const slept: number[] = [];
      const pacer = { clock: { now: () => now }, sleep: (ms: number) => { slept.push(ms); now += ms; return Promise.resolve(); } };
      const server = await startServer(m.repo);
      try {
        await httpSource(server.url, fetch, pacer).fetchTarget('ip2-1.0.0.tar', join(dir, 'x'), {
          length: bytes.length, sha256: hex(crypto.sha256(bytes)), bytesPerSecond: 10_000,
        });
        expect(now).toBeCloseTo((bytes.length / 10_000) * 1000, 0);
        expect(slept.length).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });
  });
});
