/**
 * The transport contract suite (agent/overlay/transport-port.ts), run against every adapter.
 */
import { describe, expect, it } from 'vitest';
import type { ByteStream, Transport } from '../../agent/overlay/transport-port.ts';

export interface TransportFixture {
  /** Two transports on one network (two hosts). */
  make(): { a: Transport; b: Transport; host: string };
}

async function readAll(s: ByteStream, bytes: number): Promise<Uint8Array> {
  const out: number[] = [];
  while (out.length < bytes) {
    const c = await s.read();
    if (c === null) break;
    out.push(...c);
  }
  return Uint8Array.from(out);
}

function accepted(t: Transport, host: string) {
  let resolve!: (s: ByteStream) => void;
  const first = new Promise<ByteStream>((r) => (resolve = r));
  return t.listen(`${host}:0`, (s) => resolve(s)).then((listener) => ({ listener, first }));
}

export function transportContract(name: string, fixture: TransportFixture): void {
  describe(`transport contract: ${name}`, () => {
    it('listen on port 0 binds a concrete port; dial connects; bytes flow both ways in order', async () => {
      const { a, b, host } = fixture.make();
      const { listener, first } = await accepted(b, host);
      expect(listener.address).toMatch(/:\d+$/);
      expect(listener.address.endsWith(':0')).toBe(false);
      const client = await a.dial(listener.address);
      const server = await first;
      const big = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);
      await client.write(big.subarray(0, 100_000));
      await client.write(big.subarray(100_000));
      expect(await readAll(server, big.length)).toEqual(big);
      await server.write(Uint8Array.of(9, 8, 7));
      expect(await readAll(client, 3)).toEqual(Uint8Array.of(9, 8, 7));
      client.close();
      server.close();
      await listener.close();
    });

    it('remote close ends reads with null after the data; writes then reject CLOSED', async () => {
      const { a, b, host } = fixture.make();
      const { listener, first } = await accepted(b, host);
      const client = await a.dial(listener.address);
      const server = await first;
      await client.write(Uint8Array.of(1, 2));
      client.close();
      expect(await readAll(server, 2)).toEqual(Uint8Array.of(1, 2));
      expect(await server.read()).toBeNull();
      await expect(client.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'CLOSED' });
      server.close();
      await listener.close();
    });

    it('close resolves a pending read with null and is idempotent', async () => {
      const { a, b, host } = fixture.make();
      const { listener, first } = await accepted(b, host);
      const client = await a.dial(listener.address);
      const pending = client.read();
      client.close();
      client.close();
      expect(await pending).toBeNull();
      (await first).close();
      await listener.close();
    });

    it('dial to nothing rejects CONNECT_FAILED; a bad address rejects BAD_ADDRESS', async () => {
      const { a, b, host } = fixture.make();
      const { listener } = await accepted(b, host);
      const addr = listener.address;
      await listener.close();
      await expect(a.dial(addr)).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
      await expect(a.dial('nonsense')).rejects.toMatchObject({ code: 'BAD_ADDRESS' });
    });

    it('binding a taken address rejects ADDRESS_IN_USE', async () => {
      const { b, host } = fixture.make();
      const { listener } = await accepted(b, host);
      await expect(b.listen(listener.address, () => undefined)).rejects.toMatchObject({ code: 'ADDRESS_IN_USE' });
      await listener.close();
    });
  });
}
