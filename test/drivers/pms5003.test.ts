import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { attachPms5003, openPms5003, PmsFramer, pmsCommand, type PmsEvent } from '../../drivers/pms5003/index.ts';
import { createMemoryLinkPair, serialPortOpener, type LinkOpener } from '../../drivers/serial/index.ts';
import { DriverError } from '../../drivers/errors.ts';
import { systemClock } from '../../drivers/clock.ts';
import { ManualClock } from './support/clock.ts';
import { encodePmsFrame, PmsEmulator, pmsWords } from './emulators/pms5003.ts';
import { skipPty, socatPair } from './support/socat.ts';

const frames = (evs: PmsEvent[]): number[][] => evs.flatMap((e) => (e.type === 'frame' ? [[...e.frame.words]] : []));
const pushAll = (f: PmsFramer, chunks: Uint8Array[]): PmsEvent[] => chunks.flatMap((c) => f.push(c));
const words13 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 13, maxLength: 13 });
const noStart = fc.uint8Array({ maxLength: 60 }).filter((g) => !g.some((b, i) => b === 0x42 && g[i + 1] === 0x4d));

describe('PmsFramer', () => {
  it('decodes what the manual encodes, for 20-, 28- and 36-byte frames', () => {
    fc.assert(
      fc.property(fc.constantFrom(9, 13, 17).chain((n) => fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: n, maxLength: n })), (w) => {
        expect(frames(new PmsFramer().push(encodePmsFrame(w)))).toEqual([w]);
      }),
    );
  });

  it('maps atmospheric words 4–6 to pm1/pm25/pm10', () => {
    const [ev] = new PmsFramer().push(encodePmsFrame(pmsWords(5, 12, 20)));
    expect(ev).toMatchObject({ type: 'frame', frame: { pm1: 5, pm25: 12, pm10: 20 } });
  });

  it('finds a frame split across two chunks at every offset, and byte by byte', () => {
    const bytes = encodePmsFrame(pmsWords(3, 7, 9));
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(frames(pushAll(new PmsFramer(), [bytes.subarray(0, cut), bytes.subarray(cut)]))).toHaveLength(1);
    }
    expect(frames(pushAll(new PmsFramer(), [...bytes].map((b) => Uint8Array.of(b))))).toHaveLength(1);
  });

  it('resynchronises after any garbage, and after a truncated or corrupt frame', () => {
    fc.assert(
      fc.property(noStart, words13, (garbage, w) => {
        const f = new PmsFramer();
        expect(frames(pushAll(f, [garbage, encodePmsFrame(w)]))).toEqual([w]);
      }),
    );
    const good = encodePmsFrame(pmsWords(1, 2, 3));
    const truncated = good.subarray(0, 17);
    const evs = new PmsFramer().push(Uint8Array.from([0x42, ...truncated, ...encodePmsFrame(pmsWords(0, 0, 0), true), ...good]));
    expect(frames(evs)).toEqual([pmsWords(1, 2, 3)]);
    expect(evs.filter((e) => e.type === 'checksum').length).toBeGreaterThanOrEqual(1);
  });

  it('is total and chunking-independent: any bytes in any chunks give the same frames', () => {
    const stream = fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), words13.map((w) => encodePmsFrame(w)), words13.map((w) => encodePmsFrame(w, true))), { maxLength: 8 });
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (parts, sizes) => {
        const all = Uint8Array.from(parts.flatMap((p) => [...p]));
        const chunks: Uint8Array[] = [];
        for (let i = 0, k = 0; i < all.length; k += 1) {
          const n = sizes[k % sizes.length]!;
          chunks.push(all.subarray(i, i + n));
          i += n;
        }
        const whole = new PmsFramer().push(all);
        const split = pushAll(new PmsFramer(), chunks);
        expect(frames(split)).toEqual(frames(whole));
      }),
    );
  });

  it('from good and corrupt frames alone, yields exactly the good ones in order and counts the rest', () => {
    const item = fc.record({ w: words13, bad: fc.boolean() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), (items, size) => {
        const all = Uint8Array.from(items.flatMap((i) => [...encodePmsFrame(i.w, i.bad)]));
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
        const evs = pushAll(new PmsFramer(), chunks);
        expect(frames(evs)).toEqual(items.filter((i) => !i.bad).map((i) => i.w));
        expect(evs.filter((e) => e.type === 'checksum').length).toBeGreaterThanOrEqual(items.filter((i) => i.bad).length);
      }),
    );
  });

  it('encodes host commands as the manual lists them', () => {
    expect([...pmsCommand(0xe1, 0)]).toEqual([0x42, 0x4d, 0xe1, 0x00, 0x00, 0x01, 0x70]);
    expect([...pmsCommand(0xe1, 1)]).toEqual([0x42, 0x4d, 0xe1, 0x00, 0x01, 0x01, 0x71]);
    expect([...pmsCommand(0xe4, 1)]).toEqual([0x42, 0x4d, 0xe4, 0x00, 0x01, 0x01, 0x74]);
  });
});

