import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLinkPair, serialPortOpener, type ByteLink } from '../../drivers/serial/index.ts';
import { isDriverError } from '../../drivers/errors.ts';
import { skipPty, socatPair, type PtyPair } from './support/socat.ts';

interface Pair {
  readonly a: ByteLink;
  readonly b: ByteLink;
  stop(): Promise<void>;
}

function collect(link: ByteLink): { bytes: () => Uint8Array; until: (n: number) => Promise<Uint8Array> } {
  const chunks: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  link.onData((c) => {
    expect(c.length).toBeGreaterThan(0);
    chunks.push(c);
    wake?.();
  });
  const bytes = (): Uint8Array => Uint8Array.from(chunks.flatMap((c) => [...c]));
  return {
    bytes,
    async until(n) {
      while (bytes().length < n) await new Promise<void>((r) => (wake = r));
      return bytes();
    },
  };
}

/** One contract suite for the byte-link port, run against the fake and a real socat pty. */
function contract(name: string, makePair: () => Promise<Pair>, skip = false): void {
  describe.skipIf(skip)(`ByteLink contract: ${name}`, () => {
    let pair: Pair | undefined;
    afterEach(async () => {
      await pair?.stop();
      pair = undefined;
    });

    it('delivers bytes in order both ways, whatever the write sizes', async () => {
      pair = await makePair();
      const atB = collect(pair.b);
      const atA = collect(pair.a);
      const sent = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
      for (let i = 0; i < sent.length; i += 37) await pair.a.write(sent.subarray(i, i + 37));
      await pair.b.write(Uint8Array.of(0x42, 0x4d));
      expect(await atB.until(300)).toEqual(sent);
      expect(await atA.until(2)).toEqual(Uint8Array.of(0x42, 0x4d));
    });

    it('write after close rejects with CLOSED; close is idempotent', async () => {
      pair = await makePair();
      await pair.a.close();
      await pair.a.close();
      await expect(pair.a.write(Uint8Array.of(1))).rejects.toSatisfy((e: unknown) => isDriverError(e, 'CLOSED'));
    });
  });
}

contract('memory (chunks of 3)', () => {
  const [a, b] = createMemoryLinkPair({ maxChunk: 3 });
  return Promise.resolve({ a, b, stop: async () => void (await Promise.all([a.close(), b.close()])) });
});

contract(
  'serialport over a socat pty',
  async () => {
    const pty: PtyPair = await socatPair();
    const open = serialPortOpener();
    const a = await open(pty.a, { baudRate: 9600 });
    const b = await open(pty.b, { baudRate: 9600 });
    return {
      a,
      b,
      async stop() {
        await a.close();
        await b.close();
        await pty.stop();
      },
    };
  },
  skipPty,
);

describe.skipIf(skipPty)('serialport opener errors', () => {
  it('a missing device is NOT_FOUND; a second open of a locked port is IO', async () => {
    const open = serialPortOpener();
    await expect(open('/nonexistent/ttyX', { baudRate: 9600 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const pty = await socatPair();
    const first = await open(pty.a, { baudRate: 9600 });
    try {
      await expect(open(pty.a, { baudRate: 9600 })).rejects.toMatchObject({ code: 'IO' });
    } finally {
      await first.close();
      await pty.stop();
    }
  });
});
