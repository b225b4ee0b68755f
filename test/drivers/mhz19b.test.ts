import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { attachMhz19b, co2Ppm, mhzChecksum, mhzCommand, MhzFramer, openMhz19b, type MhzEvent } from '../../drivers/mhz19b/index.ts';
import { createMemoryLinkPair, serialPortOpener } from '../../drivers/serial/index.ts';
import { systemClock } from '../../drivers/clock.ts';
import { ManualClock } from './support/clock.ts';
import { MhzEmulator, mhzReply } from './emulators/mhz19b.ts';
import { skipPty, socatPair } from './support/socat.ts';

const ppms = (evs: MhzEvent[]): number[] => evs.flatMap((e) => (e.type === 'frame' ? [co2Ppm(e.frame)] : []));

describe('MH-Z19B framing', () => {
  it('encodes the commands listed in the manual', () => {
    expect([...mhzCommand(0x86)]).toEqual([0xff, 0x01, 0x86, 0, 0, 0, 0, 0, 0x79]);
    expect([...mhzCommand(0x79, [0xa0])]).toEqual([0xff, 0x01, 0x79, 0xa0, 0, 0, 0, 0, 0xe6]);
    expect([...mhzCommand(0x79, [0x00])]).toEqual([0xff, 0x01, 0x79, 0, 0, 0, 0, 0, 0x86]);
    expect([...mhzCommand(0x87)]).toEqual([0xff, 0x01, 0x87, 0, 0, 0, 0, 0, 0x78]);
    expect(mhzChecksum(mhzReply(500))).toBe(mhzReply(500)[8]);
  });

  it('reads a reply split at every offset', () => {
    const r = mhzReply(1234);
    for (let cut = 0; cut <= r.length; cut += 1) {
      const f = new MhzFramer();
      expect(ppms([...f.push(r.subarray(0, cut)), ...f.push(r.subarray(cut))])).toEqual([1234]);
    }
  });

  it('resynchronises after garbage and corrupt replies, in any chunking', () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 5000 }).map((p): { bytes: Uint8Array; ppm: number | null } => ({ bytes: mhzReply(p), ppm: p })),
      fc.integer({ min: 0, max: 5000 }).map((p) => ({ bytes: mhzReply(p, true), ppm: null })),
      fc.uint8Array({ maxLength: 12 }).filter((g) => !g.includes(0xff)).map((g) => ({ bytes: g, ppm: null })),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }), fc.integer({ min: 1, max: 20 }), (parts, size) => {
        const all = Uint8Array.from(parts.flatMap((p) => [...p.bytes]));
        const f = new MhzFramer();
        const evs: MhzEvent[] = [];
        for (let i = 0; i < all.length; i += size) evs.push(...f.push(all.subarray(i, i + size)));
        expect(ppms(evs)).toEqual(parts.flatMap((p) => (p.ppm === null ? [] : [p.ppm])));
      }),
    );
  });

  it('is total on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const e of new MhzFramer().push(bytes)) if (e.type === 'frame') expect(e.frame.data).toHaveLength(6);
      }),
    );
  });
});

describe('MH-Z19B driver over the in-memory link', () => {
  it('reads CO2, retries a corrupt reply and a silent one, counts both', async () => {
    const [host, dev] = createMemoryLinkPair({ maxChunk: 4 });
    const emu = new MhzEmulator(dev);
    const clock = new ManualClock();
    const d = attachMhz19b(host, { id: 'co2', clock, timeoutMs: 1000 });
    expect(await d.read()).toEqual({ quantity: 'co2', unit: 'ppm', value: 612, at: clock.now(), quality: 'good' });
    emu.ppm = 845;
    emu.script = ['corrupt', 'garbage-then-split'];
    expect((await d.read()).value).toBe(845);
    expect(d.health()).toMatchObject({ checksumErrors: 1, reads: 2, state: 'ok' });
    emu.script = ['silent'];
    const pending = d.read();
    await vi.waitFor(() => expect(emu.commands).toHaveLength(4)); // the request reached the emulator
    await clock.advance(1001);
    // The silent request timed out; the retry was answered with a fresh value.
    expect(await pending).toMatchObject({ value: 845, quality: 'good', at: clock.now() });
    expect(d.health()).toMatchObject({ timeouts: 1, checksumErrors: 1, reads: 3 });
    await d.calibrateZero();
    await d.setAutoBaseline(false);
    await d.calibrateSpan(2000);
    await expect(d.calibrateSpan(50)).rejects.toBeInstanceOf(RangeError);
    await vi.waitFor(() => expect(emu.commands).toHaveLength(8));
    expect(emu.commands.slice(-3)).toEqual([[...mhzCommand(0x87)], [...mhzCommand(0x79, [0])], [...mhzCommand(0x88, [0x07, 0xd0])]]);
    await d.close();
    await expect(d.read()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe.skipIf(skipPty)('MH-Z19B driver over a socat pty with the emulator', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('polls through garbage, split replies and a bad checksum; a silent sensor times out', async () => {
    const pty = await socatPair();
    const open = serialPortOpener();
    const devEnd = await open(pty.b, { baudRate: 9600 });
    const emu = new MhzEmulator(devEnd);
    const d = await openMhz19b({ id: 'co2', path: pty.a, open, clock: systemClock, timeoutMs: 500, retries: 1 });
    stop = async () => {
      await d.close();
      await devEnd.close();
      await pty.stop();
    };
    emu.script = ['garbage-then-split', 'corrupt'];
    expect((await d.read()).value).toBe(612);
    emu.ppm = 1500;
    expect((await d.read()).value).toBe(1500);
    expect(d.health().checksumErrors).toBe(1);
    emu.script = ['silent', 'silent'];
    const r = await d.read();
    expect(r).toMatchObject({ value: 1500, quality: 'good' }); // last value, still within staleAfterMs
    expect(d.health().timeouts).toBe(2);
    expect(emu.commands.every((c) => c[2] === 0x86)).toBe(true);
  });
});