describe('PMS5003 driver over the in-memory link', () => {
  it('reads, counts bad frames, turns stale when silent, recovers when data returns', async () => {
    const [host, dev] = createMemoryLinkPair({ maxChunk: 5 });
    const clock = new ManualClock();
    const emu = new PmsEmulator(dev);
    const d = await attachPms5003(host, { id: 'pm', clock, staleAfterMs: 10_000, timeoutMs: 5_000 });
    await vi.waitFor(() => expect(emu.received).toEqual([...pmsCommand(0xe1, 1)]));
    await emu.garbage([0x00, 0x42, 0x13]);
    await emu.frame([4, 9, 11], { splitAt: [1, 3, 20] });
    await emu.frame([99, 99, 99], { corrupt: true });
    await vi.waitFor(() => expect(d.health().checksumErrors).toBe(1));
    expect(await d.readAll()).toEqual([
      { quantity: 'pm25', unit: 'µg/m³', value: 9, at: clock.now(), quality: 'good' },
      { quantity: 'pm1', unit: 'µg/m³', value: 4, at: clock.now(), quality: 'good' },
      { quantity: 'pm10', unit: 'µg/m³', value: 11, at: clock.now(), quality: 'good' },
    ]);
    const t0 = clock.now();
    await clock.advance(10_001);
    expect(d.health().state).toBe('stale');
    const pending = d.read();
    await clock.advance(5_000);
    expect(await pending).toMatchObject({ value: 9, at: t0, quality: 'stale' });
    expect(d.health().timeouts).toBe(1);
    await emu.frame([5, 10, 12]);
    await vi.waitFor(() => expect(d.health().state).toBe('ok'));
    expect(await d.read()).toMatchObject({ value: 10, at: clock.now(), quality: 'good' });
    await d.close();
  });

  it('a read pending at close rejects with CLOSED', async () => {
    const [host] = createMemoryLinkPair();
    const d = await attachPms5003(host, { id: 'pm', clock: new ManualClock() });
    const pending = d.read();
    await d.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe.skipIf(skipPty)('PMS5003 driver over a socat pty with the emulator', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('reads frames split across writes after garbage and bad checksums; stale then recovers', async () => {
    const pty = await socatPair();
    const open = serialPortOpener();
    const devEnd = await open(pty.b, { baudRate: 9600 });
    const emu = new PmsEmulator(devEnd);
    const clock = new ManualClock();
    const d = await openPms5003({ id: 'pm', path: pty.a, open, clock, staleAfterMs: 10_000 });
    stop = async () => {
      await d.close();
      await devEnd.close();
      await pty.stop();
    };
    await vi.waitFor(() => expect(emu.received.length).toBe(7));
    await emu.garbage([0x42, 0x4d, 0x00]);
    await emu.frame([7, 15, 21], { corrupt: true, splitAt: [16] });
    await emu.frame([8, 16, 22], { splitAt: [2, 4, 31] });
    await vi.waitFor(() => expect(d.health().reads).toBe(1));
    expect(d.health().checksumErrors).toBeGreaterThanOrEqual(1);
    expect(await d.read()).toMatchObject({ quantity: 'pm25', value: 16, quality: 'good' });
    await clock.advance(11_000);
    expect(d.health().state).toBe('stale');
    await emu.frame([1, 2, 3]);
    await vi.waitFor(() => expect(d.health().state).toBe('ok'));
    expect(await d.read('pm10')).toMatchObject({ value: 3, quality: 'good', at: clock.now() });
  });

  it('times out on a real clock when the sensor never speaks', async () => {
    const pty = await socatPair();
    const open = serialPortOpener();
    const d = await openPms5003({ id: 'pm', path: pty.a, open, clock: systemClock });
    stop = async () => {
      await d.close();
      await pty.stop();
    };
    await expect(d.read(undefined, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('PMS5003 link supervision', () => {
  it('reopens a silent port, with backoff after a failed open, and re-requests active mode', async () => {
    const clock = new ManualClock();
    const devices: PmsEmulator[] = [];
    let failNext = false;
    const open: LinkOpener = (path) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new DriverError('NOT_FOUND', `${path} vanished`));
      }
      const [host, dev] = createMemoryLinkPair({}, [path, `${path}-dev`]);
      devices.push(new PmsEmulator(dev));
      return Promise.resolve(host);
    };
    const d = await openPms5003({ id: 'pm', path: '/dev/fake', open, clock, staleAfterMs: 10_000, reopenBackoffMs: 1_000 });
    await devices[0]!.frame([1, 2, 3]);
    await vi.waitFor(() => expect(d.health().reads).toBe(1));
    failNext = true;
    await clock.advance(10_000); // silent for staleAfterMs: close, and the reopen fails
    expect(devices).toHaveLength(1);
    await clock.advance(1_000); // backoff elapsed: reopened
    await vi.waitFor(() => expect(devices).toHaveLength(2));
    await vi.waitFor(() => expect(devices[1]!.received).toEqual([...pmsCommand(0xe1, 1)]));
    await devices[1]!.frame([4, 5, 6]);
    await vi.waitFor(() => expect(d.health().state).toBe('ok'));
    expect(await d.read()).toMatchObject({ value: 5, quality: 'good' });
    await devices[0]!.frame([9, 9, 9]).catch(() => undefined); // the old link is closed: ignored
    expect((await d.read()).value).toBe(5);
    await d.close();
  });
});
